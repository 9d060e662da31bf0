package io.citadel.engine.internal.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one fragment. Each column is one checksummed block; a footer at the end lists
 * the blocks with their statistics, so opening a fragment reads only the footer and a query reads
 * only the columns it uses.
 *
 * <pre>
 * "CTFR" version:int
 * block*            hasNulls:byte [words:int long*words] values (4 or 8 bytes each)
 * footer            rows:int columns:int (id:int storage:byte offset:long length:int
 *                   nullCount:int hasRange:byte min:long max:long crc:int)*
 * trailer           footerCrc:int footerLength:int "CTFR"
 * </pre>
 *
 * All integers are little-endian. A file is written completely and forced before any manifest names
 * it, and is never modified afterwards.
 */
public final class FragmentFile {
  static final int MAGIC = 0x52465443; // "CTFR" read little-endian
  static final int VERSION = 1;
  private static final int TRAILER = 12;
  private static final int CHUNK = 1 << 20;

  private FragmentFile() {}

  /** One column's place in the file. */
  record Block(
      int columnId,
      ColumnData.Storage storage,
      long offset,
      int length,
      ColumnStats stats,
      int crc) {}

  /** What the footer says. */
  record Footer(int rows, Map<Integer, Block> blocks) {}

  /** A column to write. */
  record ColumnToWrite(
      int columnId, ColumnData.Storage storage, ColumnData data, ColumnStats stats) {}

  static void write(Path file, int rows, Iterable<ColumnToWrite> columns) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      BlockWriter w = new BlockWriter(ch);
      w.buf.putInt(MAGIC).putInt(VERSION);
      w.endBlock();
      ByteBuffer footer = ByteBuffer.allocate(64 * 64).order(ByteOrder.LITTLE_ENDIAN);
      footer.putInt(rows).putInt(0);
      int count = 0;
      for (ColumnToWrite c : columns) {
        long start = w.position;
        ColumnData d = c.data();
        long[] nulls = d.nullBits();
        boolean hasNulls = nulls != null && c.stats().nullCount() > 0;
        w.room(5);
        w.buf.put((byte) (hasNulls ? 1 : 0));
        if (hasNulls) {
          int words = (rows + 63) >>> 6;
          w.buf.putInt(words);
          for (int i = 0; i < words; ) {
            int n = Math.min(words - i, w.room(8) / 8);
            w.buf.asLongBuffer().put(nulls, i, n);
            w.buf.position(w.buf.position() + 8 * n);
            i += n;
          }
        }
        switch (c.storage()) {
          case INT -> {
            int[] v = ((ColumnData.Ints) d).values;
            for (int i = 0; i < rows; ) {
              int n = Math.min(rows - i, w.room(4) / 4);
              w.buf.asIntBuffer().put(v, i, n);
              w.buf.position(w.buf.position() + 4 * n);
              i += n;
            }
          }
          case LONG -> {
            long[] v = ((ColumnData.Longs) d).values;
            for (int i = 0; i < rows; ) {
              int n = Math.min(rows - i, w.room(8) / 8);
              w.buf.asLongBuffer().put(v, i, n);
              w.buf.position(w.buf.position() + 8 * n);
              i += n;
            }
          }
          case FLOAT -> {
            float[] v = ((ColumnData.Floats) d).values;
            for (int i = 0; i < rows; ) {
              int n = Math.min(rows - i, w.room(4) / 4);
              w.buf.asFloatBuffer().put(v, i, n);
              w.buf.position(w.buf.position() + 4 * n);
              i += n;
            }
          }
          case DOUBLE -> {
            double[] v = ((ColumnData.Doubles) d).values;
            for (int i = 0; i < rows; ) {
              int n = Math.min(rows - i, w.room(8) / 8);
              w.buf.asDoubleBuffer().put(v, i, n);
              w.buf.position(w.buf.position() + 8 * n);
              i += n;
            }
          }
        }
        int crc = w.endBlock();
        long length = w.position - start;
        if (length > Integer.MAX_VALUE) {
          throw new IOException("column block over 2 GiB in " + file);
        }
        ColumnStats s = c.stats();
        if (footer.remaining() < 64) {
          footer = grow(footer);
        }
        footer
            .putInt(c.columnId())
            .put((byte) c.storage().ordinal())
            .putLong(start)
            .putInt((int) length)
            .putInt(s.nullCount())
            .put((byte) (s.hasRange() ? 1 : 0))
            .putLong(s.min())
            .putLong(s.max())
            .putInt(crc);
        count++;
      }
      footer.putInt(4, count);
      footer.flip();
      CRC32C fcrc = new CRC32C();
      fcrc.update(footer.duplicate());
      int footerLength = footer.remaining();
      w.writeFully(footer);
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putInt((int) fcrc.getValue()).putInt(footerLength).putInt(MAGIC).flip();
      w.writeFully(trailer);
      ch.force(true);
    }
  }

  /** Buffers one block's bytes, checksumming them on their way to the file. */
  private static final class BlockWriter {
    final FileChannel ch;
    final ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    long position;

    BlockWriter(FileChannel ch) {
      this.ch = ch;
    }

    /** Makes room for at least {@code bytes}; answers the bytes free. */
    int room(int bytes) throws IOException {
      if (buf.remaining() < bytes) {
        drain();
      }
      return buf.remaining();
    }

    void drain() throws IOException {
      buf.flip();
      crc.update(buf.duplicate());
      writeFully(buf);
      buf.clear();
    }

    /** Writes what the block has queued; answers its checksum and starts the next block. */
    int endBlock() throws IOException {
      drain();
      int value = (int) crc.getValue();
      crc = new CRC32C();
      return value;
    }

    void writeFully(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        position += ch.write(b);
      }
    }
  }

  private static ByteBuffer grow(ByteBuffer b) {
    ByteBuffer n = ByteBuffer.allocate(b.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.flip();
    n.put(b);
    return n;
  }

  static Footer readFooter(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8 + TRAILER) {
        throw new IOException(file + ": too short to be a fragment (" + size + " bytes)");
      }
      ByteBuffer trailer = readAt(ch, size - TRAILER, TRAILER);
      int crc = trailer.getInt();
      int footerLength = trailer.getInt();
      if (trailer.getInt() != MAGIC || footerLength <= 0 || footerLength > size - TRAILER - 8) {
        throw new IOException(file + ": not a Citadel fragment, or truncated");
      }
      ByteBuffer footer = readAt(ch, size - TRAILER - footerLength, footerLength);
      CRC32C c = new CRC32C();
      c.update(footer.duplicate());
      if ((int) c.getValue() != crc) {
        throw new IOException(file + ": footer checksum mismatch");
      }
      int rows = footer.getInt();
      int n = footer.getInt();
      Map<Integer, Block> blocks = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        int id = footer.getInt();
        ColumnData.Storage st = ColumnData.Storage.values()[footer.get()];
        long off = footer.getLong();
        int len = footer.getInt();
        int nullCount = footer.getInt();
        boolean hasRange = footer.get() != 0;
        long min = footer.getLong();
        long max = footer.getLong();
        int bcrc = footer.getInt();
        blocks.put(
            id, new Block(id, st, off, len, new ColumnStats(nullCount, hasRange, min, max), bcrc));
      }
      return new Footer(rows, blocks);
    }
  }

  static ColumnData readColumn(Path file, int rows, Block b) throws IOException {
    ByteBuffer data;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      data = readAt(ch, b.offset(), b.length());
    }
    CRC32C c = new CRC32C();
    c.update(data.duplicate());
    if ((int) c.getValue() != b.crc()) {
      throw new IOException(file + ": column " + b.columnId() + " checksum mismatch");
    }
    long[] nulls = null;
    if (data.get() != 0) {
      int words = data.getInt();
      nulls = new long[words];
      data.asLongBuffer().get(nulls);
      data.position(data.position() + 8 * words);
    }
    return switch (b.storage()) {
      case INT -> {
        int[] v = new int[rows];
        data.asIntBuffer().get(v);
        yield new ColumnData.Ints(rows, nulls, v);
      }
      case LONG -> {
        long[] v = new long[rows];
        data.asLongBuffer().get(v);
        yield new ColumnData.Longs(rows, nulls, v);
      }
      case FLOAT -> {
        float[] v = new float[rows];
        data.asFloatBuffer().get(v);
        yield new ColumnData.Floats(rows, nulls, v);
      }
      case DOUBLE -> {
        double[] v = new double[rows];
        data.asDoubleBuffer().get(v);
        yield new ColumnData.Doubles(rows, nulls, v);
      }
    };
  }

  private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("unexpected end of file at " + (pos + b.position()));
      }
    }
    b.flip();
    return b;
  }
}

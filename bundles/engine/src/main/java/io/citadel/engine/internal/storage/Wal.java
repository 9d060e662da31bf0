package io.citadel.engine.internal.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead log: one segment file at a time, {@code wal-<n>.log}. A record is {@code
 * length:int crc:int payload}, little-endian, and is forced to the device before the write it
 * carries is acknowledged. A torn record at the end of the last segment (the crash came while
 * writing it) is cut off when the log is read back.
 */
final class Wal implements Closeable {
  private static final int HEADER = 8;

  /** The largest record: reading back stops at a longer length, taken for a torn one. */
  static final int MAX_RECORD = 1 << 30;

  private final Path dir;
  private final long segment;
  private final FileChannel channel;
  private long size;

  private Wal(Path dir, long segment, FileChannel channel) throws IOException {
    this.dir = dir;
    this.segment = segment;
    this.channel = channel;
    this.size = channel.size();
  }

  static Path segmentFile(Path dir, long segment) {
    return dir.resolve(String.format("wal-%012d.log", segment));
  }

  /** Opens segment {@code n} for appending, creating it if needed. */
  static Wal open(Path dir, long segment) throws IOException {
    FileChannel ch =
        FileChannel.open(
            segmentFile(dir, segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.position(ch.size());
    return new Wal(dir, segment, ch);
  }

  long segment() {
    return segment;
  }

  long size() {
    return size;
  }

  Path dir() {
    return dir;
  }

  /** Appends one record and forces it to the device. */
  void append(byte[] payload) throws IOException {
    append(payload, true);
  }

  /**
   * Appends one record, forced to the device when {@code force}; otherwise a later {@link #force}
   * makes it durable together with the records appended since.
   */
  void append(byte[] payload, boolean force) throws IOException {
    if (payload.length > MAX_RECORD) {
      // read back, it would pass for a torn record and be cut off
      throw new IOException(
          "a record of " + payload.length + " bytes is over the log's limit of " + MAX_RECORD);
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    b.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    while (b.hasRemaining()) {
      channel.write(b);
    }
    if (force) {
      channel.force(false);
    }
    size += HEADER + payload.length;
  }

  /** Forces every record appended so far to the device. */
  void force() throws IOException {
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Segments present in {@code dir}, in order. */
  static List<Long> segments(Path dir) throws IOException {
    List<Long> out = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("wal-\\d{12}\\.log"))
          .forEach(n -> out.add(Long.parseLong(n.substring(4, 16))));
    }
    out.sort(null);
    return out;
  }

  /** What reading a segment found. */
  record Contents(List<byte[]> records, long validLength, long fileLength) {
    boolean torn() {
      return validLength < fileLength;
    }
  }

  /**
   * Reads every whole, intact record of a segment, stopping at the first that is not. The file is
   * read a record at a time, so a segment may be of any size.
   */
  static Contents read(Path file) throws IOException {
    List<byte[]> records = new ArrayList<>();
    long valid = 0;
    long length;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      length = ch.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      while (length - valid >= HEADER) {
        header.clear();
        readFully(ch, header, valid);
        header.flip();
        int len = header.getInt();
        int crc = header.getInt();
        if (len < 0 || len > MAX_RECORD || len > length - valid - HEADER) {
          break;
        }
        byte[] payload = new byte[len];
        readFully(ch, ByteBuffer.wrap(payload), valid + HEADER);
        CRC32C c = new CRC32C();
        c.update(payload);
        if ((int) c.getValue() != crc) {
          break;
        }
        records.add(payload);
        valid += HEADER + len;
      }
    }
    return new Contents(records, valid, length);
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      int n = ch.read(into, position);
      if (n < 0) {
        throw new IOException("unexpected end of " + ch);
      }
      position += n;
    }
  }

  /** Cuts a segment back to its intact records. */
  static void truncate(Path file, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(length);
      ch.force(true);
    }
  }
}

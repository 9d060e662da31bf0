package io.citadel.engine.internal.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The files a checkpoint writes into a table's folder, beside its manifest entry: fragments ({@link
 * FragmentFile}), append-only dictionaries (strings as the log encodes them, cut back to the length
 * the manifest names when read) and deleted-row bitmaps (checksummed, one file a checkpoint
 * generation). Each is forced before the manifest that names it is written.
 */
final class TableFiles {
  private TableFiles() {}

  static void writeFragment(Path file, TableDef def, MemoryFragment f) throws IOException {
    List<FragmentFile.ColumnToWrite> cols = new ArrayList<>();
    for (ColumnDef c : def.columns()) {
      ColumnData d = f.column(c.id());
      if (d != null) {
        cols.add(
            new FragmentFile.ColumnToWrite(
                c.id(), ColumnData.storageOf(c.type()), d, f.stats(c.id())));
      }
    }
    FragmentFile.write(file, f.rows(), cols);
  }

  static long[] appendDictionary(Path file, Dictionary d, long[] persisted) throws IOException {
    int from = (int) persisted[0];
    int to = d.size();
    if (from == to && Files.exists(file)) {
      return persisted;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (String s : d.slice(from, to)) {
      LogRecords.writeString(out, s);
    }
    out.flush();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.truncate(
          persisted[1]); // drop whatever an interrupted checkpoint left past the last good end
      ch.position(persisted[1]);
      ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    return new long[] {to, persisted[1] + bytes.size()};
  }

  static void writeDeletes(Path file, Map<Integer, long[]> deleted) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(deleted.size());
    for (Map.Entry<Integer, long[]> e : new TreeMap<>(deleted).entrySet()) {
      out.writeInt(e.getKey());
      out.writeInt(e.getValue().length);
      for (long w : e.getValue()) {
        out.writeLong(w);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    out.flush();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  static Map<Integer, long[]> readDeletes(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 8) {
      throw new IOException(file + ": truncated");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) {
      throw new IOException(file + ": checksum mismatch");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
    Map<Integer, long[]> out = new java.util.HashMap<>();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      int seq = in.readInt();
      long[] bits = new long[in.readInt()];
      for (int k = 0; k < bits.length; k++) {
        bits[k] = in.readLong();
      }
      out.put(seq, bits);
    }
    return out;
  }

  static void loadDictionary(Path file, Dictionary d, long count, long length) throws IOException {
    if (count == 0) {
      return;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() < length) {
        throw new IOException(
            file + " is shorter than the manifest says (" + ch.size() + " < " + length + ")");
      }
      ch.truncate(length);
    }
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      for (long i = 0; i < count; i++) {
        d.encode(LogRecords.readString(in));
      }
    }
  }
}

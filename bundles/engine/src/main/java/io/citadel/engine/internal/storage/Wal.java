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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: one segment file at a time, {@code wal-<n>.log}. A record is {@code
 * length:int crc:int payload}, little-endian, and is forced to the device before the write it
 * carries is acknowledged. A torn record at the end of the last segment (the crash came while
 * writing it) is cut off when the log is read back.
 */
final class Wal implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
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

  /** Deletes the segments before {@code segment}: a checkpoint covers their records. */
  static void deleteBefore(Path dir, long segment) throws IOException {
    for (long s : segments(dir)) {
      if (s < segment) {
        Files.deleteIfExists(segmentFile(dir, s));
      }
    }
  }

  /** Takes the records of the log as they are read back, in order. */
  interface Replay {
    void record(byte[] payload) throws IOException;
  }

  /**
   * Reads back the log from segment {@code first} on, handing each whole, intact record to {@code
   * replay} as it is read (a record at a time, so segments and records may be of any size), and
   * answers the segment to append to next. Segments before {@code first}, which a checkpoint
   * covers, are deleted. A damaged record ends the last segment, which is cut back to the records
   * before it (the crash came while writing it); one in any other segment is an error, since
   * acknowledged writes follow it.
   */
  static long replay(Path dir, long first, Replay replay) throws IOException {
    List<Long> segments = segments(dir);
    long last = first;
    long records = 0;
    for (int i = 0; i < segments.size(); i++) {
      long s = segments.get(i);
      Path file = segmentFile(dir, s);
      if (s < first) {
        Files.deleteIfExists(file);
        continue;
      }
      long length;
      long valid = 0;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        length = ch.size();
        byte[] payload;
        while ((payload = next(ch, valid, length)) != null) {
          replay.record(payload);
          valid += HEADER + payload.length;
          records++;
        }
      }
      if (valid < length) {
        if (i != segments.size() - 1) {
          throw new IOException(
              file
                  + " is damaged at byte "
                  + valid
                  + " and is not the last log segment;"
                  + " refusing to start rather than skip acknowledged writes");
        }
        LOG.warn("{}: cutting off {} bytes of an incomplete last record", file, length - valid);
        truncate(file, valid);
      }
      last = s;
    }
    if (records > 0) {
      LOG.info("replayed {} log records from {}", records, dir);
    }
    return last;
  }

  /** The record at {@code at}, or null where none is whole and intact. */
  private static byte[] next(FileChannel ch, long at, long length) throws IOException {
    if (length - at < HEADER) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, header, at);
    header.flip();
    int len = header.getInt();
    int crc = header.getInt();
    if (len < 0 || len > MAX_RECORD || len > length - at - HEADER) {
      return null;
    }
    byte[] payload = new byte[len];
    readFully(ch, ByteBuffer.wrap(payload), at + HEADER);
    CRC32C c = new CRC32C();
    c.update(payload);
    return (int) c.getValue() == crc ? payload : null;
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
  private static void truncate(Path file, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(length);
      ch.force(true);
    }
  }
}

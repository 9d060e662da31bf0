package io.citadel.replication.internal;

import io.citadel.engine.api.LoggedStatement;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a statement in the group's topic: a format version, the user, the writer's clock,
 * the statement's text, (version 2) the client's idempotency key and (version 3) the writer's
 * session time zone. Records of versions 1 and 2, written before keys or zones travelled, are still
 * read, as statements of a session in UTC. The writer's server id and request id travel as record
 * headers, and so does, for a COPY FROM a file, what the file held when the writer logged it.
 */
final class LogRecords {
  static final String ORIGIN_HEADER = "citadel.origin";
  static final String REQUEST_HEADER = "citadel.request";

  /** A COPY FROM a file: the size and SHA-256 of the file its writer read ({@link SharedData}). */
  static final String COPY_HEADER = "citadel.copy-content";

  private static final byte VERSION = 3;

  private LogRecords() {}

  static byte[] encode(LoggedStatement s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + s.sql().length());
      DataOutputStream out = new DataOutputStream(bytes);
      // a statement of a session in UTC stays a version 2 record, which members still on an
      // older build read; only a zone that is not UTC needs version 3
      boolean zoned = !isUtc(s.timeZone());
      out.writeByte(zoned ? VERSION : 2);
      out.writeUTF(s.user());
      out.writeLong(s.clockMillis());
      byte[] sql = s.sql().getBytes(StandardCharsets.UTF_8);
      out.writeInt(sql.length);
      out.write(sql);
      out.writeUTF(s.idempotencyKey());
      if (zoned) {
        out.writeUTF(s.timeZone());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a session's TimeZone setting is UTC itself (as records before version 3 mean). */
  static boolean isUtc(String zone) {
    return switch (zone.toLowerCase(java.util.Locale.ROOT)) {
      case "", "utc", "etc/utc", "gmt", "etc/gmt", "zulu", "etc/zulu", "universal", "uct" -> true;
      default -> false;
    };
  }

  /**
   * Reads a record's value.
   *
   * @throws IOException naming what is wrong when the bytes are not a statement of this format
   */
  static LoggedStatement decode(byte[] value) throws IOException {
    if (value == null || value.length == 0) {
      throw new IOException("the record is empty");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
    byte version = in.readByte();
    if (version < 1 || version > VERSION) {
      throw new IOException(
          "the record has format version "
              + version
              + "; this server reads versions 1 to "
              + VERSION);
    }
    String user = in.readUTF();
    long clock = in.readLong();
    int n = in.readInt();
    if (n < 0 || n > value.length) {
      throw new IOException("the record's statement length " + n + " exceeds the record");
    }
    byte[] sql = new byte[n];
    in.readFully(sql);
    String key = version >= 2 ? in.readUTF() : "";
    String zone = version >= 3 ? in.readUTF() : "";
    if (in.available() != 0) {
      throw new IOException(in.available() + " bytes follow the statement");
    }
    if (key.length() > LoggedStatement.MAX_KEY_LENGTH) {
      throw new IOException("the record's idempotency key is " + key.length() + " characters long");
    }
    if (zone.length() > 100) {
      throw new IOException("the record's time zone is " + zone.length() + " characters long");
    }
    return new LoggedStatement(new String(sql, StandardCharsets.UTF_8), user, clock, key, zone);
  }
}

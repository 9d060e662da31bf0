package io.citadel.engine.internal.pgwire;

import io.citadel.engine.internal.types.SqlException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads frontend messages, each checked against a size limit before anything is allocated, and
 * decodes their fields; a message that is shorter than its fields say is a protocol violation, not
 * an exception from deep inside a buffer.
 */
final class PgInput {
  /** A frontend message: its type byte and its body. */
  record Message(char type, ByteBuffer body) {}

  private final DataInputStream in;
  private final int maxMessage;

  PgInput(DataInputStream in, int maxMessage) {
    this.in = in;
    this.maxMessage = maxMessage;
  }

  /** The startup-phase packet (no type byte), or null at end of stream. */
  ByteBuffer startupPacket(int maxLength) throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (length < 8 || length > maxLength) {
      throw violation("invalid length of startup packet: " + length);
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return ByteBuffer.wrap(body);
  }

  /** The next message, or null at a clean end of stream. */
  Message next() throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    int length = in.readInt();
    if (length < 4 || length - 4 > maxMessage) {
      throw violation(
          "invalid message length " + length + " for message type '" + printable(type) + "'");
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return new Message((char) type, ByteBuffer.wrap(body));
  }

  static String printable(int type) {
    return type >= 32 && type < 127 ? String.valueOf((char) type) : String.format("0x%02x", type);
  }

  static String cstring(ByteBuffer b) {
    int start = b.position();
    for (int i = start; i < b.limit(); i++) {
      if (b.get(i) == 0) {
        String s =
            new String(b.array(), b.arrayOffset() + start, i - start, StandardCharsets.UTF_8);
        b.position(i + 1);
        return s;
      }
    }
    throw violation("string not terminated within its message");
  }

  static int int16(ByteBuffer b) {
    need(b, 2);
    return b.getShort();
  }

  static int int32(ByteBuffer b) {
    need(b, 4);
    return b.getInt();
  }

  static byte int8(ByteBuffer b) {
    need(b, 1);
    return b.get();
  }

  static byte[] bytes(ByteBuffer b, int n) {
    if (n < 0) {
      throw violation("negative length " + n);
    }
    need(b, n);
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  /** A count of 16-bit values, then the values. */
  static short[] int16s(ByteBuffer b, String what) {
    short[] v = new short[count(b, what)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (short) int16(b);
    }
    return v;
  }

  /** A count of 32-bit values, then the values. */
  static int[] int32s(ByteBuffer b, String what) {
    int[] v = new int[count(b, what)];
    for (int i = 0; i < v.length; i++) {
      v[i] = int32(b);
    }
    return v;
  }

  static int count(ByteBuffer b, String what) {
    int n = int16(b) & 0xffff;
    if (n > b.remaining()) {
      throw violation(what + " count " + n + " exceeds the message");
    }
    return n;
  }

  private static void need(ByteBuffer b, int n) {
    if (b.remaining() < n) {
      throw violation("message shorter than its fields");
    }
  }

  static SqlException violation(String message) {
    return new SqlException(SqlException.PROTOCOL_VIOLATION, message);
  }
}

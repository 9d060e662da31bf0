package io.citadel.engine.internal.pgwire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds backend messages in one growing buffer: {@link #begin} a message, write its fields, {@link
 * #end} it (the length is filled in then), and {@link #flush} to the socket when the client needs
 * to see them, or as soon as the buffer passes a threshold while rows stream out.
 */
final class PgOutput {
  private static final int FLUSH_AT = 64 * 1024;

  private final OutputStream socket;
  private byte[] buf = new byte[8192];
  private int len;
  private int messageStart = -1;

  PgOutput(OutputStream socket) {
    this.socket = socket;
  }

  PgOutput begin(char type) {
    ensure(5);
    buf[len++] = (byte) type;
    messageStart = len;
    len += 4;
    return this;
  }

  void end() throws IOException {
    int length = len - messageStart;
    buf[messageStart] = (byte) (length >>> 24);
    buf[messageStart + 1] = (byte) (length >>> 16);
    buf[messageStart + 2] = (byte) (length >>> 8);
    buf[messageStart + 3] = (byte) length;
    messageStart = -1;
    if (len >= FLUSH_AT) {
      flush();
    }
  }

  /** A single byte with no message around it (the answer to SSLRequest). */
  void raw(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  PgOutput int8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  PgOutput int16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  PgOutput int32(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  PgOutput int64(long v) {
    int32((int) (v >>> 32));
    return int32((int) v);
  }

  PgOutput bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  /**
   * A NUL-terminated string. A NUL inside it (from a client's own data quoted in a message) would
   * end the field early and break the message's framing: it is written as the two characters {@code
   * \0}.
   */
  PgOutput cstring(String s) {
    if (s.indexOf('\0') >= 0) {
      s = s.replace("\0", "\\0");
    }
    bytes(s.getBytes(StandardCharsets.UTF_8));
    return int8(0);
  }

  /** A value of a DataRow: its length then its bytes, or -1 for NULL. */
  PgOutput value(byte[] b) {
    if (b == null) {
      return int32(-1);
    }
    int32(b.length);
    return bytes(b);
  }

  void flush() throws IOException {
    if (messageStart >= 0) {
      throw new IllegalStateException("flush inside a message");
    }
    socket.write(buf, 0, len);
    socket.flush();
    len = 0;
    if (buf.length > 4 * FLUSH_AT) {
      buf = new byte[8192];
    }
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}

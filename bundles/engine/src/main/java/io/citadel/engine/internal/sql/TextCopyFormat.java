package io.citadel.engine.internal.sql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * PostgreSQL's COPY text format, read as the CSV the loader takes: one row a line, fields split by
 * the delimiter, the NULL string (default {@code \N}) for NULL, backslash escapes ({@code \t \n \r
 * \b \f \v \\}, octal {@code \ooo}, hex {@code \xhh}); a line {@code \.} ends the data. Each field
 * becomes a quoted CSV field, a NULL an empty unquoted one. Works on bytes: UTF-8's multi-byte
 * sequences never contain the ASCII delimiter or backslash.
 */
final class TextCopyFormat extends InputStream {
  /** A line that is not valid text format. */
  static final class BadRow extends IOException {
    private static final long serialVersionUID = 1L;

    BadRow(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final byte delimiter;
  private final byte[] nullString;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private byte[] out = new byte[0];
  private int at;
  private boolean ended;
  private long lineNo;

  TextCopyFormat(InputStream in, byte delimiter, String nullString) {
    this.in = in;
    this.delimiter = delimiter;
    this.nullString = nullString.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (at == out.length) {
      if (ended || !nextLine()) {
        return -1;
      }
    }
    int n = Math.min(len, out.length - at);
    System.arraycopy(out, at, b, off, n);
    at += n;
    return n;
  }

  /** Reads and converts the next line; false at the end of the data. */
  private boolean nextLine() throws IOException {
    line.reset();
    int c;
    boolean any = false;
    while ((c = in.read()) >= 0) {
      any = true;
      if (c == '\n') {
        break;
      }
      line.write(c);
    }
    if (!any) {
      ended = true;
      return false;
    }
    lineNo++;
    byte[] raw = line.toByteArray();
    int len = raw.length;
    if (len > 0 && raw[len - 1] == '\r') {
      len--;
    }
    if (len == 2 && raw[0] == '\\' && raw[1] == '.') {
      ended = true;
      return false;
    }
    out = convert(raw, len);
    at = 0;
    return true;
  }

  private byte[] convert(byte[] raw, int len) throws BadRow {
    ByteArrayOutputStream csv = new ByteArrayOutputStream(len + 16);
    int start = 0;
    boolean first = true;
    for (int i = 0; i <= len; i++) {
      if (i == len || raw[i] == delimiter) {
        if (!first) {
          csv.write(',');
        }
        first = false;
        field(raw, start, i, csv);
        start = i + 1;
      } else if (raw[i] == '\\' && i + 1 < len) {
        i++; // an escaped character is never a delimiter
      }
    }
    csv.write('\n');
    return csv.toByteArray();
  }

  private void field(byte[] raw, int s, int e, ByteArrayOutputStream csv) throws BadRow {
    if (e - s == nullString.length && java.util.Arrays.equals(raw, s, e, nullString, 0, e - s)) {
      return; // NULL: an empty, unquoted CSV field
    }
    csv.write('"');
    for (int i = s; i < e; i++) {
      byte b = raw[i];
      if (b == '\\') {
        if (i + 1 >= e) {
          throw new BadRow("line " + lineNo + ": a backslash ends the line");
        }
        byte x = raw[++i];
        switch (x) {
          case 't' -> put(csv, '\t');
          case 'n' -> put(csv, '\n');
          case 'r' -> put(csv, '\r');
          case 'b' -> put(csv, '\b');
          case 'f' -> put(csv, '\f');
          case 'v' -> put(csv, 0x0b);
          case 'x' -> {
            int v = 0;
            int digits = 0;
            while (digits < 2 && i + 1 < e && Character.digit(raw[i + 1], 16) >= 0) {
              v = v * 16 + Character.digit(raw[++i], 16);
              digits++;
            }
            if (digits == 0) {
              put(csv, 'x');
            } else {
              put(csv, v);
            }
          }
          default -> {
            if (x >= '0' && x <= '7') {
              int v = x - '0';
              int digits = 1;
              while (digits < 3 && i + 1 < e && raw[i + 1] >= '0' && raw[i + 1] <= '7') {
                v = v * 8 + (raw[++i] - '0');
                digits++;
              }
              put(csv, v);
            } else {
              put(csv, x);
            }
          }
        }
      } else {
        put(csv, b);
      }
    }
    csv.write('"');
  }

  /** A byte of a quoted CSV field: a quote is doubled. */
  private static void put(ByteArrayOutputStream csv, int b) {
    csv.write(b);
    if (b == '"') {
      csv.write('"');
    }
  }
}

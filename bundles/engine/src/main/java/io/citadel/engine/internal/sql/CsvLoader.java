package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.BulkLoad;
import io.citadel.engine.internal.storage.ColumnBuilder;
import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Streams a CSV file into a {@link BulkLoad}, a buffer at a time: the file is never held in memory.
 * A row that does not parse (wrong number of fields, a value not of its column's type, bad UTF-8)
 * is rejected with its line number and the reason, and the load goes on; the load fails as a whole
 * only when the file cannot be read or too many rows are rejected.
 */
final class CsvLoader {
  /**
   * COPY's options, and the session's time zone, in which a timestamptz field without an offset is
   * read.
   */
  record Options(
      byte delimiter,
      boolean header,
      byte quote,
      String nullString,
      long maxReject,
      java.time.ZoneId zone) {}

  /** What happened. */
  record Result(long loaded, long rejected, List<String> firstRejections) {}

  private static final int BUFFER = 1 << 20;
  private static final int SHOWN = 5;

  private final BulkLoad load;
  private final Options options;
  private final List<ColumnDef> columns;
  private final ColumnType[] types;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] nullBytes;

  // parsed fields of the current row
  private final long[] longs;
  private final double[] doubles;
  private final String[] strings;
  private final boolean[] nulls;

  CsvLoader(BulkLoad load, Options options) {
    this.load = load;
    this.options = options;
    this.columns = load.def().columns();
    this.types = columns.stream().map(ColumnDef::type).toArray(ColumnType[]::new);
    this.nullBytes = options.nullString().getBytes(StandardCharsets.UTF_8);
    int n = columns.size();
    longs = new long[n];
    doubles = new double[n];
    strings = new String[n];
    nulls = new boolean[n];
  }

  Result run(InputStream in, BooleanSupplier cancelled, LongConsumer progress) throws IOException {
    byte[] buf = new byte[BUFFER];
    int len = 0;
    int pos = 0;
    boolean eof = false;
    long line = 1;
    long loaded = 0;
    long rejected = 0;
    List<String> shown = new ArrayList<>();
    int[] fieldStart = new int[columns.size() + 1];
    int[] fieldEnd = new int[columns.size() + 1];
    boolean[] quoted = new boolean[columns.size() + 1];
    boolean first = true;
    byte delim = options.delimiter();
    byte quote = options.quote();
    while (true) {
      // make sure a whole record is in the buffer: find its end, refilling as needed
      int end;
      int scanFrom = pos;
      boolean inQuotes = false;
      while (true) {
        end = -1;
        for (int i = scanFrom; i < len; i++) {
          byte b = buf[i];
          if (b == quote) {
            inQuotes = !inQuotes;
          } else if (b == '\n' && !inQuotes) {
            end = i;
            break;
          }
        }
        if (end >= 0 || eof) {
          break;
        }
        // shift the partial record to the front and read more
        int keep = len - pos;
        if (pos > 0) {
          System.arraycopy(buf, pos, buf, 0, keep);
        } else if (keep == buf.length) {
          buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        scanFrom = keep;
        inQuotes = false;
        scanFrom = 0; // rescan from the start of the record: quote state must be recomputed
        pos = 0;
        len = keep;
        int r = in.read(buf, len, buf.length - len);
        if (r < 0) {
          eof = true;
        } else {
          len += r;
        }
      }
      if (end < 0) {
        if (pos >= len) {
          break;
        }
        end = len; // last record without a newline
      }
      int recEnd = end > pos && buf[end - 1] == '\r' ? end - 1 : end;
      long thisLine = line;
      line += countNewlines(buf, pos, end) + 1;
      if (first && options.header()) {
        first = false;
        pos = end + 1;
        continue;
      }
      first = false;
      if (recEnd == pos && end < len + 1 && recEnd - pos == 0) {
        pos = end + 1;
        if (end >= len && eof) {
          break;
        }
        continue; // blank line
      }
      String problem = parseRecord(buf, pos, recEnd, delim, quote, fieldStart, fieldEnd, quoted);
      if (problem == null) {
        for (int c = 0; c < columns.size(); c++) {
          ColumnBuilder b = load.builder(c);
          if (nulls[c]) {
            b.appendNull();
          } else if (types[c].kind().isStringBased()) {
            b.appendText(strings[c]);
          } else if (types[c].kind().isFloating()) {
            b.appendDouble(doubles[c]);
          } else {
            b.appendLong(longs[c]);
          }
        }
        load.endRow();
        loaded++;
        if ((loaded & 0xFFFFF) == 0) {
          progress.accept(loaded);
          if (cancelled.getAsBoolean()) {
            throw new SqlException(
                SqlException.QUERY_CANCELED, "canceling statement due to user request");
          }
        }
      } else {
        rejected++;
        if (shown.size() < SHOWN) {
          String text = new String(buf, pos, Math.min(recEnd - pos, 200), StandardCharsets.UTF_8);
          shown.add("line " + thisLine + ": " + problem + ": " + text);
        }
        if (rejected > options.maxReject()) {
          throw new SqlException(
              SqlException.INVALID_TEXT,
              "COPY stopped: more than "
                  + options.maxReject()
                  + " rejected rows; first: "
                  + shown.get(0));
        }
      }
      pos = end + 1;
      if (pos >= len && eof) {
        break;
      }
    }
    return new Result(loaded, rejected, shown);
  }

  private static int countNewlines(byte[] buf, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      if (buf[i] == '\n') n++;
    }
    return n;
  }

  /** Splits and converts one record; answers why it is rejected, or null. */
  private String parseRecord(
      byte[] buf,
      int from,
      int to,
      byte delim,
      byte quote,
      int[] starts,
      int[] ends,
      boolean[] quoted) {
    int ncols = columns.size();
    int f = 0;
    int i = from;
    while (true) {
      if (f > ncols) {
        return "more than " + ncols + " fields";
      }
      boolean q = i < to && buf[i] == quote;
      int s;
      int e;
      if (q) {
        s = ++i;
        while (true) {
          if (i >= to) {
            return "unterminated quoted field";
          }
          if (buf[i] == quote) {
            if (i + 1 < to && buf[i + 1] == quote) {
              i += 2;
              continue;
            }
            break;
          }
          i++;
        }
        e = i++;
        if (i < to && buf[i] != delim) {
          return "text after a closing quote";
        }
      } else {
        s = i;
        while (i < to && buf[i] != delim) i++;
        e = i;
      }
      if (f < starts.length) {
        starts[f] = s;
        ends[f] = e;
        quoted[f] = q;
      }
      f++;
      if (i >= to) {
        break;
      }
      i++; // the delimiter
      if (i == to) {
        // a trailing delimiter: one more, empty, field
        if (f < starts.length) {
          starts[f] = i;
          ends[f] = i;
          quoted[f] = false;
        }
        f++;
        break;
      }
    }
    if (f != ncols) {
      return "expected " + ncols + " fields, found " + f;
    }
    for (int c = 0; c < ncols; c++) {
      int s = starts[c];
      int e = ends[c];
      nulls[c] = false;
      if (!quoted[c] && equalsBytes(buf, s, e, nullBytes)) {
        nulls[c] = true;
        if (columns.get(c).notNull()) {
          return "NULL in column \"" + columns.get(c).name() + "\", which is NOT NULL";
        }
        continue;
      }
      ColumnType t = types[c];
      try {
        if (t.kind().isLongBased()
            && t.kind() != TypeKind.DECIMAL
            && t.kind() != TypeKind.BOOLEAN
            && t.kind() != TypeKind.DATE
            && !t.kind().isDatetime()
            && t.kind() != TypeKind.INTERVAL
            && !quoted[c]) {
          long v = parseLong(buf, s, e);
          if (v == Long.MIN_VALUE) {
            v = (Long) t.parse(decode(buf, s, e, quoted[c], quote));
          }
          longs[c] = checkRange(t, v, buf, s, e);
        } else {
          String text = decode(buf, s, e, quoted[c], quote);
          if (t.kind() == TypeKind.TEXT && !t.isArray()) {
            strings[c] = t.fitText(text);
          } else if (t.kind().isStringBased()) {
            // an array (in its normal form), a uuid, a document, a bytea
            strings[c] = (String) t.parse(text);
          } else if (t.kind().isFloating()) {
            doubles[c] = (Double) t.parse(text);
          } else {
            longs[c] = (Long) t.parse(text, options.zone());
          }
        }
      } catch (SqlException ex) {
        return "column \"" + columns.get(c).name() + "\": " + ex.getMessage();
      } catch (CharacterCodingException ex) {
        return "column \""
            + columns.get(c).name()
            + "\": "
            + (ex.getMessage() != null ? ex.getMessage() : "invalid UTF-8");
      }
    }
    return null;
  }

  private static long checkRange(ColumnType t, long v, byte[] buf, int s, int e) {
    long min =
        t.kind() == TypeKind.SMALLINT
            ? Short.MIN_VALUE
            : t.kind() == TypeKind.INTEGER ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long max =
        t.kind() == TypeKind.SMALLINT
            ? Short.MAX_VALUE
            : t.kind() == TypeKind.INTEGER ? Integer.MAX_VALUE : Long.MAX_VALUE;
    if (v < min || v > max) {
      throw new SqlException(
          SqlException.NUMERIC_OUT_OF_RANGE,
          "value \""
              + new String(buf, s, e - s, StandardCharsets.UTF_8)
              + "\" is out of range for type "
              + t);
    }
    return v;
  }

  /** Fast path for plain decimal integers; Long.MIN_VALUE means "use the slow path". */
  private static long parseLong(byte[] buf, int s, int e) {
    int i = s;
    while (i < e && buf[i] == ' ') i++;
    while (e > i && buf[e - 1] == ' ') e--;
    if (i == e) {
      return Long.MIN_VALUE;
    }
    boolean neg = buf[i] == '-';
    if (neg || buf[i] == '+') i++;
    if (i == e || e - i > 18) {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (; i < e; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  private static boolean equalsBytes(byte[] buf, int s, int e, byte[] x) {
    if (e - s != x.length) {
      return false;
    }
    for (int i = 0; i < x.length; i++) {
      if (buf[s + i] != x[i]) return false;
    }
    return true;
  }

  private String decode(byte[] buf, int s, int e, boolean quoted, byte quote)
      throws CharacterCodingException {
    boolean ascii = true;
    boolean doubled = false;
    for (int i = s; i < e; i++) {
      if (buf[i] < 0) ascii = false;
      if (quoted && buf[i] == quote) doubled = true;
      if (buf[i] == 0) {
        // as PostgreSQL: text may not hold NUL
        throw new CharacterCodingException() {
          @Override
          public String getMessage() {
            return "invalid byte sequence for encoding \"UTF8\": 0x00";
          }
        };
      }
    }
    String str;
    if (ascii) {
      str = new String(buf, 0, s, e - s);
    } else {
      str = utf8.decode(java.nio.ByteBuffer.wrap(buf, s, e - s)).toString();
    }
    if (doubled) {
      String q = String.valueOf((char) quote);
      str = str.replace(q + q, q);
    }
    return str;
  }
}

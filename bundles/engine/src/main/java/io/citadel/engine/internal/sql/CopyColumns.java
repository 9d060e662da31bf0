package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code COPY table (a, b) FROM ...}: the rows give the named columns, in the named order, and
 * every other column gets what an INSERT naming the same columns would give it: its DEFAULT
 * (evaluated once, with the statement), the next number of an identity column, else NULL. The rows
 * go through the store's INSERT, all of them or none, with every constraint checked; a row that
 * does not parse fails the COPY with its line, as in PostgreSQL. The rows are held in memory until
 * they are written, so such a COPY is bounded ({@link #MAX_BYTES}); a COPY of every column streams
 * through the bulk loader instead.
 */
final class CopyColumns {
  /** The most CSV text one COPY with a column list reads. */
  static final long MAX_BYTES = 256L << 20;

  private CopyColumns() {}

  /**
   * Loads CSV rows (text format arrives converted) into the named columns.
   *
   * @param defaultOf the value of a column's DEFAULT expression, in the column's type
   * @return how many rows were loaded
   */
  static int load(
      Store store,
      TableDef def,
      List<String> named,
      InputStream csv,
      CsvLoader.Options options,
      Function<ColumnDef, Object> defaultOf)
      throws IOException {
    int width = def.columns().size();
    int[] target = new int[named.size()];
    boolean[] given = new boolean[width];
    for (int k = 0; k < named.size(); k++) {
      int c = indexOf(def, named.get(k));
      if (c < 0) {
        throw new SqlException(
            "42703",
            "column \"" + named.get(k) + "\" of relation \"" + def.name() + "\" does not exist");
      }
      if (given[c]) {
        throw new SqlException("42701", "column \"" + named.get(k) + "\" specified more than once");
      }
      given[c] = true;
      target[k] = c;
    }
    Object[] fill = new Object[width];
    for (int c = 0; c < width; c++) {
      ColumnDef col = def.columns().get(c);
      if (!given[c]
          && def.constraints().defaults().containsKey(col.id())
          && !def.constraints().identity().contains(col.id())) {
        fill[c] = defaultOf.apply(col);
      }
    }
    List<Object[]> rows = new ArrayList<>();
    Records records =
        new Records(
            new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8), 1 << 16),
            (char) options.delimiter(),
            (char) options.quote(),
            options.nullString());
    if (options.header()) {
      records.next();
    }
    List<String> fields;
    while ((fields = records.next()) != null) {
      if (fields.size() == 1 && fields.get(0) != null && fields.get(0).isEmpty() && width > 1) {
        continue; // a blank line
      }
      if (fields.size() != named.size()) {
        throw new SqlException(
            "22P04",
            (fields.size() < named.size() ? "missing data" : "extra data after last expected")
                + " column, line "
                + records.line());
      }
      Object[] row = fill.clone();
      for (int k = 0; k < target.length; k++) {
        String f = fields.get(k);
        ColumnType type = def.columns().get(target[k]).type();
        try {
          row[target[k]] = f == null ? null : type.parse(type.fitText(f), options.zone());
        } catch (SqlException e) {
          throw new SqlException(
              e.sqlState(),
              e.getMessage()
                  + " (COPY "
                  + def.name()
                  + ", line "
                  + records.line()
                  + ", column "
                  + named.get(k)
                  + ")");
        }
      }
      rows.add(row);
      if (records.read() > MAX_BYTES) {
        throw new SqlException(
            "54000",
            "a COPY with a column list holds its rows in memory and reads at most "
                + (MAX_BYTES >> 20)
                + " MB; name every column of \""
                + def.name()
                + "\" to stream a larger load");
      }
    }
    if (rows.isEmpty()) {
      return 0;
    }
    Object[][] columns = new Object[width][rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < width; c++) {
        columns[c][r] = rows.get(r)[c];
      }
    }
    return store.insert(def.name(), columns, rows.size());
  }

  private static int indexOf(TableDef def, String name) {
    for (int c = 0; c < def.columns().size(); c++) {
      if (def.columns().get(c).name().equals(name)) {
        return c;
      }
    }
    return -1;
  }

  /** CSV records: quoted fields (a doubled quote for one), a delimiter, LF or CRLF. */
  private static final class Records {
    private final BufferedReader in;
    private final char delimiter;
    private final char quote;
    private final String nullString;
    private long line;
    private long read;

    Records(BufferedReader in, char delimiter, char quote, String nullString) {
      this.in = in;
      this.delimiter = delimiter;
      this.quote = quote;
      this.nullString = nullString;
    }

    long line() {
      return line;
    }

    long read() {
      return read;
    }

    /** The next record's fields (null for NULL), or null at the end. */
    List<String> next() throws IOException {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      line++;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean inQuotes = false;
      while (true) {
        read++;
        if (c < 0) {
          if (inQuotes) {
            throw new SqlException("22P04", "unterminated CSV quoted field, line " + line);
          }
          break;
        }
        char ch = (char) c;
        if (inQuotes) {
          if (ch == quote) {
            in.mark(1);
            int after = in.read();
            if (after == quote) {
              field.append(quote);
            } else {
              inQuotes = false;
              if (after >= 0) {
                in.reset();
              }
            }
          } else {
            if (ch == '\n') {
              line++;
            }
            field.append(ch);
          }
        } else if (ch == quote) {
          inQuotes = true;
          quoted = true;
        } else if (ch == delimiter) {
          fields.add(value(field, quoted));
          field.setLength(0);
          quoted = false;
        } else if (ch == '\n') {
          break;
        } else if (ch != '\r') {
          field.append(ch);
        }
        c = in.read();
      }
      fields.add(value(field, quoted));
      return fields;
    }

    private String value(StringBuilder field, boolean quoted) {
      String v = field.toString();
      return !quoted && v.equals(nullString) ? null : v;
    }
  }
}

package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;

/**
 * A COPY statement, parsed: {@code COPY table [(columns)] FROM 'file' | STDIN} or {@code COPY table
 * [(columns)] | (query) TO STDOUT}, with its options in either syntax PostgreSQL takes: {@code WITH
 * (FORMAT csv, HEADER, DELIMITER ',', NULL '', QUOTE '"')} or the older {@code [WITH] CSV HEADER
 * DELIMITER ',' NULL ''}. Formats: {@code text} (PostgreSQL's default: tab-separated, {@code \N}
 * for NULL, backslash escapes) and {@code csv}.
 *
 * @param table the table, or null for a query
 * @param columns the column list, empty for all
 * @param query the query of {@code COPY (query) TO}, or null
 * @param from true for FROM, false for TO
 * @param file the server file of FROM 'file', or null for STDIN / STDOUT
 */
public record CopyStatement(
    String table,
    List<String> columns,
    String query,
    boolean from,
    String file,
    boolean csv,
    boolean header,
    byte delimiter,
    byte quote,
    String nullString,
    Long maxReject) {

  /** The same COPY of rows that {@link TextCopyFormat} has converted to CSV. */
  CopyStatement asCsv() {
    return csv
        ? this
        : new CopyStatement(
            table, columns, query, from, file, true, header, (byte) ',', (byte) '"', "", maxReject);
  }

  /** This COPY FROM STDIN as a COPY FROM {@code file}, with the same columns and options. */
  String fromFile(String path) {
    StringBuilder b = new StringBuilder("COPY ").append(quoted(table));
    if (!columns.isEmpty()) {
      b.append(" (");
      for (int i = 0; i < columns.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(quoted(columns.get(i)));
      }
      b.append(')');
    }
    b.append(" FROM ")
        .append(literal(path))
        .append(" WITH (FORMAT ")
        .append(csv ? "csv" : "text")
        .append(", HEADER ")
        .append(header)
        .append(", DELIMITER ")
        .append(literal(Character.toString((char) (delimiter & 0xff))))
        .append(", NULL ")
        .append(literal(nullString));
    if (csv) {
      b.append(", QUOTE ").append(literal(Character.toString((char) (quote & 0xff))));
    }
    if (maxReject != null) {
      b.append(", MAX_REJECT ").append(maxReject);
    }
    return b.append(')').toString();
  }

  private static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Whether this is COPY FROM STDIN or COPY TO STDOUT: the client sends or takes the rows. */
  boolean viaClient() {
    return file == null;
  }

  /** Whether {@code sql} is a COPY at all (cheap; {@link #parse} tells the rest). */
  static boolean is(String sql) {
    Tokens t = new Tokens(Session.stripTrailingSemicolon(sql));
    return t.peek().text().equals("copy")
        && t.peek().kind() == io.citadel.engine.api.SqlLexer.Kind.WORD;
  }

  static CopyStatement parse(String sql) {
    String text = Session.stripTrailingSemicolon(sql);
    Tokens t = new Tokens(text);
    t.expect("copy");
    String table = null;
    String query = null;
    List<String> columns = new ArrayList<>();
    if (t.peek().text().equals("(")
        && t.peek().kind() == io.citadel.engine.api.SqlLexer.Kind.SYMBOL) {
      t.next();
      query = t.rawUntil(java.util.Set.of(")"));
      t.expect(")");
    } else {
      table = Ddl.tableName(t);
      if (t.accept("(")) {
        do {
          columns.add(t.identifier("a column name"));
        } while (t.accept(","));
        t.expect(")");
      }
    }
    boolean from;
    String file = null;
    if (t.accept("from")) {
      from = true;
      if (!t.accept("stdin")) {
        file = t.string("the file path (or STDIN)");
      }
    } else {
      t.expect("to");
      from = false;
      if (!t.accept("stdout")) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "COPY TO a file on the server is not supported: COPY ... TO STDOUT sends the rows to"
                + " the client");
      }
    }
    if (query != null && from) {
      throw new SqlException(SqlException.SYNTAX_ERROR, "COPY (query) FROM is not allowed");
    }
    // A file COPY keeps Citadel's own default (CSV); STDIN and STDOUT PostgreSQL's (text).
    boolean csv = file != null;
    boolean header = false;
    Byte delimiter = null;
    byte quote = '"';
    String nullString = null;
    Long maxReject = null;
    t.accept("with");
    boolean paren = t.accept("(");
    while (!t.atEnd() && !t.peek().text().equals(")")) {
      String opt = t.identifier("a COPY option");
      switch (opt) {
        case "format" -> {
          String f = t.identifier("a format");
          switch (f) {
            case "csv" -> csv = true;
            case "text" -> csv = false;
            default ->
                throw new SqlException(
                    SqlException.FEATURE_NOT_SUPPORTED,
                    "COPY format \"" + f + "\" is not supported");
          }
        }
        case "csv" -> csv = true;
        case "text" -> csv = false;
        case "binary" ->
            throw new SqlException(
                SqlException.FEATURE_NOT_SUPPORTED, "COPY format \"binary\" is not supported");
        case "delimiter" -> {
          t.accept("as");
          delimiter = singleByte(t.string("the delimiter"), "DELIMITER");
        }
        case "quote" -> {
          t.accept("as");
          quote = singleByte(t.string("the quote character"), "QUOTE");
        }
        case "null" -> {
          t.accept("as");
          nullString = t.string("the NULL string");
        }
        case "header" -> header = optionalBool(t);
        case "encoding" -> {
          String e = t.string("an encoding").toUpperCase(java.util.Locale.ROOT).replace("-", "");
          if (!e.equals("UTF8")) {
            throw new SqlException(
                SqlException.FEATURE_NOT_SUPPORTED, "COPY encoding " + e + " is not supported");
          }
        }
        case "max_reject" -> maxReject = (long) t.integer("max_reject");
        default ->
            throw new SqlException(
                SqlException.SYNTAX_ERROR, "COPY option \"" + opt + "\" not recognized");
      }
      t.accept(",");
    }
    if (paren) {
      t.expect(")");
    }
    t.expectEnd();
    return new CopyStatement(
        table,
        columns,
        query,
        from,
        file,
        csv,
        header,
        delimiter != null ? delimiter : (byte) (csv ? ',' : '\t'),
        quote,
        nullString != null ? nullString : (csv ? "" : "\\N"),
        maxReject);
  }

  private static boolean optionalBool(Tokens t) {
    String v = t.peek().text();
    switch (v) {
      case "true", "on", "1" -> {
        t.next();
        return true;
      }
      case "false", "off", "0" -> {
        t.next();
        return false;
      }
      default -> {
        return true;
      }
    }
  }

  private static byte singleByte(String s, String what) {
    if (s.length() != 1 || s.charAt(0) > 127 || s.charAt(0) == '\n' || s.charAt(0) == '\r') {
      throw new SqlException(
          SqlException.INVALID_PARAMETER, "COPY " + what + " must be a single one-byte character");
    }
    return (byte) s.charAt(0);
  }
}

package io.citadel.engine.internal.referee;

import java.util.ArrayList;
import java.util.List;

/**
 * A differential script: SQL statements, each ended by a semicolon at the end of a line (outside
 * quotes and dollar quotes), with {@code --} comment lines between them. A statement may span
 * lines.
 */
public record Script(String name, List<Script.Statement> statements) {

  /** One statement and the line it starts on. */
  public record Statement(String sql, int line) {
    /** The statement with runs of white space made one space: the key of an accepted difference. */
    public String key() {
      return sql.strip().replaceAll("\\s+", " ");
    }
  }

  public static Script parse(String name, String text) {
    List<Statement> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int start = 0;
    String[] lines = text.split("\n", -1);
    boolean inString = false;
    String dollar = null;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (cur.length() == 0 && (line.isBlank() || line.strip().startsWith("--"))) {
        continue;
      }
      if (cur.length() == 0) {
        start = i + 1;
      }
      // Track quotes across lines so a ';' inside a literal does not end the statement.
      for (int k = 0; k < line.length(); k++) {
        char ch = line.charAt(k);
        if (dollar != null) {
          if (line.startsWith(dollar, k)) {
            k += dollar.length() - 1;
            dollar = null;
          }
        } else if (inString) {
          if (ch == '\'') {
            inString = false;
          }
        } else if (ch == '\'') {
          inString = true;
        } else if (ch == '$') {
          int end = line.indexOf('$', k + 1);
          if (end > 0 && line.substring(k + 1, end).matches("[A-Za-z_]*")) {
            dollar = line.substring(k, end + 1);
            k = end;
          }
        } else if (ch == '-' && line.startsWith("--", k)) {
          break;
        }
      }
      cur.append(line).append('\n');
      if (!inString && dollar == null && line.stripTrailing().endsWith(";")) {
        String sql = cur.toString().strip();
        out.add(new Statement(sql.substring(0, sql.length() - 1).strip(), start));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      throw new IllegalArgumentException(
          name + ": the statement at line " + start + " has no closing semicolon");
    }
    return new Script(name, out);
  }
}

package io.citadel.replication.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The flat JSON objects of member znodes: string, number and boolean values only. */
final class Json {
  private static final Pattern FIELD =
      Pattern.compile(
          "\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.eE+]+|true|false|null)");

  private Json() {}

  static String write(Map<String, ?> fields) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(quote(e.getKey())).append(':');
      Object v = e.getValue();
      if (v == null) {
        b.append("null");
      } else if (v instanceof Number || v instanceof Boolean) {
        b.append(v);
      } else {
        b.append(quote(v.toString()));
      }
    }
    return b.append('}').toString();
  }

  /** The fields of a flat object; strings unquoted, other values as written. */
  static Map<String, String> read(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      out.put(unquote(m.group(1)), m.group(3) != null ? unquote(m.group(3)) : m.group(2));
    }
    return out;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static String unquote(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        b.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> b.append(n);
      }
    }
    return b.toString();
  }
}

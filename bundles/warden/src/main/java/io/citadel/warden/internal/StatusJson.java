package io.citadel.warden.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON document of {@code /citadel/<cluster>/services/<service>/<host>}: a flat object of
 * strings and numbers, written and read here so that the Warden needs no JSON library.
 */
final class StatusJson {

  private static final Pattern FIELD =
      Pattern.compile("\"([a-zA-Z]+)\":(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?[0-9]+))");

  private StatusJson() {}

  static String write(Map<String, Object> fields) {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('"').append(field.getKey()).append("\":");
      Object value = field.getValue();
      if (value instanceof Number) {
        json.append(value);
      } else {
        json.append('"').append(escape(String.valueOf(value))).append('"');
      }
    }
    return json.append('}').toString();
  }

  static Map<String, String> read(String json) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = FIELD.matcher(json);
    while (matcher.find()) {
      fields.put(
          matcher.group(1),
          matcher.group(3) != null ? unescape(matcher.group(3)) : matcher.group(4));
    }
    return fields;
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(' ');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static String unescape(String text) {
    return text.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
  }
}

package io.citadel.engine.internal.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's {@code json} and {@code jsonb} values, kept as text: {@code json} as the text it was
 * given (checked to be one JSON document), {@code jsonb} in PostgreSQL's normal form — object keys
 * ordered by length and then by their bytes, a duplicated key keeping its last value, numbers
 * written as {@code numeric} writes them, and {@code ", "} and {@code ": "} between items — so that
 * equal documents are equal strings. Also the {@code ->}, {@code ->>}, {@code #>} and {@code #>>}
 * operators over either.
 */
public final class JsonText {
  private JsonText() {}

  /** Strict JSON: no comments, no single quotes, no NaN; duplicated keys are allowed. */
  /** Numbers as long as PostgreSQL's numeric holds (Jackson stops at 1,000 digits by default). */
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              com.fasterxml.jackson.core.StreamReadConstraints.builder()
                  .maxNumberLength(140_000)
                  .maxStringLength(Integer.MAX_VALUE)
                  .build())
          .build();

  /** One value of a parsed document, with its place in the text it came from. */
  private static final class Node {
    final JsonToken kind;
    final int start;
    final int end;
    final Map<String, Node> fields;
    final List<Node> elements;
    final String string;

    Node(JsonToken kind, int start, int end, Map<String, Node> f, List<Node> e, String s) {
      this.kind = kind;
      this.start = start;
      this.end = end;
      this.fields = f;
      this.elements = e;
      this.string = s;
    }
  }

  /** {@code text} if it is one JSON document; else 22P02 naming the type and the problem. */
  public static String checkJson(String text) {
    parse(text, "json");
    return text;
  }

  /** The normal form of the JSON document {@code text}, as a {@code jsonb} value keeps it. */
  public static String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    write(parse(text, "jsonb"), text, out, false);
    return out.toString();
  }

  /**
   * What decides whether two jsonb documents are equal, as PostgreSQL compares them: the normal
   * form with every number written by its value alone ({@code 1.0} and {@code 1} are the same
   * number, though jsonb shows each as it was given).
   */
  public static String comparisonKey(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    write(parse(text, "jsonb"), text, out, true);
    return out.toString();
  }

  /**
   * {@code doc -> key} (or {@code doc ->> key} when {@code asText}): an object's field by name, or
   * an array's element by position from 0 (negative counts from the end); null when there is none.
   * A part comes out as it is written in {@code doc}: as given for json, in normal form for jsonb.
   */
  public static String get(String doc, Object key, boolean asText) {
    Node n = step(parse(doc, "json"), key);
    return n == null ? null : out(n, doc, asText);
  }

  /** {@code doc #> path} (or {@code #>>} when {@code asText}): the value at a path of keys. */
  public static String path(String doc, List<String> path, boolean asText) {
    Node n = parse(doc, "json");
    for (String k : path) {
      if (n == null || k == null) {
        return null;
      }
      Object key = k;
      if (n.kind == JsonToken.START_ARRAY) {
        try {
          key = Long.parseLong(k.trim());
        } catch (NumberFormatException e) {
          return null;
        }
      }
      n = step(n, key);
    }
    return n == null ? null : out(n, doc, asText);
  }

  private static Node step(Node n, Object key) {
    if (key instanceof Number i) {
      if (n.kind != JsonToken.START_ARRAY) {
        return null;
      }
      long at = i.longValue() < 0 ? n.elements.size() + i.longValue() : i.longValue();
      return at >= 0 && at < n.elements.size() ? n.elements.get((int) at) : null;
    }
    return n.kind == JsonToken.START_OBJECT ? n.fields.get(String.valueOf(key)) : null;
  }

  private static String out(Node n, String doc, boolean asText) {
    if (!asText) {
      return doc.substring(n.start, n.end);
    }
    return switch (n.kind) {
      case VALUE_NULL -> null;
      case VALUE_STRING -> n.string;
      default -> doc.substring(n.start, n.end);
    };
  }

  private static Node parse(String text, String type) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw invalid(type, text, "The input string ended unexpectedly.");
      }
      Node root = node(p, t, text, type);
      if (p.nextToken() != null) {
        throw invalid(type, text, "Expected end of input, but found more.");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw invalid(type, text, e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid(type, text, e.getMessage());
    }
  }

  private static Node node(JsonParser p, JsonToken t, String text, String type) throws IOException {
    int start = (int) p.currentTokenLocation().getCharOffset();
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Node> fields = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            checkString(name, type, text);
            Node value = node(p, p.nextToken(), text, type);
            fields.remove(name); // the last of duplicated keys wins, in its own place
            fields.put(name, value);
          }
          return new Node(t, start, end(p), fields, null, null);
        }
      case START_ARRAY:
        {
          List<Node> elements = new ArrayList<>();
          JsonToken e;
          while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            elements.add(node(p, e, text, type));
          }
          return new Node(t, start, end(p), null, elements, null);
        }
      case VALUE_STRING:
        {
          String s = p.getText();
          checkString(s, type, text);
          return new Node(t, start, end(p), null, null, s);
        }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL:
        return new Node(t, start, end(p), null, null, null);
      default:
        throw invalid(type, text, "Token \"" + p.getText() + "\" is invalid.");
    }
  }

  private static int end(JsonParser p) {
    return (int) p.currentLocation().getCharOffset();
  }

  private static void checkString(String s, String type, String text) {
    if (type.equals("jsonb") && s.indexOf('\0') >= 0) {
      throw new SqlException(
          "22P05",
          "unsupported Unicode escape sequence: \\u0000 cannot be converted to text (in "
              + type
              + " "
              + shorten(text)
              + ")");
    }
  }

  private static void write(Node n, String doc, StringBuilder out, boolean byValue) {
    switch (n.kind) {
      case START_OBJECT -> {
        String[] keys = n.fields.keySet().toArray(new String[0]);
        Arrays.sort(keys, JsonText::compareKeys);
        out.append('{');
        for (int i = 0; i < keys.length; i++) {
          if (i > 0) {
            out.append(", ");
          }
          quote(keys[i], out);
          out.append(": ");
          write(n.fields.get(keys[i]), doc, out, byValue);
        }
        out.append('}');
      }
      case START_ARRAY -> {
        out.append('[');
        for (int i = 0; i < n.elements.size(); i++) {
          if (i > 0) {
            out.append(", ");
          }
          write(n.elements.get(i), doc, out, byValue);
        }
        out.append(']');
      }
      case VALUE_STRING -> quote(n.string, out);
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        BigDecimal number = number(doc.substring(n.start, n.end));
        out.append(byValue ? number.stripTrailingZeros().toString() : number.toPlainString());
      }
      default -> out.append(doc, n.start, n.end);
    }
  }

  /**
   * A document's number, within what PostgreSQL's {@code numeric} holds (131,072 digits before the
   * point, 16,383 after): {@code 1e1000000000} is refused rather than written out in full.
   */
  private static BigDecimal number(String text) {
    BigDecimal n = new BigDecimal(text);
    if (n.signum() != 0 && (n.precision() - n.scale() > 131_072 || n.scale() > 16_383)) {
      throw new SqlException("22003", "value overflows numeric format");
    }
    return n;
  }

  /** jsonb's order of keys: shorter first, then by their UTF-8 bytes. */
  private static int compareKeys(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return x.length != y.length
        ? Integer.compare(x.length, y.length)
        : Arrays.compareUnsigned(x, y);
  }

  /** {@code s} as a JSON string, escaped as PostgreSQL escapes it. */
  public static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static SqlException invalid(String type, String text, String detail) {
    return new SqlException(
        SqlException.INVALID_TEXT,
        "invalid input syntax for type "
            + type
            + ": \""
            + shorten(text)
            + "\""
            + (detail == null ? "" : " (" + detail.lines().findFirst().orElse("") + ")"));
  }

  private static String shorten(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}

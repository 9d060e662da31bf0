package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ArrayForm;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.JsonText;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * PostgreSQL's string functions (and {@code trunc}), evaluated a row at a time with PostgreSQL's
 * rules: NULL in, NULL out, except {@code concat}, {@code concat_ws} and {@code format}, which skip
 * NULL arguments. A bad argument (a negative repeat count, an invalid regular expression, a code
 * point {@code chr} cannot make) is an error naming it.
 */
final class TextFunctions implements Expr {
  private static final Set<String> NAMES =
      Set.of(
          "OCTET_LENGTH",
          "BTRIM",
          "LTRIM",
          "RTRIM",
          "INITCAP",
          "STRPOS",
          "LPAD",
          "RPAD",
          "LEFT",
          "RIGHT",
          "SPLIT_PART",
          "REVERSE",
          "REPEAT",
          "MD5",
          "ASCII",
          "CHR",
          "REGEXP_REPLACE",
          "STARTS_WITH",
          "TRANSLATE",
          "TRANSLATE3",
          "SUBSTR",
          "CONCAT",
          "CONCAT_WS",
          "FORMAT",
          "TRUNC",
          "VERSION",
          "CURRENT_DATABASE",
          "CURRENT_SCHEMA",
          "CURRENT_SETTING",
          "PG_TABLE_IS_VISIBLE",
          "PG_TYPE_IS_VISIBLE",
          "PG_FUNCTION_IS_VISIBLE",
          "PG_GET_USERBYID",
          "FORMAT_TYPE",
          "PG_GET_EXPR",
          "OBJ_DESCRIPTION",
          "COL_DESCRIPTION",
          "SHOBJ_DESCRIPTION",
          "HAS_TABLE_PRIVILEGE",
          "HAS_SCHEMA_PRIVILEGE",
          "HAS_DATABASE_PRIVILEGE",
          "PG_ENCODING_TO_CHAR",
          "PG_BACKEND_PID",
          "PG_GET_STATISTICSOBJDEF_COLUMNS",
          "PG_GET_PARTKEYDEF",
          "PG_GET_FUNCTION_RESULT",
          "PG_GET_FUNCTION_ARGUMENTS",
          "PG_GET_FUNCTION_IDENTITY_ARGUMENTS",
          "PG_RELATION_IS_PUBLISHABLE",
          "PG_TABLESPACE_LOCATION",
          "PG_GET_SERIAL_SEQUENCE",
          "HAS_ANY_COLUMN_PRIVILEGE",
          "HAS_FUNCTION_PRIVILEGE",
          "QUOTE_IDENT",
          "ARRAY_TO_STRING",
          "CURRENT_SCHEMAS",
          "JSON_BUILD_OBJECT",
          "ARRAY_LENGTH",
          "ARRAY_UPPER",
          "ARRAY_LOWER",
          "PARSE_IDENT",
          "REGPROC",
          "PG_ARRAY_IN",
          "ARRAY_CAT",
          "PG_ARRAY_TEXT",
          "PG_BOOL_TEXT",
          "CARDINALITY",
          "PG_JSON",
          "PG_JSONB",
          "PG_JSONB_KEY",
          "PG_JSON_GET",
          "PG_JSON_GET_TEXT",
          "PG_JSON_PATH",
          "PG_JSON_PATH_TEXT",
          // PostgreSQL's bitwise operators on integers
          "&",
          "|",
          "#",
          "<<",
          ">>");

  /** What version() answers: PostgreSQL's form, which clients parse for the version number. */
  static final String VERSION =
      "PostgreSQL 14.0 (Citadel 0.1.0) on x86_64-pc-linux-gnu, compiled by javac, 64-bit";

  /** The longest string these functions build: PostgreSQL's limit on a field is 1 GB. */
  private static final long MAX_LENGTH = 256L << 20;

  private final String name;
  private final List<Expr> args;
  private final ColumnType type;
  private final boolean strict;

  TextFunctions(String name, List<Expr> args, ColumnType type) {
    this.name = name;
    this.args = args;
    this.type = type;
    this.strict =
        !Set.of(
                "ARRAY_CAT",
                "CONCAT",
                "CONCAT_WS",
                "FORMAT",
                "FORMAT_TYPE",
                "CURRENT_SETTING",
                "ARRAY_TO_STRING")
            .contains(name);
  }

  static boolean supports(String name) {
    return NAMES.contains(name);
  }

  @Override
  public ColumnType type() {
    return type;
  }

  @Override
  public Vec eval(Batch b) {
    int n = b.size;
    Vec[] a = new Vec[args.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = args.get(k).eval(b);
    }
    Object[] out = new Object[n];
    Object[] row = new Object[a.length];
    for (int i = 0; i < n; i++) {
      boolean anyNull = false;
      for (int k = 0; k < a.length; k++) {
        row[k] = a[k].isNull(i) ? null : a[k].get(i);
        anyNull |= row[k] == null;
      }
      if (strict && anyNull) {
        continue;
      }
      out[i] = apply(row, a);
    }
    return Vectors.fromBoxed(type, out, n);
  }

  private Object apply(Object[] v, Vec[] a) {
    return switch (name) {
      case "OCTET_LENGTH" ->
          a[0].type.kind() == TypeKind.BYTEA
              ? (long) (str(v[0]).length() - 2) / 2 // two hex digits a byte, after \x
              // a char(n)'s bytes count its padding, as in PostgreSQL
              : (long) a[0].type.format(v[0]).getBytes(StandardCharsets.UTF_8).length;
      case "BTRIM" -> trim(str(v[0]), v.length > 1 ? str(v[1]) : " ", true, true);
      case "LTRIM" -> trim(str(v[0]), v.length > 1 ? str(v[1]) : " ", true, false);
      case "RTRIM" -> trim(str(v[0]), v.length > 1 ? str(v[1]) : " ", false, true);
      case "INITCAP" -> initcap(str(v[0]));
      case "STRPOS" -> (long) codePoints(str(v[0]), str(v[0]).indexOf(str(v[1]))) + 1;
      case "LPAD" -> pad(str(v[0]), num(v[1]), v.length > 2 ? str(v[2]) : " ", true);
      case "RPAD" -> pad(str(v[0]), num(v[1]), v.length > 2 ? str(v[2]) : " ", false);
      case "LEFT" -> left(str(v[0]), num(v[1]));
      case "RIGHT" -> right(str(v[0]), num(v[1]));
      case "SPLIT_PART" -> splitPart(str(v[0]), str(v[1]), num(v[2]));
      case "REVERSE" -> new StringBuilder(str(v[0])).reverse().toString();
      case "REPEAT" -> repeat(str(v[0]), num(v[1]));
      case "MD5" -> md5(str(v[0]));
      case "ASCII" -> str(v[0]).isEmpty() ? 0L : (long) str(v[0]).codePointAt(0);
      case "CHR" -> chr(num(v[0]));
      case "REGEXP_REPLACE" ->
          regexpReplace(str(v[0]), str(v[1]), str(v[2]), v.length > 3 ? str(v[3]) : "");
      case "STARTS_WITH" -> str(v[0]).startsWith(str(v[1])) ? 1L : 0L;
      case "TRANSLATE", "TRANSLATE3" -> translate(str(v[0]), str(v[1]), str(v[2]));
      case "SUBSTR" -> substr(str(v[0]), num(v[1]), v.length > 2 ? num(v[2]) : null);
      case "CONCAT" -> concat("", v, a, 0);
      case "CONCAT_WS" -> v[0] == null ? null : concat(text(v[0], a[0]), v, a, 1);
      case "FORMAT" -> v[0] == null ? null : format(text(v[0], a[0]), v, a);
      case "TRUNC" -> trunc(v, a);
      case "VERSION" -> VERSION;
      case "CURRENT_DATABASE" -> "citadel";
      case "CURRENT_SCHEMA" -> "public";
      case "CURRENT_SETTING" -> currentSetting(v);
      case "PG_TABLE_IS_VISIBLE", "PG_TYPE_IS_VISIBLE", "PG_FUNCTION_IS_VISIBLE" -> 1L;
      // every object belongs to the engine's owner, as pg_class.relowner says
      case "PG_GET_USERBYID" -> num(v[0]) == 6171 ? "pg_database_owner" : "citadel";
      case "FORMAT_TYPE" ->
          v[0] == null
              ? null
              : ColumnType.pgFormatType((int) num(v[0]), v[1] == null ? -1 : (int) num(v[1]));
      case "PG_GET_EXPR" -> str(v[0]);
      case "OBJ_DESCRIPTION", "COL_DESCRIPTION", "SHOBJ_DESCRIPTION" -> null;
      // privileges are the security work's: until then every user may use every object
      case "HAS_TABLE_PRIVILEGE", "HAS_SCHEMA_PRIVILEGE", "HAS_DATABASE_PRIVILEGE" -> 1L;
      case "PG_ENCODING_TO_CHAR" -> num(v[0]) == 6 ? "UTF8" : "";
      case "PG_BACKEND_PID" -> ProcessHandle.current().pid() & 0x7fffffffL;
      case "PG_GET_STATISTICSOBJDEF_COLUMNS",
          "PG_GET_PARTKEYDEF",
          "PG_GET_FUNCTION_RESULT",
          "PG_GET_FUNCTION_ARGUMENTS",
          "PG_GET_FUNCTION_IDENTITY_ARGUMENTS",
          "PG_TABLESPACE_LOCATION",
          "PG_GET_SERIAL_SEQUENCE" ->
          null;
      case "PG_RELATION_IS_PUBLISHABLE" -> 0L;
      case "HAS_ANY_COLUMN_PRIVILEGE", "HAS_FUNCTION_PRIVILEGE" -> 1L;
      case "QUOTE_IDENT" -> quoteIdent(str(v[0]));
      case "CURRENT_SCHEMAS" -> num(v[0]) != 0 ? "{pg_catalog,public}" : "{public}";
      case "JSON_BUILD_OBJECT" -> jsonBuildObject(v, a);
      case "ARRAY_LENGTH", "ARRAY_UPPER", "ARRAY_LOWER" -> {
        int n = ArrayForm.parse(str(v[0])).size();
        long lower = ArrayForm.lowerBound(str(v[0]));
        // one dimension: NULL for another, and for an empty array
        yield num(v[1]) != 1 || n == 0
            ? null
            : switch (name) {
              case "ARRAY_LOWER" -> lower;
              case "ARRAY_UPPER" -> lower + n - 1;
              default -> (long) n;
            };
      }
      case "PARSE_IDENT" -> ArrayForm.format(parseIdent(str(v[0])));
      case "REGPROC" -> regproc(v[0]);
      case "PG_ARRAY_IN" -> arrayIn(str(v[0]));
      case "ARRAY_CAT" -> arrayCat(v, a);
      case "PG_ARRAY_TEXT" -> str(v[0]);
      case "PG_BOOL_TEXT" -> num(v[0]) != 0 ? "true" : "false";
      case "CARDINALITY" -> (long) ArrayForm.parse(str(v[0])).size();
      case "PG_JSON" -> JsonText.checkJson(str(v[0]));
      case "PG_JSONB" -> JsonText.normalize(str(v[0]));
      case "PG_JSONB_KEY" -> JsonText.comparisonKey(str(v[0]));
      case "PG_JSON_GET", "PG_JSON_GET_TEXT" ->
          JsonText.get(str(v[0]), v[1], name.endsWith("_TEXT"));
      case "PG_JSON_PATH", "PG_JSON_PATH_TEXT" ->
          JsonText.path(str(v[0]), ArrayForm.parse(str(v[1])), name.endsWith("_TEXT"));
      case "&" -> num(v[0]) & num(v[1]);
      case "|" -> num(v[0]) | num(v[1]);
      case "#" -> num(v[0]) ^ num(v[1]);
      case "<<" -> num(v[0]) << num(v[1]);
      case ">>" -> num(v[0]) >> num(v[1]);
      case "ARRAY_TO_STRING" ->
          v[0] == null || v[1] == null
              ? null
              : ArrayText.toString(str(v[0]), str(v[1]), v.length > 2 ? str(v[2]) : null);
      default ->
          throw new SqlException(SqlException.FEATURE_NOT_SUPPORTED, name + " is not supported");
    };
  }

  /** parse_ident: a dotted name's parts, quoted ones as written, others lower-cased. */
  /**
   * {@code x::regproc}: a function's name (schema dropped, as the search path shows it) from its
   * name or, for the oid 0, "-".
   */
  private static String regproc(Object v) {
    if (v instanceof Number n) {
      return n.longValue() == 0 ? "-" : Long.toString(n.longValue());
    }
    List<String> parts = parseIdent(v.toString());
    return parts.get(parts.size() - 1);
  }

  /**
   * {@code a || b} of arrays (or of an array and an element): the elements of both; a NULL array
   * adds nothing, and two NULLs are NULL.
   */
  private static String arrayCat(Object[] v, Vec[] a) {
    if (v[0] == null && v[1] == null) {
      return null;
    }
    List<String> out = new java.util.ArrayList<>();
    for (int k = 0; k < 2; k++) {
      if (a[k].type.isArray()) {
        if (v[k] != null) {
          out.addAll(ArrayForm.parse(v[k].toString()));
        }
      } else {
        out.add(v[k] == null ? null : a[k].type.format(v[k]));
      }
    }
    return ArrayForm.format(out);
  }

  /** An array's text form, each element read (and so checked) as the element type. */
  private String arrayIn(String text) {
    ColumnType element = type.isArray() ? type.element() : ColumnType.TEXT;
    List<String> out = new java.util.ArrayList<>();
    for (String e : ArrayForm.parse(text)) {
      out.add(e == null ? null : element.format(element.parse(e)));
    }
    return ArrayForm.format(out);
  }

  static List<String> parseIdent(String s) {
    List<String> parts = new java.util.ArrayList<>();
    int i = 0;
    while (true) {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
      StringBuilder p = new StringBuilder();
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (i < s.length()) {
          if (s.charAt(i) == '"') {
            if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
              p.append('"');
              i += 2;
              continue;
            }
            break;
          }
          p.append(s.charAt(i++));
        }
        if (i >= s.length()) {
          throw new SqlException(
              SqlException.INVALID_TEXT, "string is not a valid identifier: \"" + s + "\"");
        }
        i++;
      } else {
        while (i < s.length() && s.charAt(i) != '.' && !Character.isWhitespace(s.charAt(i))) {
          p.append(Character.toLowerCase(s.charAt(i++)));
        }
      }
      if (p.length() == 0) {
        throw new SqlException(
            SqlException.INVALID_TEXT, "string is not a valid identifier: \"" + s + "\"");
      }
      parts.add(p.toString());
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
      if (i >= s.length()) {
        return parts;
      }
      if (s.charAt(i) != '.') {
        throw new SqlException(
            SqlException.INVALID_TEXT, "string is not a valid identifier: \"" + s + "\"");
      }
      i++;
    }
  }

  /** quote_ident: double quotes unless the name is lower-case letters, digits and _ only. */
  static String quoteIdent(String s) {
    boolean plain = !s.isEmpty() && (Character.isLowerCase(s.charAt(0)) || s.charAt(0) == '_');
    for (int i = 0; plain && i < s.length(); i++) {
      char c = s.charAt(i);
      plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
    return plain ? s : '"' + s.replace("\"", "\"\"") + '"';
  }

  private static String currentSetting(Object[] v) {
    if (v[0] == null) {
      return null;
    }
    String value = io.citadel.engine.internal.types.Settings.get(java.util.Map.of(), str(v[0]));
    boolean missingOk = v.length > 1 && v[1] != null && num(v[1]) != 0;
    if (value == null && !missingOk) {
      throw new SqlException(
          SqlException.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + v[0] + "\"");
    }
    return value;
  }

  private static String str(Object o) {
    return (String) o;
  }

  private static long num(Object o) {
    return ((Number) o).longValue();
  }

  /** The text of a value as PostgreSQL's output function writes it. */
  private static String text(Object value, Vec v) {
    return v.type.kind().isStringBased() ? (String) value : v.type.format(value);
  }

  private static int codePoints(String s, int charIndex) {
    return charIndex < 0 ? -1 : s.codePointCount(0, charIndex);
  }

  private static String trim(String s, String chars, boolean leading, boolean trailing) {
    int from = 0;
    int to = s.length();
    while (leading && from < to && chars.indexOf(s.charAt(from)) >= 0) {
      from++;
    }
    while (trailing && to > from && chars.indexOf(s.charAt(to - 1)) >= 0) {
      to--;
    }
    return s.substring(from, to);
  }

  private static String initcap(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean wordStart = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(wordStart ? Character.toUpperCase(c) : Character.toLowerCase(c));
      wordStart = !Character.isLetterOrDigit(c);
    }
    return b.toString();
  }

  private static void checkLength(long n) {
    if (n > MAX_LENGTH) {
      throw new SqlException(
          SqlException.PROGRAM_LIMIT, "requested length too large: " + n + " characters");
    }
  }

  private static String pad(String s, long len, String fill, boolean left) {
    checkLength(len);
    int cps = s.codePointCount(0, s.length());
    if (len <= 0) {
      return "";
    }
    if (cps >= len) {
      return s.substring(0, s.offsetByCodePoints(0, (int) len));
    }
    if (fill.isEmpty()) {
      return s;
    }
    StringBuilder p = new StringBuilder();
    int[] f = fill.codePoints().toArray();
    for (long k = 0; k < len - cps; k++) {
      p.appendCodePoint(f[(int) (k % f.length)]);
    }
    return left ? p + s : s + p;
  }

  private static String left(String s, long n) {
    int cps = s.codePointCount(0, s.length());
    long keep = n >= 0 ? Math.min(n, cps) : Math.max(0, cps + n);
    return s.substring(0, s.offsetByCodePoints(0, (int) keep));
  }

  private static String right(String s, long n) {
    int cps = s.codePointCount(0, s.length());
    long keep = n >= 0 ? Math.min(n, cps) : Math.max(0, cps + n);
    return s.substring(s.offsetByCodePoints(0, (int) (cps - keep)));
  }

  private static String splitPart(String s, String delimiter, long field) {
    if (field == 0) {
      throw new SqlException(SqlException.INVALID_PARAMETER, "field position must not be zero");
    }
    String[] parts = delimiter.isEmpty() ? new String[] {s} : s.split(Pattern.quote(delimiter), -1);
    long at = field > 0 ? field - 1 : parts.length + field;
    return at >= 0 && at < parts.length ? parts[(int) at] : "";
  }

  private static String repeat(String s, long n) {
    if (n <= 0) {
      return "";
    }
    checkLength(n * s.length());
    return s.repeat((int) n);
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new SqlException(SqlException.INTERNAL, "MD5 is not available in this JVM");
    }
  }

  private static String chr(long code) {
    if (code == 0) {
      throw new SqlException("54000", "null character not permitted");
    }
    if (code < 0 || code > Character.MAX_CODE_POINT || (code >= 0xD800 && code <= 0xDFFF)) {
      throw new SqlException("54000", "requested character too large for encoding: " + code);
    }
    return new String(Character.toChars((int) code));
  }

  private static String regexpReplace(String s, String pattern, String replacement, String flags) {
    int f = 0;
    boolean global = false;
    for (char c : flags.toCharArray()) {
      switch (c) {
        case 'g' -> global = true;
        case 'i' -> f |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        case 'c' -> f &= ~Pattern.CASE_INSENSITIVE;
        case 'n', 'm' -> f |= Pattern.MULTILINE;
        case 's' -> f |= Pattern.DOTALL;
        case 'x' -> f |= Pattern.COMMENTS;
        default ->
            throw new SqlException(
                SqlException.INVALID_PARAMETER, "invalid regular expression option: \"" + c + "\"");
      }
    }
    Pattern p;
    try {
      p = Pattern.compile(pattern, f);
    } catch (PatternSyntaxException e) {
      throw new SqlException("2201B", "invalid regular expression: " + e.getDescription());
    }
    // PostgreSQL's replacement: \1..\9 name groups, \& the whole match, \\ a backslash.
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < replacement.length(); i++) {
      char c = replacement.charAt(i);
      if (c == '\\' && i + 1 < replacement.length()) {
        char nx = replacement.charAt(++i);
        if (nx >= '1' && nx <= '9') {
          r.append('$').append(nx);
        } else if (nx == '&') {
          r.append("$0");
        } else {
          r.append(Matcher.quoteReplacement(String.valueOf(nx)));
        }
      } else {
        r.append(Matcher.quoteReplacement(String.valueOf(c)));
      }
    }
    Matcher m = p.matcher(s);
    try {
      return global ? m.replaceAll(r.toString()) : m.replaceFirst(r.toString());
    } catch (IndexOutOfBoundsException e) {
      throw new SqlException("2201B", "invalid regular expression: " + e.getMessage());
    }
  }

  private static String translate(String s, String from, String to) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int at = from.indexOf(c);
      if (at < 0) {
        b.append(c);
      } else if (at < to.length()) {
        b.append(to.charAt(at));
      }
    }
    return b.toString();
  }

  private static String substr(String s, long start, Long count) {
    if (count != null && count < 0) {
      throw new SqlException("22011", "negative substring length not allowed");
    }
    int cps = s.codePointCount(0, s.length());
    long from = Math.max(start, 1);
    long to = count == null ? cps + 1L : Math.min(start + count, cps + 1L);
    if (from > cps || to <= from) {
      return "";
    }
    return s.substring(
        s.offsetByCodePoints(0, (int) from - 1), s.offsetByCodePoints(0, (int) to - 1));
  }

  /** json_build_object(key, value, ...): PostgreSQL's json text, as it spaces it. */
  private static String jsonBuildObject(Object[] v, Vec[] a) {
    if (v.length % 2 != 0) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "argument list must have even number of elements",
          0,
          null);
    }
    StringBuilder b = new StringBuilder("{");
    for (int k = 0; k < v.length; k += 2) {
      if (v[k] == null) {
        throw new SqlException(
            SqlException.INVALID_PARAMETER, "argument " + (k + 1) + " cannot be null", 0, null);
      }
      b.append(k == 0 ? "" : ", ");
      JsonText.quote(text(v[k], a[k]), b);
      b.append(" : ");
      Object x = v[k + 1];
      TypeKind kind = a[k + 1].type.kind();
      if (x == null) {
        b.append("null");
      } else if (kind == TypeKind.BOOLEAN) {
        b.append(((Number) x).longValue() != 0 ? "true" : "false");
      } else if (kind.isNumeric()) {
        b.append(a[k + 1].type.format(x));
      } else if (kind == TypeKind.JSON || kind == TypeKind.JSONB) {
        b.append((String) x); // a document is JSON already
      } else {
        JsonText.quote(text(x, a[k + 1]), b);
      }
      checkLength(b.length());
    }
    return b.append('}').toString();
  }

  private static String concat(String separator, Object[] v, Vec[] a, int first) {
    StringBuilder b = new StringBuilder();
    boolean any = false;
    for (int k = first; k < v.length; k++) {
      if (v[k] == null) {
        continue;
      }
      if (any) {
        b.append(separator);
      }
      b.append(text(v[k], a[k]));
      any = true;
      checkLength(b.length());
    }
    return b.toString();
  }

  /** format() with %s, %I, %L and %% (no positions or widths). */
  private static String format(String f, Object[] v, Vec[] a) {
    StringBuilder b = new StringBuilder();
    int next = 1;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c != '%') {
        b.append(c);
        continue;
      }
      if (++i >= f.length()) {
        throw new SqlException(
            SqlException.INVALID_PARAMETER, "unterminated format() type specifier");
      }
      char t = f.charAt(i);
      if (t == '%') {
        b.append('%');
        continue;
      }
      if (next >= v.length) {
        throw new SqlException(SqlException.INVALID_PARAMETER, "too few arguments for format()");
      }
      Object o = v[next];
      String s = o == null ? null : text(o, a[next]);
      next++;
      switch (t) {
        case 's' -> b.append(s == null ? "" : s);
        case 'I' -> {
          if (s == null) {
            throw new SqlException("22004", "null values cannot be formatted as an SQL identifier");
          }
          b.append(s.matches("[a-z_][a-z0-9_$]*") ? s : '"' + s.replace("\"", "\"\"") + '"');
        }
        case 'L' -> b.append(s == null ? "NULL" : "'" + s.replace("'", "''") + "'");
        default ->
            throw new SqlException(
                SqlException.INVALID_PARAMETER,
                "unrecognized format() type specifier \"" + t + "\"");
      }
    }
    return b.toString();
  }

  private Object trunc(Object[] v, Vec[] a) {
    int limit = io.citadel.engine.internal.types.Numeric.MAX_RESULT_SCALE;
    int digits = v.length > 1 ? (int) Math.max(-limit, Math.min(limit, num(v[1]))) : 0;
    ColumnType t = a[0].type;
    if (t.kind().isFloating()) {
      BigDecimal x = BigDecimal.valueOf(((Number) v[0]).doubleValue());
      return x.setScale(Math.max(digits, 0), RoundingMode.DOWN).doubleValue();
    }
    BigDecimal x = t.toBigDecimal(v[0]);
    BigDecimal r =
        digits >= 0
            ? x.setScale(digits, RoundingMode.DOWN)
            : x.movePointLeft(-digits).setScale(0, RoundingMode.DOWN).movePointRight(-digits);
    if (type.kind() == TypeKind.NUMERIC) {
      return io.citadel.engine.internal.types.Numeric.text(r.scale() < 0 ? r.setScale(0) : r);
    }
    return type.kind() == TypeKind.DECIMAL ? type.decimalToUnscaled(r) : r.longValue();
  }

  @Override
  public String toString() {
    return name.toLowerCase(Locale.ROOT) + args;
  }
}

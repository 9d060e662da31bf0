package io.citadel.warden.internal.conf;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Warden configuration file read as {@code key=value} lines, each key remembering its line so
 * that every later mistake can name file, line and key. Blank lines and lines starting with {@code
 * #} or {@code !} are comments.
 */
public final class ConfFile {

  /** A value and where it was written. */
  public record Entry(String key, String value, int line) {}

  private final Path path;
  private final Map<String, Entry> entries;
  private final List<ConfProblem> problems;

  private ConfFile(Path path, Map<String, Entry> entries, List<ConfProblem> problems) {
    this.path = path;
    this.entries = Collections.unmodifiableMap(entries);
    this.problems = List.copyOf(problems);
  }

  /** Reads a file; what cannot be read becomes a problem, never an exception. */
  public static ConfFile read(Path path) {
    try {
      return parse(path, Files.readString(path, StandardCharsets.UTF_8));
    } catch (CharacterCodingException e) {
      return failed(path, "is not UTF-8 text");
    } catch (IOException e) {
      return failed(path, "cannot be read: " + e.getMessage());
    }
  }

  private static ConfFile failed(Path path, String message) {
    return new ConfFile(path, Map.of(), List.of(new ConfProblem(path, 0, "", message)));
  }

  /** Parses text as the content of {@code path}. */
  public static ConfFile parse(Path path, String text) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<ConfProblem> problems = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int equals = line.indexOf('=');
      if (equals <= 0) {
        problems.add(
            new ConfProblem(path, number, "", "'" + abbreviate(line) + "' is not key=value"));
        continue;
      }
      String key = line.substring(0, equals).strip();
      String value = unquote(line.substring(equals + 1).strip());
      if (!key.matches("[A-Za-z0-9_.-]+")) {
        problems.add(new ConfProblem(path, number, key, "is not a valid key"));
        continue;
      }
      Entry previous = entries.get(key);
      if (previous != null) {
        problems.add(
            new ConfProblem(
                path, number, key, "is set twice (first on line " + previous.line() + ")"));
        continue;
      }
      entries.put(key, new Entry(key, value, number));
    }
    return new ConfFile(path, entries, problems);
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && ((value.startsWith("\"") && value.endsWith("\""))
            || (value.startsWith("'") && value.endsWith("'")))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  private static String abbreviate(String line) {
    return line.length() <= 60 ? line : line.substring(0, 57) + "...";
  }

  public Path path() {
    return path;
  }

  /** The entries in file order. */
  public Map<String, Entry> entries() {
    return entries;
  }

  public Optional<Entry> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** Problems of form: lines that are not key=value, keys set twice. */
  public List<ConfProblem> problems() {
    return problems;
  }
}

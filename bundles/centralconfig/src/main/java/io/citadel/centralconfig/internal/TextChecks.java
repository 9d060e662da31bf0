package io.citadel.centralconfig.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The checks every pulled file gets before the services' own: text, and {@code .cfg} syntax. */
final class TextChecks {
  private TextChecks() {}

  /** The content as UTF-8 text, or empty when it is not. */
  static Optional<String> utf8(byte[] content) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * What is wrong with a {@code .cfg} file as FileInstall would read it: every line that is not a
   * comment, blank, a continuation or {@code key = value} (or {@code key: value}), and escapes that
   * {@link Properties} refuses.
   */
  static List<String> cfg(String path, String text) {
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    boolean continued = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String stripped = line.strip();
      boolean continuation = continued;
      continued = endsWithOddBackslashes(line);
      if (continuation
          || stripped.isEmpty()
          || stripped.startsWith("#")
          || stripped.startsWith("!")) {
        continue;
      }
      int separator = separatorIndex(stripped);
      if (separator <= 0) {
        problems.add(
            path + ":" + (i + 1) + ": '" + abbreviate(stripped) + "' is not 'key = value'");
      }
    }
    try {
      new Properties().load(new StringReader(text));
    } catch (IllegalArgumentException | IOException e) {
      problems.add(path + ": " + e.getMessage());
    }
    return problems;
  }

  private static int separatorIndex(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '=' || c == ':') {
        return i;
      }
    }
    return -1;
  }

  private static boolean endsWithOddBackslashes(String line) {
    int n = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}

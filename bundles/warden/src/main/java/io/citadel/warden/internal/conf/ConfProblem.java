package io.citadel.warden.internal.conf;

import java.nio.file.Path;

/**
 * One mistake in a Warden configuration file, located for the operator.
 *
 * @param file the file
 * @param line the 1-based line, 0 when the mistake is not on one line (e.g. a missing key)
 * @param key the key concerned, empty when none
 * @param message what is wrong
 */
public record ConfProblem(Path file, int line, String key, String message) {

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(file.getFileName().toString());
    if (line > 0) {
      text.append(':').append(line);
    }
    if (!key.isEmpty()) {
      text.append(' ').append(key);
    }
    return text.append(": ").append(message).toString();
  }
}

package io.citadel.centralconfig.internal;

import java.time.Instant;

/**
 * A pulled file that could not be installed, raised while the condition lasts.
 *
 * @param path the file, relative to {@code etc/} ({@code (store)} when the store itself failed)
 * @param source the scope it came from
 * @param error what is wrong
 * @param since when it was first seen so
 */
public record Alarm(String path, String source, String error, Instant since) {

  @Override
  public String toString() {
    return (source.isEmpty() ? "" : source + "/") + path + ": " + error;
  }
}

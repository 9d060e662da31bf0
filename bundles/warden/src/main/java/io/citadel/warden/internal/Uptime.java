package io.citadel.warden.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's uptime in centiseconds, from {@code /proc/uptime}: a clock that setting the date
 * does not move and that a shell script reads as well as the JVM, so that a service's lease guard
 * and its Warden agree on when a lease ends. Elsewhere than Linux, the JVM's monotonic clock.
 */
final class Uptime {
  private static final Path PROC = Path.of("/proc/uptime");
  private static final boolean PROC_READABLE = Files.isReadable(PROC);

  private Uptime() {}

  static boolean shared() {
    return PROC_READABLE;
  }

  static long centis() {
    if (PROC_READABLE) {
      try {
        String text = Files.readString(PROC);
        String first = text.substring(0, text.indexOf(' '));
        int dot = first.indexOf('.');
        return Long.parseLong(first.substring(0, dot)) * 100
            + Long.parseLong(first.substring(dot + 1));
      } catch (IOException | RuntimeException e) {
        return 0; // the dawn of time: every lease has run out, the safe answer
      }
    }
    return System.nanoTime() / 10_000_000L;
  }
}

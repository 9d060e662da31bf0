package io.citadel.centralconfig.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.UUID;

/** Replaces a file so that a reader sees the old content or the new, never part of either. */
final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code content} to a hidden file beside {@code target} (a name no watcher here picks up:
   * it starts with a dot and ends in {@code .tmp}), forces it to disk, and renames it over the
   * target. The new file's time is after the old one's even within one clock tick, since
   * FileInstall notices a change by time and size.
   */
  static void replace(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temporary =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(
          temporary,
          content,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE,
          StandardOpenOption.SYNC);
      if (Files.exists(target)) {
        long old = Files.getLastModifiedTime(target).toMillis();
        if (Files.getLastModifiedTime(temporary).toMillis() <= old) {
          Files.setLastModifiedTime(temporary, FileTime.fromMillis(old + 1_000));
        }
      }
      io.citadel.sdk.DurableFiles.move(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}

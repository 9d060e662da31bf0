package io.citadel.engine.internal.storage;

import io.citadel.sdk.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;

/**
 * A store's snapshots as files: staging a consistent point beside the tables, copying it out, and
 * restoring one into a closed store's folder. What a snapshot holds is what a checkpoint's manifest
 * names: the {@code t<id>} folders of fragment and dictionary files, and the {@code MANIFEST}.
 */
public final class Snapshots {
  /** Where a snapshot is staged, beside the tables: never a table's folder name. */
  private static final String STAGING_PREFIX = ".snapshot-";

  private Snapshots() {}

  /**
   * Stages the store in {@code dir} as its last checkpoint left it (the caller holds the store's
   * lock, right after that checkpoint): fragments never change once written, so a hard link is
   * their copy as of now; dictionaries, which grow, and the manifest are copied.
   */
  static StagedSnapshot stage(Path dir) throws IOException {
    Path staging = dir.resolve(STAGING_PREFIX + System.nanoTime());
    Files.createDirectories(staging);
    try {
      try (var entries = Files.list(dir)) {
        for (Path p : entries.toList()) {
          if (isTable(p)) {
            Path to = Files.createDirectories(staging.resolve(p.getFileName().toString()));
            try (var files = Files.list(p)) {
              for (Path f : files.toList()) {
                Path copy = to.resolve(f.getFileName().toString());
                if (f.toString().endsWith(".dict")) {
                  Files.copy(f, copy);
                } else {
                  linkOrCopy(f, copy, true);
                }
              }
            }
          }
        }
      }
      Files.copy(dir.resolve("MANIFEST"), staging.resolve("MANIFEST"));
    } catch (IOException | RuntimeException e) {
      deleteTree(staging);
      throw e;
    }
    return new StagedSnapshot(staging);
  }

  /** Removes the staging folders a crash left in the store's folder {@code dir}. */
  static void removeStaleStaging(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        if (p.getFileName().toString().startsWith(STAGING_PREFIX)) {
          deleteTree(p);
        }
      }
    }
  }

  /** Copies a staged snapshot into {@code target}, every file and folder forced. */
  static void copy(Path staging, Path target) throws IOException {
    Files.createDirectories(target);
    try (var existing = Files.list(target)) {
      if (existing.findAny().isPresent()) {
        throw new IOException(target + " is not empty");
      }
    }
    // the staged dictionaries are this snapshot's own: links to them are safe too
    copyTables(staging, target, true);
    durableCopy(staging.resolve("MANIFEST"), target.resolve("MANIFEST"));
    DurableFiles.forceFolder(target);
  }

  /**
   * Replaces the tables of the (closed) store in {@code dir} by those of a snapshot. Other files of
   * the folder (users, passwords) stay. The old manifest goes first and the new one comes last, so
   * a crash in between leaves a store without a manifest, which opens empty (nothing applied: a
   * member bootstraps again), never one whose manifest names files that are gone.
   */
  public static void restore(Path snapshot, Path dir) throws IOException {
    if (!Files.isRegularFile(snapshot.resolve("MANIFEST"))) {
      throw new IOException(snapshot + " holds no MANIFEST: not a snapshot");
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("MANIFEST"));
    DurableFiles.forceFolder(dir);
    try (var entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        if (p.getFileName().toString().equals("wal") || isTable(p)) {
          deleteTree(p);
        }
      }
    }
    copyTables(snapshot, dir, false);
    DurableFiles.forceFolder(dir);
    Path tmp = dir.resolve("MANIFEST.restore");
    durableCopy(snapshot.resolve("MANIFEST"), tmp);
    DurableFiles.move(tmp, dir.resolve("MANIFEST"));
  }

  /** Copies (or, with {@code link}, links) the table folders of {@code from} into {@code to}. */
  private static void copyTables(Path from, Path to, boolean link) throws IOException {
    try (var entries = Files.list(from)) {
      for (Path p : entries.toList()) {
        if (isTable(p)) {
          Path table = Files.createDirectories(to.resolve(p.getFileName().toString()));
          try (var files = Files.list(p)) {
            for (Path f : files.toList()) {
              linkOrCopy(f, table.resolve(f.getFileName().toString()), link);
            }
          }
          DurableFiles.forceFolder(table);
        }
      }
    }
  }

  private static boolean isTable(Path p) {
    return Files.isDirectory(p) && p.getFileName().toString().matches("t\\d+");
  }

  /** Links {@code to} to {@code from} where allowed and asked, or copies it, forced either way. */
  private static void linkOrCopy(Path from, Path to, boolean link) throws IOException {
    if (link) {
      try {
        Files.createLink(to, from);
        return; // the same, already forced, file
      } catch (IOException | UnsupportedOperationException e) {
        // another file system: copy
      }
    }
    durableCopy(from, to);
  }

  private static void durableCopy(Path from, Path to) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel ch = FileChannel.open(to, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}

package io.citadel.sdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Files that a crash leaves whole: the old content or the new one, never a mix, a truncated file or
 * a lost rename. A file is replaced by writing a temporary sibling, forcing it, renaming it over
 * the target atomically, and then forcing the folder, without which the rename itself may not
 * survive a power loss even though the data did.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /** Replaces {@code target}'s content (creating it and its folders if needed), durably. */
  public static void replace(Path target, byte[] content) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temporary = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      move(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Renames {@code from}, whose content the caller has forced, to {@code to} atomically (replacing
   * it), then forces the folders of both so that the rename survives a crash.
   */
  public static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Path target = to.toAbsolutePath().getParent();
    Path source = from.toAbsolutePath().getParent();
    forceFolder(target);
    if (!source.equals(target)) {
      forceFolder(source);
    }
  }

  /**
   * Forces a folder's entries (files created, renamed or removed in it) to the device. Where the
   * file system does not let a folder be opened, it does nothing: renames are ordered there.
   *
   * @throws IOException when the device fails the force: what was renamed may not be durable
   */
  public static void forceFolder(Path folder) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(folder, StandardOpenOption.READ);
    } catch (IOException e) {
      return; // a file system that does not open folders
    }
    try (ch) {
      ch.force(true);
    }
  }
}

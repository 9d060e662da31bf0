package io.citadel.engine.internal.storage;

import io.citadel.sdk.DurableFiles;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The framing of a store's {@code MANIFEST}, the catalog a checkpoint writes: a magic number, a
 * format version, the body {@link Store} writes, and a CRC32C of all of it. A manifest is written
 * whole to a forced temporary file and renamed over the old one atomically, the folder forced
 * after, so a crash leaves the old manifest or the new one, never part of one.
 */
final class ManifestFile {
  static final String NAME = "MANIFEST";
  private static final String TEMPORARY = "MANIFEST.tmp";
  private static final int MAGIC = 0x4D544443; // "CDTM"

  /**
   * 3: a table's tail is a list of files, each holding consecutive rows; 2: table definitions carry
   * their constraints. Versions 1 and 2 are still read.
   */
  static final int VERSION = 3;

  private ManifestFile() {}

  /** What a manifest holds after its header. */
  record Body(int version, DataInputStream in) {}

  static void writeHeader(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
  }

  /** Writes {@code body} (header included) and its checksum to a forced temporary file in dir. */
  static Path writeTemporary(Path dir, byte[] body) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer file = ByteBuffer.allocate(body.length + 4);
    file.put(body).putInt((int) crc.getValue()).flip();
    Path tmp = dir.resolve(TEMPORARY);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (file.hasRemaining()) {
        ch.write(file);
      }
      ch.force(true);
    }
    return tmp;
  }

  /** Puts a temporary manifest in place of the old one, atomically, and forces the folder. */
  static void install(Path dir, Path tmp) throws IOException {
    try {
      Files.move(
          tmp,
          dir.resolve(NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the data folder's file system cannot rename atomically: " + dir, e);
    }
    DurableFiles.forceFolder(dir);
  }

  /** Reads a manifest, refusing one whose checksum, magic number or version is wrong. */
  static Body read(Path manifest) throws IOException {
    byte[] all = Files.readAllBytes(manifest);
    if (all.length < 4) {
      throw new IOException(manifest + " is truncated");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) {
      throw new IOException(
          manifest + " fails its checksum; refusing to start on a damaged catalog");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 4));
    int version;
    if (in.readInt() != MAGIC || (version = in.readInt()) < 1 || version > VERSION) {
      throw new IOException(manifest + " is not a Citadel manifest of a version this engine reads");
    }
    return new Body(version, in);
  }
}

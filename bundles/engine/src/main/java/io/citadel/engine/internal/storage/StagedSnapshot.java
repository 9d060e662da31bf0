package io.citadel.engine.internal.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot's consistent point staged beside the store's tables ({@link Store#stageSnapshot}), to
 * copy out while writes go on; closing it removes the staging folder.
 */
public final class StagedSnapshot implements AutoCloseable {
  private final Path staging;

  StagedSnapshot(Path staging) {
    this.staging = staging;
  }

  /**
   * Copies the staged snapshot into {@code target} (an empty or absent folder), linked where it is
   * on the same file system, every file and folder forced: whoever renames the snapshot into place
   * counts on all of it being on the device.
   */
  public void copyTo(Path target) throws IOException {
    Snapshots.copy(staging, target);
  }

  @Override
  public void close() throws IOException {
    Snapshots.deleteTree(staging);
  }
}

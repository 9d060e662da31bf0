package io.citadel.centralconfig.internal;

import java.time.Instant;
import java.util.List;

/**
 * What one pull did.
 *
 * @param at when it ran
 * @param store where it read from
 * @param host the node's name it looked under ({@code nodes/<host>/})
 * @param files each file it considered
 * @param problem why the store could not be read at all, else empty
 */
public record PullReport(
    Instant at, String store, String host, List<FileResult> files, String problem) {

  /** What became of one file. */
  public enum Outcome {
    /** The local copy was replaced (or made). */
    INSTALLED,
    /** The local copy already says the same. */
    UNCHANGED,
    /** It failed validation; the local copy stays. */
    REJECTED,
    /** It is not safe to read (a link out of the store); the local copy stays. */
    REFUSED,
    /** It changed a moment ago and may still be being written; a later pull looks again. */
    PENDING,
    /** It is gone from the store and the local copy this puller installed was removed. */
    REMOVED,
    /** It is gone from the store; the local copy was left in place. */
    LEFT,
    /** It could not be written here. */
    FAILED;

    boolean isAlarm() {
      return this == REJECTED || this == REFUSED || this == FAILED;
    }
  }

  /**
   * One file.
   *
   * @param path its path relative to {@code etc/}
   * @param source the scope it came from: {@code default} or {@code nodes/<host>}
   * @param checksum the first 16 hex digits of its SHA-256, empty when not read
   * @param outcome what became of it
   * @param detail why, for anything but installed and unchanged
   */
  public record FileResult(
      String path, String source, String checksum, Outcome outcome, String detail) {}

  public long count(Outcome outcome) {
    return files.stream().filter(f -> f.outcome() == outcome).count();
  }

  public boolean pending() {
    return count(Outcome.PENDING) > 0;
  }
}

package io.citadel.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes over the engine's state-changing statements. While one is registered as an OSGi service,
 * every DDL, INSERT, UPDATE, DELETE and COPY FROM that a client of this engine runs goes to {@link
 * #submit} instead of being run here directly; the answer the client sees is the outcome returned.
 * A replication service implements it: it appends the statement to the group's log and answers once
 * this member has applied it through {@link Database#apply}.
 */
@ConsumerType
public interface WriteRouter {

  /**
   * Runs a statement through the log.
   *
   * @param statement the statement, with the clock and user it runs with everywhere
   * @return its outcome on this member, once applied here
   * @throws WriteRefusedException when it could not be logged (nothing changed anywhere)
   */
  Outcome submit(LoggedStatement statement);

  /**
   * Where a member stages the rows a client sends with {@code COPY ... FROM STDIN}, so that every
   * member can load the same rows: a folder on storage the whole group shares. The engine writes
   * the rows to a new file there and submits a COPY FROM that file. Empty when the group has no
   * such storage, and the engine then refuses COPY FROM STDIN.
   *
   * @return the folder, which the engine creates if missing
   */
  default java.util.Optional<java.nio.file.Path> stagingFolder() {
    return java.util.Optional.empty();
  }
}

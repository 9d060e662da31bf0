package io.citadel.engine.api;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The engine's database as the services beside it see it, registered while the engine is open.
 *
 * <p>A replication service applies the statements of an HA group's log here, one at a time and in
 * order. Each statement's offset is stored durably in the same write as the data it changed, so
 * after a crash {@link #appliedOffset} says exactly where to resume: a statement is never lost and
 * never applied twice.
 */
@ProviderType
public interface Database {

  /** Whether {@code sql} changes state and so travels through a log (DDL, DML, COPY FROM). */
  boolean changesState(String sql);

  /**
   * The server-side file a {@code COPY ... FROM '<file>'} reads.
   *
   * @return the file as written in the statement, or empty when {@code sql} is not a COPY FROM of a
   *     file
   */
  Optional<Path> copySource(String sql);

  /**
   * The last offset of {@code log} applied to this database, or -1 when none was.
   *
   * @param log the log's name, e.g. the HA group
   */
  long appliedOffset(String log);

  /**
   * What the log's reader stored with the last offset of {@code log} applied here (see {@link
   * #apply}), or "" when nothing was. The database keeps it without reading it: the HA group's
   * member records there which log it follows and the history it applied, to find out when the log
   * it reads is no longer that one.
   */
  String appliedMark(String log);

  /**
   * Applies one statement of {@code log}. Statement failures do not throw: they are recorded at
   * their offset like successes, so every member fails the same statement the same way and moves
   * on.
   *
   * @param log the log's name
   * @param offset its offset in the log; must be greater than {@link #appliedOffset}
   * @param mark stored with the offset in the same durable write, answered by {@link #appliedMark}
   * @param statement the statement
   * @return how it ended here
   * @throws IllegalStateException when the database is closed or the offset was applied already
   */
  Outcome apply(String log, long offset, String mark, LoggedStatement statement);

  /**
   * Runs {@code work} as one group commit: the {@link #apply applies} and {@link #skip skips} it
   * makes on the calling thread are written as they go and forced to the device once, when it
   * returns, instead of once each. Nothing applied inside may be acknowledged before this returns.
   * A crash inside keeps a prefix of them, offsets included, so {@link #appliedOffset} still says
   * exactly where to resume.
   *
   * @return what {@code work} answered
   */
  <T> T groupCommit(Supplier<T> work);

  /**
   * Records that {@code offset} of {@code log} was skipped (e.g. refused on every member before it
   * ran), durably, with {@code mark} as {@link #apply} stores it and the given failure as its
   * outcome.
   */
  Outcome skip(String log, long offset, String mark, Outcome failure);

  /**
   * Writes a consistent copy of the database into {@code target} (an empty or absent folder), as of
   * the offsets applied now, and answers the offset of {@code log} it holds.
   */
  long snapshot(String log, Path target);

  /**
   * Replaces this database by a snapshot written with {@link #snapshot}; clients are disconnected
   * while it happens. Used by a member that must bootstrap because the log no longer reaches back
   * to its applied offset.
   */
  void restore(Path snapshot);

  /**
   * Marks this database as a member of {@code group}, durably; an empty name clears the mark. While
   * marked and no {@link WriteRouter} is registered, the engine refuses state-changing statements
   * rather than run them where no other member would see them.
   */
  void setGroup(String group);

  /** The group this database is marked a member of, or "". */
  String group();

  /**
   * Where clients reach this database now, host:port: {@code "pg"} for the PostgreSQL protocol and
   * {@code "http"} for {@code POST /sql} (absent while turned off). Empty while it is not
   * listening.
   */
  java.util.Map<String, String> endpoints();
}

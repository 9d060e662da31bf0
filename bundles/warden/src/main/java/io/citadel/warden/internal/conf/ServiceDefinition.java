package io.citadel.warden.internal.conf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One service as its {@code warden.<name>.conf} file describes it, validated.
 *
 * @param file the file it comes from
 * @param triplet its name, count and dependencies
 * @param bundle the bundle to run, a symbolic name or a {@code mvn:} location; empty for a child
 *     process
 * @param startCommand the command that starts the child process; empty for a bundle
 * @param stopCommand the command that stops it; empty to send SIGTERM
 * @param monitorCommand a command whose failure means the process is unhealthy; empty for none
 * @param heap the memory sizing
 * @param retries restarts allowed within {@code retryIntervalSec} before it is marked failed
 * @param retryIntervalSec the retry window, and the wait before trying a failed service again
 * @param port the port it listens on
 * @param dependsLocal whether its dependencies must run on this node rather than anywhere
 * @param env environment variables for a child process
 */
public record ServiceDefinition(
    Path file,
    Triplet triplet,
    Optional<String> bundle,
    Optional<String> startCommand,
    Optional<String> stopCommand,
    Optional<String> monitorCommand,
    HeapSize heap,
    int retries,
    int retryIntervalSec,
    OptionalInt port,
    boolean dependsLocal,
    Map<String, String> env) {

  public ServiceDefinition {
    env = Map.copyOf(env);
  }

  public String name() {
    return triplet.service();
  }

  public List<String> dependencies() {
    return triplet.dependencies();
  }

  /** Whether it runs as a child process rather than as a bundle. */
  public boolean isProcess() {
    return bundle.isEmpty();
  }

  /**
   * How much memory a service gets: {@code max(min, min(max, total * percent / 100))} MiB.
   *
   * @param percent share of the memory left after the OS reservation
   * @param minMb floor in MiB
   * @param maxMb ceiling in MiB
   */
  public record HeapSize(double percent, long minMb, long maxMb) {

    public static final HeapSize NONE = new HeapSize(0, 0, 0);

    /** The budget in MiB out of {@code availableMb}. */
    public long budgetMb(long availableMb) {
      long share = (long) Math.floor(availableMb * percent / 100.0);
      return Math.max(minMb, Math.min(maxMb, share));
    }
  }
}

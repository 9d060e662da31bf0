package io.citadel.warden.internal;

import io.citadel.warden.internal.conf.ServiceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service that is a child process. The process gets its memory budget as {@code -Xmx}
 * (through {@code JAVA_TOOL_OPTIONS}, and as {@code CITADEL_HEAP_OPTS} / {@code CITADEL_HEAP_MB}
 * for scripts that pass their own options; {@code CITADEL_JAVA} names Karaf's own java), its output
 * goes to {@code data/log/<service>.out}, and its pid to {@code data/warden/<service>.pid} so that
 * a Warden restarted after a crash finds the child its previous run left: one whose monitor command
 * passes is adopted, still serving (a broker that outlived its node's Karaf goes on leading its
 * partitions instead of being stopped and started again); any other is stopped before a new one
 * starts.
 */
final class ProcessRunner implements ServiceRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(15);
  private static final Duration MONITOR_TIMEOUT = Duration.ofSeconds(10);

  private final ServiceDefinition definition;
  private final Path workDir;
  private final Path logFile;
  private final Path pidFile;
  private final Duration monitorInterval;

  /** The running child: one this runner started ({@link #process} set) or one it adopted. */
  private ProcessHandle handle;

  private Process process;
  private Instant lastMonitor = Instant.EPOCH;
  private Health lastMonitorResult = Health.running();

  /**
   * Whether the monitor command has passed since the start. Until it has, the service is starting
   * (a broker formatting its storage, a server opening its port), its monitor runs every second,
   * and a failing monitor is not yet a failure: the Warden's start timeout bounds the wait.
   */
  private boolean monitorPassed;

  /** Where a claimed service's lease ends, for its guard; null for a service every node runs. */
  private final Path leaseFile;

  /**
   * For a claimed service, its claim's fencing token (see {@link Claim#token}), given to the
   * process as {@code CITADEL_FENCING_TOKEN} to send with its writes; 0 for a service every node
   * runs.
   */
  private final long fencingToken;

  ProcessRunner(
      ServiceDefinition definition,
      Path home,
      Path data,
      Duration monitorInterval,
      Path leaseFile,
      long fencingToken) {
    this.definition = definition;
    this.workDir = home;
    this.logFile = data.resolve("log").resolve(definition.name() + ".out");
    this.pidFile = data.resolve("warden").resolve(definition.name() + ".pid");
    this.monitorInterval = monitorInterval;
    this.leaseFile = leaseFile;
    this.fencingToken = fencingToken;
  }

  /** The lease file of a claimed service named {@code service}. */
  static Path leaseFile(Path data, String service) {
    return data.resolve("warden").resolve(service + ".lease");
  }

  /**
   * How the start command runs: as it is, or, for a claimed service, under the lease guard (see
   * {@link Lease}), which is written next to the pid files from this bundle.
   */
  private List<String> launch() throws IOException {
    String command = definition.startCommand().orElseThrow();
    if (leaseFile == null) {
      return List.of("/bin/sh", "-c", command);
    }
    Path guard = pidFile.resolveSibling("lease-guard.sh");
    try (InputStream in = ProcessRunner.class.getResourceAsStream("lease-guard.sh")) {
      if (in == null) {
        throw new IOException("lease-guard.sh is missing from the Warden's bundle");
      }
      Path part = guard.resolveSibling("lease-guard.sh.part");
      Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
      Files.move(part, guard, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return List.of("/bin/sh", guard.toString(), leaseFile.toString(), command);
  }

  @Override
  public void start(long memoryMb, int port) throws IOException {
    Optional<ProcessHandle> orphan = orphan();
    if (orphan.isPresent()) {
      Optional<String> monitor = definition.monitorCommand();
      if (monitor.isPresent() && runMonitor(monitor.get()).state() == InstanceState.RUNNING) {
        LOG.info(
            "{}: adopting process {} left by a previous run: its monitor command passes (its memory"
                + " stays what it was started with until it restarts)",
            definition.name(),
            orphan.get().pid());
        handle = orphan.get();
        process = null;
        lastMonitor = Instant.now();
        monitorPassed = true;
        lastMonitorResult = Health.running();
        return;
      }
      LOG.warn(
          "{}: stopping orphan process {} left by a previous run",
          definition.name(),
          orphan.get().pid());
      terminate(orphan.get());
    }
    Files.deleteIfExists(pidFile);
    Files.createDirectories(logFile.getParent());
    Files.createDirectories(pidFile.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(launch())
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = builder.environment();
    env.putAll(definition.env());
    env.put("CITADEL_SERVICE", definition.name());
    // The JVM Karaf runs on, for services that are Java programs themselves.
    env.put("CITADEL_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (memoryMb > 0) {
      String heap = "-Xmx" + memoryMb + "m";
      env.put("CITADEL_HEAP_MB", Long.toString(memoryMb));
      env.put("CITADEL_HEAP_OPTS", heap);
      String tool = env.getOrDefault("JAVA_TOOL_OPTIONS", "");
      env.put("JAVA_TOOL_OPTIONS", (tool + " " + heap).strip());
    }
    if (port > 0) {
      env.put("CITADEL_PORT", Integer.toString(port));
    }
    if (fencingToken > 0) {
      env.put("CITADEL_FENCING_TOKEN", Long.toString(fencingToken));
    }
    process = builder.start();
    handle = process.toHandle();
    Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
    lastMonitor = Instant.now();
    monitorPassed = definition.monitorCommand().isEmpty();
    lastMonitorResult =
        monitorPassed
            ? Health.running()
            : Health.starting("waiting for the monitor command to pass");
  }

  @Override
  public Health health() {
    if (handle == null) {
      return Health.failed("not started");
    }
    if (!handle.isAlive()) {
      return Health.failed(
          process == null
              ? "adopted process " + handle.pid() + " exited"
              : "process " + process.pid() + " exited with " + process.exitValue());
    }
    Optional<String> monitor = definition.monitorCommand();
    Duration every = monitorPassed ? monitorInterval : Duration.ofSeconds(1);
    if (monitor.isPresent() && Instant.now().isAfter(lastMonitor.plus(every))) {
      lastMonitor = Instant.now();
      Health h = runMonitor(monitor.get());
      if (h.state() == InstanceState.RUNNING) {
        monitorPassed = true;
      } else if (!monitorPassed) {
        h = Health.starting(h.detail());
      }
      lastMonitorResult = h;
    }
    return lastMonitorResult;
  }

  private Health runMonitor(String command) {
    try {
      Process check = shell(command);
      if (!check.waitFor(MONITOR_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        check.destroyForcibly();
        return Health.failed(
            "monitor command timed out after " + MONITOR_TIMEOUT.toSeconds() + " s");
      }
      return check.exitValue() == 0
          ? Health.running()
          : Health.failed("monitor command exited with " + check.exitValue());
    } catch (IOException e) {
      return Health.failed("monitor command cannot run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return lastMonitorResult;
    }
  }

  @Override
  public void stop() {
    if (handle == null) {
      return;
    }
    ProcessHandle running = handle;
    definition
        .stopCommand()
        .ifPresent(
            command -> {
              try {
                Process stop = shell(command);
                if (!stop.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                  stop.destroyForcibly();
                }
              } catch (IOException e) {
                LOG.warn("{}: stop command failed: {}", definition.name(), e.getMessage());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    terminate(running);
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      LOG.debug("cannot delete {}", pidFile, e);
    }
    process = null;
    handle = null;
  }

  /** Runs a short command of the service (monitor, stop) with its output in the service's log. */
  private Process shell(String command) throws IOException {
    return new ProcessBuilder("/bin/sh", "-c", command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
  }

  /** SIGTERM the process and its descendants, SIGKILL what is left after a bound. */
  private static void terminate(ProcessHandle handle) {
    handle.descendants().forEach(ProcessHandle::destroy);
    handle.destroy();
    try {
      handle.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception timeout) {
      handle.descendants().forEach(ProcessHandle::destroyForcibly);
      handle.destroyForcibly();
    }
  }

  /** The child a Warden that died left, named by its pid file, if it still runs. */
  private Optional<ProcessHandle> orphan() {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      // The pid file is written just after the child starts: a live process with that pid that
      // started no later is the child a killed Karaf left (a start command that execs, like the
      // Kafka broker's, is no longer "sh"); one that started after it is a stranger reusing the
      // pid.
      Instant written = Files.getLastModifiedTime(pidFile).toInstant();
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              p ->
                  p.info()
                      .startInstant()
                      .map(started -> !started.isAfter(written.plusSeconds(2)))
                      .orElse(false));
    } catch (IOException | NumberFormatException e) {
      LOG.debug("{}: unreadable pid file {}", definition.name(), pidFile, e);
      return Optional.empty();
    }
  }

  @Override
  public String describe() {
    return handle == null
        ? "process (not running)"
        : "pid " + handle.pid() + (process == null ? " (adopted)" : "");
  }
}

package io.citadel.warden.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.warden.internal.conf.ConfFile;
import io.citadel.warden.internal.conf.ConfParser;
import io.citadel.warden.internal.conf.ServiceDefinition;
import io.citadel.warden.internal.conf.WardenSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child process left by a Karaf killed with kill -9 is stopped before its service starts again.
 */
class ProcessRunnerTest {
  @TempDir Path home;

  private static ServiceDefinition definition(String start) {
    return definition(start, null);
  }

  private static ServiceDefinition definition(String start, String monitor) {
    ConfFile file =
        ConfFile.parse(
            Path.of("warden.x.conf"),
            "services=x:all:\nservice.command.start="
                + start
                + "\n"
                + (monitor == null ? "" : "service.command.monitorcommand=" + monitor + "\n"));
    return ConfParser.service(file, WardenSettings.DEFAULTS).value().orElseThrow();
  }

  /** A runner of a service every node runs, whose monitor passes while {@code ok} exists. */
  private ProcessRunner monitored(Path data, Path ok) {
    return new ProcessRunner(
        definition("exec sleep 300", "test -f " + ok), home, data, Duration.ofSeconds(5), null, 0);
  }

  /**
   * A child that outlived its Warden and still passes its monitor is adopted, not restarted (a
   * broker that survived its node's Karaf keeps serving); one that fails its monitor is stopped and
   * started anew.
   */
  @Test
  void aHealthyOrphanIsAdoptedAndAnUnhealthyOneReplaced() throws Exception {
    Path data = home.resolve("data");
    Path ok = home.resolve("ok");
    ProcessRunner first = monitored(data, ok);
    first.start(0, 0);
    long pid = Long.parseLong(first.describe().replaceAll("\\D", ""));
    ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
    Files.writeString(ok, "");
    // the Warden died: a new one, on the same folders, finds the child
    ProcessRunner second = monitored(data, ok);
    try {
      second.start(0, 0);
      assertEquals("pid " + pid + " (adopted)", second.describe());
      assertEquals(InstanceState.RUNNING, second.health().state());
      assertTrue(child.isAlive());
      // it dies again, and this time its monitor fails: stopped, and a new one started
      Files.delete(ok);
      ProcessRunner third = monitored(data, ok);
      try {
        third.start(0, 0);
        assertTrue(child.onExit().isDone() || waitExit(child), "the unhealthy orphan was stopped");
        assertTrue(third.describe().startsWith("pid "), third.describe());
        assertFalse(third.describe().contains("adopted"), third.describe());
      } finally {
        third.stop();
      }
    } finally {
      second.stop();
      child.destroyForcibly();
    }
  }

  private static boolean waitExit(ProcessHandle p) throws Exception {
    try {
      p.onExit().get(20, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  /** A claimed service's process is given its claim's fencing token, to send with its writes. */
  @Test
  void aClaimedProcessIsGivenItsFencingToken() throws Exception {
    Path data = home.resolve("data");
    Path out = home.resolve("token.txt");
    ProcessRunner runner =
        new ProcessRunner(
            definition("printenv CITADEL_FENCING_TOKEN > " + out + "; exec sleep 300"),
            home,
            data,
            Duration.ofSeconds(5),
            null,
            4711);
    try {
      runner.start(0, 0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!(Files.exists(out) && Files.readString(out).endsWith("\n"))) {
        assertTrue(System.nanoTime() < deadline, "the process wrote no token");
        Thread.sleep(50);
      }
      assertEquals("4711", Files.readString(out).strip());
    } finally {
      runner.stop();
    }
  }

  @Test
  void anOrphanThatExecedIsStoppedAndAStrangerWithItsPidIsNot() throws Exception {
    Path data = home.resolve("data");
    Path pidFile = data.resolve("warden").resolve("x.pid");
    Files.createDirectories(pidFile.getParent());
    // the orphan: a child that exec'd into another program (no longer "sh"), pid file after it
    Process orphan = new ProcessBuilder("sleep", "300").start();
    Files.writeString(pidFile, Long.toString(orphan.pid()));
    ProcessRunner runner =
        new ProcessRunner(definition("exec sleep 300"), home, data, Duration.ofSeconds(5), null, 0);
    try {
      runner.start(0, 0);
      assertTrue(orphan.waitFor(20, TimeUnit.SECONDS), "the orphan was stopped");
    } finally {
      runner.stop();
      orphan.destroyForcibly();
    }
    // a process that started after the pid file was written is someone else's
    Files.writeString(pidFile, "1");
    Files.setLastModifiedTime(
        pidFile, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
    Process stranger = new ProcessBuilder("sleep", "300").start();
    Files.writeString(pidFile, Long.toString(stranger.pid()));
    Files.setLastModifiedTime(
        pidFile, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
    ProcessRunner again =
        new ProcessRunner(definition("exec sleep 300"), home, data, Duration.ofSeconds(5), null, 0);
    try {
      again.start(0, 0);
      assertFalse(stranger.waitFor(2, TimeUnit.SECONDS), "a stranger is left alone");
    } finally {
      again.stop();
      stranger.destroyForcibly();
    }
  }

  /**
   * A claimed service runs under its lease guard, a process apart from the JVM: while the lease is
   * renewed the service runs; once its end passes without a renewal (a Warden frozen or cut off),
   * the guard kills the service's whole process group by itself.
   */
  @Test
  void aGuardedServiceIsKilledByItsGuardWhenItsLeaseRunsOutAndRunsWhileItIsRenewed()
      throws Exception {
    Path data = home.resolve("data");
    Path lease = ProcessRunner.leaseFile(data, "x");
    Files.createDirectories(lease.getParent());
    Files.writeString(lease, (Uptime.centis() + 150) + "\n");
    // not exec'd: the shell's own child must go with it
    ProcessRunner runner =
        new ProcessRunner(
            definition("sleep 300; echo after"), home, data, Duration.ofSeconds(5), lease, 0);
    try {
      runner.start(0, 0);
      ProcessHandle guard =
          ProcessHandle.of(Long.parseLong(runner.describe().replaceAll("\\D", ""))).orElseThrow();
      long until = Uptime.centis() + 150;
      // renewed for 3 s: it runs on
      for (int i = 0; i < 15; i++) {
        until = Uptime.centis() + 150;
        Files.writeString(lease, until + "\n");
        Thread.sleep(200);
        assertTrue(guard.isAlive(), "renewed, yet stopped after " + i * 200 + " ms");
      }
      java.util.List<ProcessHandle> service = guard.descendants().toList();
      assertFalse(service.isEmpty());
      long stoppedRenewing = System.nanoTime();
      assertTrue(waitExit(guard), "the guard ended when the lease ran out");
      long tookMs = (System.nanoTime() - stoppedRenewing) / 1_000_000;
      assertTrue(
          tookMs >= 1_000 && tookMs < 3_000, "killed " + tookMs + " ms after the last renewal");
      for (ProcessHandle p : service) {
        assertTrue(waitExit(p), "the service's process " + p.pid() + " is gone with its group");
      }
      assertEquals(InstanceState.FAILED, runner.health().state());
      assertTrue(
          Files.readString(data.resolve("log").resolve("x.out")).contains("ran out"),
          "the guard says why in the service's log");
    } finally {
      runner.stop();
    }
  }
}

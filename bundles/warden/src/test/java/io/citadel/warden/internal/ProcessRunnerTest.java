package io.citadel.warden.internal;

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
    ConfFile file =
        ConfFile.parse(
            Path.of("warden.x.conf"), "services=x:all:\nservice.command.start=" + start + "\n");
    return ConfParser.service(file, WardenSettings.DEFAULTS).value().orElseThrow();
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
        new ProcessRunner(definition("exec sleep 300"), home, data, Duration.ofSeconds(5));
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
        new ProcessRunner(definition("exec sleep 300"), home, data, Duration.ofSeconds(5));
    try {
      again.start(0, 0);
      assertFalse(stranger.waitFor(2, TimeUnit.SECONDS), "a stranger is left alone");
    } finally {
      again.stop();
      stranger.destroyForcibly();
    }
  }
}

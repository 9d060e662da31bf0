package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.citadel.coordination.Coordination;
import io.citadel.itests.failing.ThrowingActivator;
import io.citadel.itests.failing.ThrowingComponent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** The Warden in the real distribution, driven through etc/conf.d/ and the console. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WardenIT extends CitadelTestSupport {

  /** One row of warden:list: state, what runs, restarts, detail. */
  private record Row(String state, String runs, int restarts, String detail) {}

  @Test
  public void theExampleServiceRunsUnderTheWarden() throws Exception {
    await("hoststats running", () -> "running".equals(row("hoststats").state()));
    Coordination coordination = awaitService(Coordination.class, null);
    String list = executeCommand("warden:cluster");
    assertTrue(list, list.contains("hoststats"));
    assertTrue(
        coordination
                .curator()
                .checkExists()
                .forPath(coordination.clusterPath("services", "hoststats", hostName()))
            != null);
    String memory = executeCommand("warden:memory");
    assertTrue(memory, memory.contains("OS reservation"));
    assertTrue(memory, memory.contains("hoststats"));
  }

  @Test
  public void aDroppedFileStartsItsServiceAfterItsDependencies() throws Exception {
    try {
      // A dependency no file describes yet is a mistake, named with file, line and key.
      dropConf("second", "services=second:all:first", "service.command.start=exec sleep 600");
      await(
          "second's unknown dependency is reported",
          () ->
              executeCommand("warden:list")
                  .contains("depends on 'first', which no file describes"));

      dropConf("first", "services=first:all:coordination", "service.command.start=exec sleep 600");
      await("first running", () -> "running".equals(stateOf("first")));
      await("second running", () -> "running".equals(stateOf("second")));
      String log = Files.readString(Path.of(System.getProperty("karaf.data"), "log", "karaf.log"));
      int first = log.lastIndexOf("Warden: started first");
      int second = log.lastIndexOf("Warden: started second");
      assertTrue("both started", first >= 0 && second >= 0);
      assertTrue("first started before second", first < second);
    } finally {
      removeConf("first");
    }
    // first's file is gone: second, which depends on it, stops first, then first.
    await("first and second stopped", () -> row("first") == null && row("second") == null);
    String log = Files.readString(Path.of(System.getProperty("karaf.data"), "log", "karaf.log"));
    assertTrue(
        "second stopped before first",
        log.lastIndexOf("Warden: stopped second") < log.lastIndexOf("Warden: stopped first"));
    removeConf("second");
  }

  @Test
  public void aBundleThatFailsToStartIsRetriedThenMarkedFailed() throws Exception {
    Bundle failing =
        bundleContext.installBundle("itest:failing", failingBundle("io.citadel.itests.failing"));
    try {
      dropConf(
          "failing",
          "services=failing:all:",
          "service.bundle=io.citadel.itests.failing",
          "service.retries=2",
          "service.retryinterval.time.sec=300");
      await("failing marked failed", () -> "failed".equals(stateOf("failing")));
      Row row = row("failing");
      assertEquals(3, row.restarts());
      assertTrue(row.detail(), row.detail().contains("failed 3 times within 300 s"));
      assertTrue(row.detail(), row.detail().contains("this bundle always fails to start"));
      // No retry before the interval: it stays failed, with 3 restarts, pass after pass.
      Conditions.holdsFor(
          "failing stays failed with 3 restarts",
          Duration.ofSeconds(2),
          () -> row("failing"),
          seen -> seen != null && "failed".equals(seen.state()) && seen.restarts() == 3);
    } finally {
      removeConf("failing");
      await("failing gone", () -> row("failing") == null);
      failing.uninstall();
    }
  }

  @Test
  public void aComponentThatThrowsInActivateIsRetriedThenMarkedFailed() throws Exception {
    Bundle failing =
        bundleContext.installBundle(
            "itest:failing-component",
            failingComponentBundle("io.citadel.itests.failingcomponent"));
    try {
      dropConf(
          "failingcomponent",
          "services=failingcomponent:all:",
          "service.bundle=io.citadel.itests.failingcomponent",
          "service.retries=2",
          "service.retryinterval.time.sec=300");
      await("failingcomponent marked failed", () -> "failed".equals(stateOf("failingcomponent")));
      Row row = row("failingcomponent");
      assertEquals(3, row.restarts());
      assertTrue(row.detail(), row.detail().contains("failed to activate"));
      assertTrue(row.detail(), row.detail().contains("failed 3 times within 300 s"));
    } finally {
      removeConf("failingcomponent");
      await("failingcomponent gone", () -> row("failingcomponent") == null);
      failing.uninstall();
    }
  }

  @Test
  public void aChildProcessKilledWithKill9IsRestarted() throws Exception {
    try {
      dropConf("sleeper", "services=sleeper:all:", "service.command.start=exec sleep 600");
      await("sleeper running", () -> "running".equals(stateOf("sleeper")));
      long pid = pidOf("sleeper");
      ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
      process.destroyForcibly(); // SIGKILL
      process.onExit().get();
      await(
          "sleeper restarted",
          () -> row("sleeper").restarts() == 1 && "running".equals(stateOf("sleeper")));
      long again = pidOf("sleeper");
      assertNotEquals(pid, again);
      assertTrue(ProcessHandle.of(again).map(ProcessHandle::isAlive).orElse(false));
    } finally {
      removeConf("sleeper");
    }
    await("sleeper gone", () -> row("sleeper") == null);
  }

  @Test
  public void aBadFileIsReportedWithFileLineAndKeyAndDisturbsNothing() throws Exception {
    await("hoststats running", () -> "running".equals(stateOf("hoststats")));
    String before = row("hoststats").runs();
    try {
      dropConf(
          "broken",
          "services=broken:all:coordination",
          "service.bundle=a.b",
          "service.heapsize.percent=140");
      await(
          "the problem is listed",
          () -> executeCommand("warden:list").contains("'140' is outside 0-100"));
      String list = executeCommand("warden:list --no-format");
      assertTrue(list, list.contains("warden.broken.conf"));
      assertTrue(list, list.contains("service.heapsize.percent"));
      assertEquals(before, row("hoststats").runs());
      assertEquals("running", stateOf("hoststats"));
    } finally {
      removeConf("broken");
    }
  }

  // ------------------------------------------------------------------ helpers

  private static void dropConf(String service, String... lines) throws IOException {
    Path file = etc("conf.d").resolve("warden." + service + ".conf");
    Path temporary = file.resolveSibling("." + service + ".tmp");
    Files.write(temporary, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static void removeConf(String service) throws IOException {
    Files.deleteIfExists(etc("conf.d").resolve("warden." + service + ".conf"));
  }

  private String stateOf(String service) throws Exception {
    Row row = row(service);
    return row == null ? null : row.state();
  }

  /** The service's row in warden:list, or null when the Warden does not list it. */
  private Row row(String service) throws Exception {
    Map<String, Row> rows = new HashMap<>();
    for (String line : executeCommand("warden:list --no-format").split("\n")) {
      String[] cells = line.split("\t");
      if (cells.length >= 7 && !cells[0].trim().equals("Service") && !cells[0].contains("/")) {
        String detail = cells.length > 7 ? cells[7].trim() : "";
        int restarts;
        try {
          restarts = Integer.parseInt(cells[4].trim());
        } catch (NumberFormatException notAServiceRow) {
          continue;
        }
        rows.put(cells[0].trim(), new Row(cells[1].trim(), cells[2].trim(), restarts, detail));
      }
    }
    return rows.get(service);
  }

  private static long pidOf(String service) throws IOException {
    Path file = Path.of(System.getProperty("karaf.data"), "warden", service + ".pid");
    return Long.parseLong(Files.readString(file).trim());
  }

  private static String hostName() throws IOException {
    return java.net.InetAddress.getLocalHost().getHostName();
  }

  /** A bundle whose activator throws, assembled from the probe's own copy of the class. */
  private static InputStream failingBundle(String symbolicName) throws IOException {
    Manifest manifest = manifest(symbolicName);
    manifest.getMainAttributes().putValue("Bundle-Activator", ThrowingActivator.class.getName());
    manifest.getMainAttributes().putValue("Import-Package", "org.osgi.framework");
    return jar(
        manifest, Map.of(classEntry(ThrowingActivator.class), classBytes(ThrowingActivator.class)));
  }

  /** A bundle with one DS component whose activate method throws. */
  private static InputStream failingComponentBundle(String symbolicName) throws IOException {
    Manifest manifest = manifest(symbolicName);
    manifest.getMainAttributes().putValue("Service-Component", "OSGI-INF/throwing.xml");
    String component =
        "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"throwing\""
            + " immediate=\"true\" activate=\"activate\"><implementation class=\""
            + ThrowingComponent.class.getName()
            + "\"/></scr:component>";
    return jar(
        manifest,
        Map.of(
            classEntry(ThrowingComponent.class),
            classBytes(ThrowingComponent.class),
            "OSGI-INF/throwing.xml",
            component.getBytes(StandardCharsets.UTF_8)));
  }

  private static Manifest manifest(String symbolicName) {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Bundle-ManifestVersion", "2");
    main.putValue("Bundle-SymbolicName", symbolicName);
    main.putValue("Bundle-Version", "1.0.0");
    return manifest;
  }

  private static String classEntry(Class<?> type) {
    return type.getName().replace('.', '/') + ".class";
  }

  private static byte[] classBytes(Class<?> type) throws IOException {
    try (InputStream in = type.getClassLoader().getResourceAsStream(classEntry(type))) {
      return in.readAllBytes();
    }
  }

  private static InputStream jar(Manifest manifest, Map<String, byte[]> entries)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        jar.putNextEntry(new JarEntry(entry.getKey()));
        jar.write(entry.getValue());
        jar.closeEntry();
      }
    }
    return new ByteArrayInputStream(bytes.toByteArray());
  }
}

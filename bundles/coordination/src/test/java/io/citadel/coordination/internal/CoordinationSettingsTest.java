package io.citadel.coordination.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoordinationSettingsTest {

  private static final Path DATA = Path.of("/var/citadel/data/zookeeper");

  @Test
  void defaultsRunTheEmbeddedServerOnLoopback() throws Exception {
    CoordinationSettings s = CoordinationSettings.parse(Map.of(), DATA);
    assertTrue(s.embedded());
    assertEquals("127.0.0.1:2181", s.effectiveConnect());
    assertEquals("citadel", s.clusterName());
    assertEquals(CoordinationSettings.DEFAULT_SESSION_TIMEOUT_MS, s.sessionTimeoutMs());
    assertEquals(DATA, s.embeddedDataDir());
  }

  @Test
  void aConnectStringTurnsTheEmbeddedServerOff() throws Exception {
    CoordinationSettings s =
        CoordinationSettings.parse(
            Map.of("zookeeper.connect", "zk1:2181,zk2:2181,[::1]:2182/citadel/prod"), DATA);
    assertFalse(s.embedded());
    assertEquals("zk1:2181,zk2:2181,[::1]:2182/citadel/prod", s.effectiveConnect());
  }

  @Test
  void typedValuesAreAccepted() throws Exception {
    CoordinationSettings s =
        CoordinationSettings.parse(
            Map.of("session.timeout.ms", 9000, "embedded.port", 21810L, "embedded", "TRUE"), DATA);
    assertEquals(9000, s.sessionTimeoutMs());
    assertEquals(21810, s.embeddedPort());
  }

  @Test
  void aNonNumericTimeoutNamesTheKeyAndTheValue() {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> CoordinationSettings.parse(Map.of("session.timeout.ms", "thirty"), DATA));
    assertEquals("session.timeout.ms", e.key());
    assertEquals("thirty", e.value());
    assertEquals("session.timeout.ms=thirty: is not a whole number", e.getMessage());
  }

  @Test
  void anOutOfRangeTimeoutIsRejected() {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> CoordinationSettings.parse(Map.of("session.timeout.ms", "10"), DATA));
    assertTrue(e.getMessage().contains("between 1000 and 600000"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zk1:notaport",
        "zk1:2181,,zk2:2181",
        ":2181",
        "zk1:99999",
        "zk 1:2181",
        "[::1:2181",
        "zk1:2181/bad//chroot",
        "zk1:2181/..",
        "/only-a-chroot"
      })
  void aBadConnectStringIsRejectedWithTheKey(String connect) {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> CoordinationSettings.parse(Map.of("zookeeper.connect", connect), DATA));
    assertEquals("zookeeper.connect", e.key());
    assertEquals(connect, e.value());
  }

  @Test
  void embeddedOffWithoutAnEnsembleIsAnError() {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> CoordinationSettings.parse(Map.of("embedded", "false"), DATA));
    assertEquals("embedded", e.key());
  }

  @Test
  void aBadClusterNameIsRejected() {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> CoordinationSettings.parse(Map.of("cluster.name", "my/cluster"), DATA));
    assertEquals("cluster.name", e.key());
  }

  @Test
  void unknownKeysAreFoundButFrameworkKeysAreNot() {
    Set<String> unknown =
        CoordinationSettings.unknownKeys(
            Map.of(
                "zookeeper.conect", "x",
                "service.pid", "io.citadel.coordination",
                "felix.fileinstall.filename", "file:/etc/io.citadel.coordination.cfg",
                "session.timeout.ms", "5000"));
    assertEquals(Set.of("zookeeper.conect"), unknown);
  }

  @Test
  void savedPropertiesReadBackToTheSameSettings() throws Exception {
    for (Map<String, ?> config :
        java.util.List.<Map<String, ?>>of(
            Map.of(),
            Map.of("zookeeper.connect", "zk1:2181/c", "cluster.name", "prod"),
            Map.of("zookeeper.connect", "127.0.0.1:2181", "embedded", "true"))) {
      CoordinationSettings s = CoordinationSettings.parse(config, DATA);
      assertEquals(s, CoordinationSettings.parse(s.toProperties(), DATA));
    }
  }
}

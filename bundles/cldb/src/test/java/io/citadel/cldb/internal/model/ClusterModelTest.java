package io.citadel.cldb.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The CLDB's model: volumes, container ids, quota accounting, heartbeats, alarms and lookups. */
class ClusterModelTest {

  private final ClusterModel m = new ClusterModel("test", 0.9);

  private static Heartbeat hb(String node, long... idsAndSizes) {
    List<Heartbeat.Report> reports = new ArrayList<>();
    for (int i = 0; i < idsAndSizes.length; i += 2) {
      reports.add(new Heartbeat.Report(idsAndSizes[i], idsAndSizes[i + 1]));
    }
    return new Heartbeat(node, node + ":5432", 1_000_000, 1_000, reports);
  }

  private Set<Alarm.Type> alarmTypes(String subject) {
    return m.alarms().stream()
        .filter(a -> a.subject().equals(subject))
        .map(Alarm::type)
        .collect(Collectors.toSet());
  }

  private static String code(Runnable r) {
    return assertThrows(CldbException.class, r::run).code();
  }

  @Test
  void volumesAreValidatedAndUnique() {
    m.createVolume("sales", 1000, 1, 2, 0);
    assertEquals(CldbException.EXISTS, code(() -> m.createVolume("sales", 0, 1, 1, 0)));
    assertEquals(CldbException.INVALID, code(() -> m.createVolume("Bad Name", 0, 1, 1, 0)));
    assertEquals(CldbException.INVALID, code(() -> m.createVolume("x", -1, 1, 1, 0)));
    assertEquals(CldbException.INVALID, code(() -> m.createVolume("y", 0, 3, 2, 0)));
    assertEquals(CldbException.NOT_FOUND, code(() -> m.usage("nope")));
    assertEquals(
        List.of(ClusterModel.CLUSTER_VOLUME, "sales"),
        m.volumes().stream().map(Volume::name).toList());
    assertEquals(5000, m.setQuota("sales", 5000).quotaBytes());
  }

  @Test
  void theMasterAssignsContainerIdsAfterTheKvstoreContainer() {
    Container kv = m.container(ClusterModel.KVSTORE_CONTAINER);
    assertEquals(ClusterModel.CLUSTER_VOLUME, kv.volume());
    m.createVolume("v", 0, 1, 1, 0);
    assertEquals(2, m.createContainer("v", "t", 0, "n1").id());
    assertEquals(3, m.createContainer("v", "t", 1, "n1").id());
    assertEquals(CldbException.NOT_FOUND, code(() -> m.createContainer("w", "t", 0, "n1")));
    assertEquals(
        CldbException.INVALID, code(() -> m.removeContainer(ClusterModel.KVSTORE_CONTAINER)));
    assertTrue(m.removeContainer(2));
    assertFalse(m.removeContainer(2));
    assertEquals(4, m.createContainer("v", "t", 2, "n1").id());
  }

  @Test
  void everyMemberOfAGroupAskingForAFragmentsContainerGetsTheSameOne() {
    m.createVolume("v", 0, 1, 2, 0);
    Container first = m.createContainer("v", "t", 0, "n1");
    Container again = m.createContainer("v", "t", 0, "n2");
    assertEquals(first.id(), again.id());
    assertEquals(Set.of("n1", "n2"), again.replicas());
    assertEquals(first.id(), m.createContainer("v", "t", 0, "n2").id(), "asked twice: one");
    m.createVolume("w", 0, 1, 1, 0);
    assertTrue(m.createContainer("w", "t", 0, "n1").id() != first.id(), "another volume's table");
    assertTrue(m.createContainer("v", "t", 1, "n1").id() != first.id(), "another fragment");
    assertEquals(3, m.lookup("v/t").size() + m.lookup("w/t").size());
  }

  @Test
  void heartbeatsSayWhoHoldsWhatAndUsageCountsEachContainerOnce() {
    m.createVolume("v", 0, 1, 2, 0);
    long a = m.createContainer("v", "t", 0, "n1").id();
    long b = m.createContainer("v", "t", 1, "n1").id();
    HeartbeatReply r = m.heartbeat(hb("n1", a, 100, b, 50, 999, 7), 0);
    assertEquals(List.of(999L), r.unknownContainers());
    assertEquals(1_000, r.intervalMs());
    m.heartbeat(hb("n2", a, 100), 0);
    assertEquals(Set.of("n1", "n2"), m.container(a).replicas());
    assertEquals(150, m.usage("v"), "two replicas of a container count once");
    // a container grows, another leaves n1
    m.heartbeat(hb("n1", a, 400), 10);
    assertTrue(m.container(b).replicas().isEmpty());
    assertEquals(450, m.usage("v"));
    assertEquals(2, m.nodes().size());
    assertEquals(1, m.nodes().get(0).containers());
  }

  @Test
  void aWritePastTheQuotaIsRefusedAndTheAlarmFollowsTheUsage() {
    m.createVolume("small", 1_000, 1, 1, 0);
    long c = m.createContainer("small", "t", 0, "n1").id();
    m.heartbeat(hb("n1", c, 900), 0);
    m.checkWrite("small", 100);
    CldbException e = assertThrows(CldbException.class, () -> m.checkWrite("small", 101));
    assertEquals(CldbException.QUOTA_EXCEEDED, e.code());
    assertTrue(e.getMessage().contains("small") && e.getMessage().contains("900 of 1000"));
    m.heartbeat(hb("n1", c, 1_200), 100);
    HeartbeatReply over = m.heartbeat(hb("n1", c, 1_200), 200);
    assertEquals(Set.of("small"), over.volumesOverQuota());
    assertEquals(new HeartbeatReply.Space(1_000, 1_200), over.quotas().get("small"));
    m.tick(200);
    assertTrue(alarmTypes("small").contains(Alarm.Type.VOLUME_QUOTA_EXCEEDED));
    m.setQuota("small", 10_000);
    m.tick(300);
    assertFalse(alarmTypes("small").contains(Alarm.Type.VOLUME_QUOTA_EXCEEDED));
    assertTrue(m.heartbeat(hb("n1", c, 1_200), 400).volumesOverQuota().isEmpty());
  }

  @Test
  void aSilentNodeIsUnavailableAfterThreeIntervalsAndItsAlarmsClearWhenItReturns() {
    m.createVolume("v", 0, 1, 1, 0);
    long c = m.createContainer("v", "t", 0, "n1").id();
    m.heartbeat(hb("n1", c, 10), 0);
    m.heartbeat(hb("n2"), 0);
    long interval = ClusterModel.heartbeatIntervalMs(2);
    m.tick(3 * interval);
    assertTrue(m.alarms().isEmpty(), "three intervals late is still on time: " + m.alarms());
    m.heartbeat(hb("n2"), 3 * interval + 1);
    m.tick(3 * interval + 1);
    assertEquals(Set.of(Alarm.Type.NODE_HEARTBEAT_MISSED), alarmTypes("n1"));
    assertEquals(Set.of(Alarm.Type.CONTAINER_UNDER_REPLICATED), alarmTypes("v"));
    assertTrue(alarmTypes("n2").isEmpty());
    assertFalse(m.nodes().get(0).available());
    assertTrue(m.lookup("t").get(0).liveAddresses().isEmpty());
    // it comes back
    m.heartbeat(hb("n1", c, 10), 4 * interval);
    m.tick(4 * interval);
    assertTrue(m.alarms().isEmpty(), m.alarms().toString());
    assertEquals(List.of("n1:5432"), m.lookup("t").get(0).liveAddresses());
  }

  @Test
  void theIntervalGrowsWithTheClusterFromOneSecondToThree() {
    assertEquals(1_000, ClusterModel.heartbeatIntervalMs(1));
    assertEquals(1_000, ClusterModel.heartbeatIntervalMs(10));
    assertEquals(2_000, ClusterModel.heartbeatIntervalMs(505));
    assertEquals(3_000, ClusterModel.heartbeatIntervalMs(1_000));
    assertEquals(3_000, ClusterModel.heartbeatIntervalMs(100_000));
    for (int n = 1; n < 2_000; n++) {
      assertTrue(ClusterModel.heartbeatIntervalMs(n) <= ClusterModel.heartbeatIntervalMs(n + 1));
    }
  }

  @Test
  void aNearlyFullDiskRaisesItsAlarm() {
    m.heartbeat(new Heartbeat("n1", "n1:1", 1_000, 950, List.of()), 0);
    m.tick(0);
    assertEquals(Set.of(Alarm.Type.NODE_DISK_NEARLY_FULL), alarmTypes("n1"));
    m.heartbeat(new Heartbeat("n1", "n1:1", 1_000, 100, List.of()), 10);
    m.tick(10);
    assertTrue(alarmTypes("n1").isEmpty());
  }

  @Test
  void lookupsGoFromATableToTheLiveNodesOfEachFragment() {
    m.createVolume("a", 0, 1, 1, 0);
    m.createVolume("b", 0, 1, 1, 0);
    long f1 = m.createContainer("a", "orders", 1, "n1").id();
    long f0 = m.createContainer("a", "orders", 0, "n2").id();
    long other = m.createContainer("b", "orders", 0, "n1").id();
    m.heartbeat(hb("n1", f1, 1, other, 1), 0);
    m.heartbeat(hb("n2", f0, 1), 0);
    List<Location> l = m.lookup("a/orders");
    assertEquals(List.of(0, 1), l.stream().map(Location::fragment).toList());
    assertEquals(List.of("n2:5432"), l.get(0).liveAddresses());
    assertEquals(List.of("n1:5432"), l.get(1).liveAddresses());
    assertEquals(CldbException.AMBIGUOUS, code(() -> m.lookup("orders")));
    assertEquals(CldbException.NOT_FOUND, code(() -> m.lookup("a/nothing")));
    assertEquals(CldbException.NOT_FOUND, code(() -> m.lookup("c/orders")));
    m.removeContainer(other);
    assertEquals(2, m.lookup("orders").size());
  }

  @Test
  void aNewMasterRaisesTheEpochAndItsAlarmClearsAfterAWhile() {
    m.heartbeat(hb("n1"), 0);
    m.masterChanged("host-b", 2, 100_000);
    assertEquals(2, m.epoch());
    assertEquals(CldbException.INVALID, code(() -> m.masterChanged("host-c", 2, 100_001)));
    // every node gets a full grace period from the change
    m.tick(100_000 + 3 * ClusterModel.heartbeatIntervalMs(1));
    assertEquals(Set.of(Alarm.Type.CLDB_MASTER_CHANGED), alarmTypes("cldb"));
    assertTrue(alarmTypes("n1").isEmpty());
    m.heartbeat(hb("n1"), 100_000 + ClusterModel.MASTER_CHANGED_HOLD_MS);
    m.tick(100_000 + ClusterModel.MASTER_CHANGED_HOLD_MS);
    assertTrue(m.alarms().isEmpty(), m.alarms().toString());
  }

  @Test
  void changesWhoseWriteFailedAreDrainedAgainAsTheyAreThen() {
    m.createVolume("v", 5_000, 1, 2, 0);
    long a = m.createContainer("v", "t", 0, "n1").id();
    long b = m.createContainer("v", "t", 1, "n1").id();
    m.heartbeat(hb("n1", a, 100), 0);
    m.removeContainer(b);
    ClusterModel.Changes failed = m.drainChanged();
    assertTrue(m.drainChanged().isEmpty());
    m.requeue(failed); // ZooKeeper did not take them
    m.heartbeat(hb("n1", a, 300), 1_000);
    ClusterModel.Changes again = m.drainChanged();
    assertEquals(List.of("v"), again.volumes().stream().map(Volume::name).toList());
    assertEquals(List.of(a), again.containers().stream().map(Container::id).toList());
    assertEquals(List.of(b), again.removedContainers());
    assertEquals(List.of("n1"), again.nodes().stream().map(NodeRecord::id).toList());
    assertTrue(m.drainChanged().isEmpty());
  }

  @Test
  void whatTheMasterPersistsIsWhatANewMasterServes() {
    m.createVolume("v", 5_000, 1, 2, 0);
    long a = m.createContainer("v", "t", 0, "n1").id();
    long b = m.createContainer("v", "t", 1, "n1").id();
    m.heartbeat(hb("n1", a, 100, b, 200), 0);
    m.removeContainer(b);
    ClusterModel.Changes changes = m.drainChanged();
    assertEquals(List.of(b), changes.removedContainers());
    assertTrue(m.drainChanged().isEmpty());

    ClusterModel next = new ClusterModel("test", 0.9);
    next.load(changes.volumes(), changes.containers(), changes.nextContainerId());
    assertEquals(m.containers(null), next.containers(null));
    assertEquals(m.volumes(), next.volumes());
    assertEquals(100, next.usage("v"));
    assertEquals(b + 1, next.createContainer("v", "t", 2, "n1").id());
    // locations come back with the first heartbeats
    next.heartbeat(hb("n1", a, 100), 0);
    assertEquals(List.of("n1:5432"), next.lookup("t").get(0).liveAddresses());
    assertEquals(
        CldbException.INVALID,
        code(
            () ->
                next.load(List.of(), List.of(new Container(9, "gone", "t", 0, 0, Set.of())), 10)));
  }
}

package io.citadel.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.api.LoggedStatement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of a group member that need no broker: records, shared data, settings, JSON. */
class ReplicationPartsTest {
  @TempDir Path dir;

  private static org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record(
      long offset, int epoch, String value) {
    return new org.apache.kafka.clients.consumer.ConsumerRecord<>(
        "g",
        0,
        offset,
        0L,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME,
        0,
        value.length(),
        null,
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.of(epoch));
  }

  @Test
  void theAppliedHistoryNoticesARewrittenRecordAnotherTopicAndAnOlderLeaderEpoch() {
    LogHistory h = LogHistory.unknown(-1).then("topic-a", record(0, 0, "CREATE TABLE t (a INT)"));
    h = h.then("topic-a", record(1, 2, "INSERT INTO t VALUES (1)"));
    // stored with the offset and read back
    assertEquals(h, LogHistory.parse(h.mark(), 1));
    assertEquals(LogHistory.unknown(7), LogHistory.parse(h.mark(), 7), "a mark of another offset");
    assertEquals(LogHistory.unknown(1), LogHistory.parse("", 1));
    assertNull(h.differs("topic-a", record(1, 2, "INSERT INTO t VALUES (1)")));
    String rewritten = h.differs("topic-a", record(1, 3, "INSERT INTO t VALUES (2)"));
    assertTrue(rewritten != null && rewritten.contains("offset 1"), rewritten);
    assertNull(h.otherTopic("g", "topic-a"));
    String other = h.otherTopic("g", "topic-b");
    assertTrue(other != null && other.contains("topic-b") && other.contains("topic-a"), other);
    assertNull(LogHistory.unknown(1).otherTopic("g", "topic-b"), "nothing known, nothing to say");
    assertNull(h.cannotFollow(record(2, 2, "x")));
    String older = h.cannotFollow(record(2, 0, "x"));
    assertTrue(older != null && older.contains("epoch 0"), older);
    // the chain binds the order: the same records in another order give another chain
    LogHistory a = LogHistory.unknown(-1).then("t", record(0, 0, "x")).then("t", record(1, 0, "y"));
    LogHistory b = LogHistory.unknown(-1).then("t", record(0, 0, "y")).then("t", record(1, 0, "x"));
    assertEquals(a.record(), b.then("t", record(2, 0, "y")).record());
    assertTrue(!a.chain().equals(b.chain()));
  }

  @Test
  void aCopyFilesContentIsCheckedAgainstWhatItsWriterRead() throws Exception {
    Path f = Files.writeString(dir.resolve("rows.csv"), "1,a\n2,b\n");
    String logged = SharedData.Content.of(f).header();
    assertTrue(logged.startsWith("8 "), logged);
    assertNull(SharedData.Content.differs(f, logged));
    Files.writeString(f, "3,c\n4,d\n");
    String changed = SharedData.Content.differs(f, logged);
    assertTrue(changed != null && changed.contains(f.toString()), changed);
    Files.delete(f);
    String gone = SharedData.Content.differs(f, logged);
    assertTrue(gone != null && gone.contains("cannot be read"), gone);
    assertTrue(SharedData.Content.differs(f, "nonsense").contains("unreadable content header"));
  }

  @Test
  void aKeyAndAZoneTravelWithTheirStatementAndRecordsWrittenBeforeThemAreStillRead()
      throws Exception {
    LoggedStatement keyed =
        new LoggedStatement("INSERT INTO t VALUES (1)", "citadel", 7L, "order-41-attempt");
    assertEquals(keyed, LogRecords.decode(LogRecords.encode(keyed)));
    LoggedStatement zoned =
        new LoggedStatement(
            "INSERT INTO t VALUES ('2024-07-01 12:00')", "citadel", 7L, "", "America/New_York");
    assertEquals(zoned, LogRecords.decode(LogRecords.encode(zoned)));
    assertEquals("America/New_York", LogRecords.decode(LogRecords.encode(zoned)).timeZone());
    assertEquals(3, LogRecords.encode(zoned)[0]);
    // a UTC session's record stays version 2, which members on an older build read
    assertEquals(2, LogRecords.encode(keyed)[0]);
    assertEquals(
        2, LogRecords.encode(new LoggedStatement("DELETE FROM t", "citadel", 7L, "", "UTC"))[0]);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream v1 = new java.io.DataOutputStream(bytes);
    v1.writeByte(1);
    v1.writeUTF("citadel");
    v1.writeLong(7L);
    byte[] sql = "DELETE FROM t".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    v1.writeInt(sql.length);
    v1.write(sql);
    assertEquals(
        new LoggedStatement("DELETE FROM t", "citadel", 7L),
        LogRecords.decode(bytes.toByteArray()));
  }

  @Test
  void aRecordRoundTripsAndGarbageIsNamed() throws Exception {
    LoggedStatement s = new LoggedStatement("INSERT INTO t VALUES ('é', 1)", "citadel", 42L);
    assertEquals(s, LogRecords.decode(LogRecords.encode(s)));
    byte[] ok = LogRecords.encode(s);
    assertTrue(
        assertThrows(IOException.class, () -> LogRecords.decode(new byte[0]))
            .getMessage()
            .contains("empty"));
    byte[] wrongVersion = ok.clone();
    wrongVersion[0] = 9;
    assertTrue(
        assertThrows(IOException.class, () -> LogRecords.decode(wrongVersion))
            .getMessage()
            .contains("version 9"));
    assertThrows(IOException.class, () -> LogRecords.decode(Arrays.copyOf(ok, ok.length - 3)));
    byte[] trailing = Arrays.copyOf(ok, ok.length + 2);
    assertTrue(
        assertThrows(IOException.class, () -> LogRecords.decode(trailing))
            .getMessage()
            .contains("follow"));
    assertThrows(IOException.class, () -> LogRecords.decode("garbage on the topic".getBytes()));
  }

  @Test
  void copyReadsOnlyUnderSharedDataWithLinksResolved() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Path inside = Files.writeString(shared.resolve("a.csv"), "1\n");
    Path outside = Files.writeString(dir.resolve("b.csv"), "1\n");
    Files.createSymbolicLink(shared.resolve("link.csv"), outside);
    assertNull(SharedData.copyRefusal(shared, inside));
    assertNull(SharedData.copyRefusal(shared, shared.resolve("sub/../a.csv")));
    assertNull(SharedData.copyRefusal(shared, shared.resolve("not-yet.csv")));
    assertTrue(SharedData.copyRefusal(shared, outside).contains("ha-shared-data"));
    assertTrue(SharedData.copyRefusal(shared, shared.resolve("../b.csv")).contains("refused"));
    assertTrue(SharedData.copyRefusal(shared, shared.resolve("link.csv")).contains("refused"));
    assertTrue(SharedData.copyRefusal(shared, Path.of("rel.csv")).contains("absolute"));
    assertTrue(SharedData.copyRefusal(null, inside).contains("without ha-shared-data"));
  }

  @Test
  void snapshotsAreFoundNewestFirstAndPruned() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    for (long o : List.of(5L, 50L, 20L)) {
      Path d = Files.createDirectories(SharedData.snapshots(shared, "g").resolve(Long.toString(o)));
      Files.writeString(d.resolve("MANIFEST"), "x");
    }
    Files.createDirectories(SharedData.snapshots(shared, "g").resolve(".tmp-x-1"));
    assertEquals(50, SharedData.reaching(shared, "g", 10).orElseThrow().offset());
    assertTrue(SharedData.reaching(shared, "g", 51).isEmpty());
    SharedData.prune(shared, "g", 2);
    assertEquals(
        List.of(50L, 20L),
        SharedData.list(shared, "g").stream().map(SharedData.Snapshot::offset).toList());
  }

  @Test
  void badSettingsAreNamed() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("ha-group-id", "bad group!");
    c.put("ha-brokers", "nohostport");
    c.put("ha-shared-data", "relative/path");
    c.put("ha-kafka-timeout-ms", "soon");
    List<String> problems = ReplicationSettings.newProblems();
    ReplicationSettings.from(c, "127.0.0.1:9092", problems);
    assertEquals(4, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("ha-group-id"));
    assertTrue(problems.get(1).contains("ha-brokers"));
    assertTrue(problems.get(2).contains("absolute"));
    assertTrue(problems.get(3).contains("whole number"));

    List<String> none = ReplicationSettings.newProblems();
    ReplicationSettings s =
        ReplicationSettings.from(
            Map.of("ha-group-id", "g", "ha-unique-server-id", "s1"), "127.0.0.1:9092", none);
    assertTrue(none.isEmpty(), none.toString());
    assertEquals("127.0.0.1:9092", s.brokers());
    assertEquals(10_000, s.kafkaTimeoutMs());
    assertEquals(20_000, s.writeTimeoutMs());
  }

  /**
   * Under a steady load the log's end is always some records ahead of what a member applied: a
   * member that applied what the log held one status period ago keeps up and stays ONLINE (judged
   * against the newest end, it flipped to CATCHING_UP and back every second); one that falls behind
   * that is CATCHING_UP; after an outage the end now is the measure.
   */
  @Test
  void aMemberKeepingUpUnderLoadStaysOnlineAndOneFallingBehindCatchesUp() {
    long before = -1;
    long applied = -1;
    for (long end = 0; end <= 6_000; end += 100) {
      // each period 100 records arrive and the member applies them, trailing by a few
      applied = Math.max(-1, end - 7);
      assertEquals(
          GroupMember.State.ONLINE,
          GroupMember.judge(true, applied, end, before),
          "applied " + applied + ", end " + end + ", end a period ago " + before);
      before = end;
    }
    // it stops applying: a period later it has not applied what the log held a period ago
    assertEquals(GroupMember.State.CATCHING_UP, GroupMember.judge(true, applied, 6_100, 6_000));
    // after an outage nothing is known of a period ago: the end now decides
    assertEquals(GroupMember.State.CATCHING_UP, GroupMember.judge(true, 6_000, 6_200, -1));
    assertEquals(GroupMember.State.ONLINE, GroupMember.judge(true, 6_199, 6_200, -1));
    assertEquals(GroupMember.State.LOG_UNREACHABLE, GroupMember.judge(false, 6_199, 6_200, 6_200));
  }

  @Test
  void memberJsonRoundTrips() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serverId", "s\"1");
    m.put("applied", 12L);
    m.put("readOnly", true);
    m.put("detail", "line\nbreak");
    Map<String, String> back = Json.read(Json.write(m));
    assertEquals("s\"1", back.get("serverId"));
    assertEquals("12", back.get("applied"));
    assertEquals("true", back.get("readOnly"));
    assertEquals("line\nbreak", back.get("detail"));
  }
}

package io.citadel.replication.internal;

import io.citadel.coordination.Coordination;
import io.citadel.engine.api.Database;
import io.citadel.engine.api.LoggedStatement;
import io.citadel.engine.api.Outcome;
import io.citadel.engine.api.WriteRefusedException;
import io.citadel.engine.api.WriteRouter;
import io.citadel.replication.internal.GroupTopics.GroupException;
import io.citadel.sdk.ServiceHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's membership of one HA group.
 *
 * <p>Joining: the server id is claimed in ZooKeeper ({@code /citadel/<cluster>/ha/<group>/<id>},
 * ephemeral, so a second live server with the same id is refused); the group's topic must exist
 * with one partition; the database's applied offset must lie within the topic (a member behind the
 * topic's start restores a snapshot from shared data first). Then one thread applies the topic in
 * order, for ever, and this member takes writes: {@link #submit} appends a statement to the topic
 * and answers once this member has applied it, so a client reads its own writes.
 */
public final class GroupMember implements WriteRouter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);
  private static final Duration STATUS_EVERY = Duration.ofSeconds(1);
  private static final int SNAPSHOTS_KEPT = 3;

  /** Where the member stands. */
  public enum State {
    JOINING,
    BOOTSTRAPPING,
    CATCHING_UP,
    ONLINE,
    LOG_UNREACHABLE,
    FAILED,
    STOPPED
  }

  private final ReplicationSettings settings;
  private final Database db;
  private final Coordination coordination;
  private final String host;
  private final Consumer<GroupMember> onReady;
  private final String memberPath;
  private final TopicPartition partition;
  private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
  private final Thread thread;
  private final ConnectionStateListener sessionListener = this::sessionChanged;

  private volatile State state = State.JOINING;
  private volatile String detail = "starting";
  private volatile Instant since = Instant.now();
  private volatile long applied = -1;
  private volatile long logEnd = -1;

  /** The log's end as the status read before the last one found it: what keeping up means. */
  private volatile long logEndBefore = -1;

  private volatile long logStart = -1;
  private volatile boolean logReachable = true;
  private volatile String lastFailure = "";
  private volatile boolean closed;
  private final AtomicLong failedStatements = new AtomicLong();
  private final AtomicLong appliedStatements = new AtomicLong();
  private final AtomicLong submitted = new AtomicLong();
  private volatile KafkaProducer<byte[], byte[]> producer;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private Instant lastSnapshot = Instant.now();

  GroupMember(
      ReplicationSettings settings,
      Database db,
      Coordination coordination,
      String host,
      Consumer<GroupMember> onReady) {
    this.settings = settings;
    this.db = db;
    this.coordination = coordination;
    this.host = host;
    this.onReady = onReady;
    this.memberPath = coordination.clusterPath("ha", settings.group(), settings.serverId());
    this.partition = new TopicPartition(settings.group(), 0);
    this.thread = new Thread(this::run, "citadel-ha-" + settings.group());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  public ReplicationSettings settings() {
    return settings;
  }

  // ------------------------------------------------------------------------------- the writer

  /** COPY FROM STDIN's rows wait for every member under {@code .citadel-copy/<group>}. */
  @Override
  public Optional<Path> stagingFolder() {
    Path shared = settings.sharedData();
    return shared == null
        ? Optional.empty()
        : Optional.of(shared.resolve(SharedData.STAGING).resolve(settings.group()));
  }

  @Override
  public Outcome submit(LoggedStatement statement) {
    String group = settings.group();
    if (settings.readOnly()) {
      throw new WriteRefusedException(
          WriteRefusedException.READ_ONLY,
          "this server is a read-only member of HA group \""
              + group
              + "\" (ha-read-only=true): send writes to another member");
    }
    KafkaProducer<byte[], byte[]> p = producer;
    if (p == null || state == State.FAILED || state == State.STOPPED) {
      throw new WriteRefusedException(
          WriteRefusedException.READ_ONLY,
          "this server takes no writes while its HA group membership is " + state + ": " + detail);
    }
    if (!logReachable) {
      throw unreachable(null);
    }
    Optional<Path> source = db.copySource(statement.sql());
    if (source.isPresent()) {
      String refusal = SharedData.copyRefusal(settings.sharedData(), source.get());
      if (refusal != null) {
        throw new WriteRefusedException(WriteRefusedException.NOT_PERMITTED, refusal);
      }
    }
    byte[] encoded = LogRecords.encode(statement);
    if (encoded.length > GroupTopics.MAX_RECORD_BYTES) {
      throw tooLarge(encoded.length, null);
    }
    String request = UUID.randomUUID().toString();
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    pending.put(request, done);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(group, 0, null, encoded);
    record.headers().add(LogRecords.ORIGIN_HEADER, bytes(settings.serverId()));
    record.headers().add(LogRecords.REQUEST_HEADER, bytes(request));
    RecordMetadata md;
    try {
      md = p.send(record).get(settings.kafkaTimeoutMs() + 2_000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      pending.remove(request);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (cause instanceof RecordTooLargeException) {
        // a topic made with a lower max.message.bytes than this version's
        throw tooLarge(encoded.length, cause);
      }
      throw unreachable(cause);
    } catch (InterruptedException e) {
      pending.remove(request);
      Thread.currentThread().interrupt();
      throw new WriteRefusedException(
          WriteRefusedException.LOG_UNAVAILABLE,
          "interrupted while the HA group's Kafka took the statement; it may or may not be logged");
    }
    submitted.incrementAndGet();
    try {
      return done.get(settings.applyTimeoutSec(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new WriteRefusedException(
          "57014",
          "the statement is in HA group \""
              + group
              + "\"'s log at offset "
              + md.offset()
              + " but this server had not applied it after "
              + settings.applyTimeoutSec()
              + " s (applied up to "
              + applied
              + "); every member will apply it");
    } catch (ExecutionException e) {
      throw new WriteRefusedException(
          WriteRefusedException.READ_ONLY,
          "the statement is in the log at offset "
              + md.offset()
              + " but this member stopped applying: "
              + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteRefusedException(
          "57014", "interrupted; the statement is in the log at offset " + md.offset());
    } finally {
      pending.remove(request);
    }
  }

  /** A statement too large for one record of the log: nothing of it was logged or applied. */
  private WriteRefusedException tooLarge(int bytes, Throwable cause) {
    return new WriteRefusedException(
        "54000",
        "the statement's record for HA group \""
            + settings.group()
            + "\"'s log is "
            + bytes
            + " bytes, over what the log takes in one record ("
            + (cause == null
                ? GroupTopics.MAX_RECORD_BYTES + " bytes"
                : "the topic's max.message.bytes: " + cause.getMessage())
            + "); nothing was logged or applied: split it into smaller statements, or load the"
            + " rows with COPY FROM a file in ha-shared-data",
        cause);
  }

  private WriteRefusedException unreachable(Throwable cause) {
    return new WriteRefusedException(
        WriteRefusedException.LOG_UNAVAILABLE,
        "HA group \""
            + settings.group()
            + "\": its Kafka brokers ("
            + settings.brokers()
            + ") "
            + (cause == null
                ? "cannot be reached"
                : "did not acknowledge the statement (" + cause.getMessage() + ")")
            + ": writes are refused until they are back; reads keep working",
        cause);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<?, ?> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------- the applier

  private void run() {
    try (Admin admin = GroupTopics.admin(settings.brokers(), settings.kafkaTimeoutMs())) {
      claimServerId();
      coordination.curator().getConnectionStateListenable().addListener(sessionListener);
      move(State.JOINING, "checking the topic \"" + settings.group() + "\"");
      GroupTopics.check(admin, settings.group(), settings.brokers(), settings.kafkaTimeoutMs());
      db.setGroup(settings.group());
      consumer =
          GroupTopics.consumer(settings.brokers(), settings.serverId(), settings.kafkaTimeoutMs());
      consumer.assign(List.of(partition));
      readLogBounds();
      applied = db.appliedOffset(settings.group());
      if (applied + 1 < logStart) {
        bootstrap();
      }
      if (applied + 1 > logEnd) {
        throw new GroupException(
            "this server applied HA group \""
                + settings.group()
                + "\" up to offset "
                + applied
                + " but its topic ends at "
                + logEnd
                + ": the topic was deleted and made again, or is another group's; this database"
                + " cannot join it as it is");
      }
      consumer.seek(partition, applied + 1);
      producer =
          GroupTopics.producer(settings.brokers(), settings.serverId(), settings.kafkaTimeoutMs());
      move(State.CATCHING_UP, "applying from offset " + (applied + 1) + " to " + logEnd);
      LOG.info(
          "HA group {}: server {} joined; applied up to {}, the topic holds {}..{}",
          settings.group(),
          settings.serverId(),
          applied,
          logStart,
          logEnd - 1);
      onReady.accept(this);
      applyForever();
    } catch (GroupException e) {
      fail(e.getMessage());
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException | IOException e) {
      if (!closed) {
        LOG.error("HA group {}: the member stopped", settings.group(), e);
        fail(e.toString());
      }
    } finally {
      KafkaConsumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.close(Duration.ofSeconds(2));
      }
      failPending();
    }
  }

  private void applyForever() throws InterruptedException {
    Instant nextStatus = Instant.EPOCH;
    while (!closed) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
      if (!records.isEmpty()) {
        // one group commit a poll: a member catching up forces its log once per batch, and its
        // writers hear of their statements only once they are durable
        List<Runnable> answers = new ArrayList<>();
        db.groupCommit(
            () -> {
              for (ConsumerRecord<byte[], byte[]> r : records) {
                applyOne(r, answers);
              }
              return null;
            });
        answers.forEach(Runnable::run);
      }
      Instant now = Instant.now();
      if (now.isAfter(nextStatus)) {
        nextStatus = now.plus(STATUS_EVERY);
        readLogBounds();
        // an ONLINE member that receives nothing is still judged: Kafka may be gone
        updateState();
        publish();
        snapshotWhenDue(now);
      } else if (!records.isEmpty() || state != State.ONLINE) {
        updateState();
      }
    }
  }

  /**
   * Applies one record; when it came from this server, adds to {@code answers} the completion of
   * its writer's wait, to run once the batch is durable.
   */
  private void applyOne(ConsumerRecord<byte[], byte[]> r, List<Runnable> answers) {
    long offset = r.offset();
    if (offset <= applied) {
      return; // restored past it
    }
    Outcome o;
    try {
      LoggedStatement st = LogRecords.decode(r.value());
      Optional<Path> source = db.copySource(st.sql());
      String refusal =
          source.isPresent() ? SharedData.copyRefusal(settings.sharedData(), source.get()) : null;
      o =
          refusal == null
              ? db.apply(settings.group(), offset, st)
              : db.skip(
                  settings.group(),
                  offset,
                  Outcome.failed(WriteRefusedException.NOT_PERMITTED, refusal));
    } catch (IOException e) {
      o =
          db.skip(
              settings.group(),
              offset,
              Outcome.failed(
                  "XX001", "the record at offset " + offset + " is unreadable: " + e.getMessage()));
    }
    applied = offset;
    appliedStatements.incrementAndGet();
    if (o.isFailure()) {
      failedStatements.incrementAndGet();
      lastFailure = "offset " + offset + ": " + o.sqlState() + " " + o.error();
      LOG.warn(
          "HA group {}: the statement at offset {} failed ({} {}); recorded as failed, moving on",
          settings.group(),
          offset,
          o.sqlState(),
          o.error());
    }
    if (settings.serverId().equals(header(r, LogRecords.ORIGIN_HEADER))) {
      CompletableFuture<Outcome> waiting = pending.get(header(r, LogRecords.REQUEST_HEADER));
      if (waiting != null) {
        Outcome outcome = o;
        answers.add(() -> waiting.complete(outcome));
      }
    }
  }

  private void readLogBounds() {
    try {
      Duration wait = Duration.ofMillis(Math.min(2_000, settings.kafkaTimeoutMs()));
      Map<TopicPartition, Long> end = consumer.endOffsets(List.of(partition), wait);
      Map<TopicPartition, Long> start = consumer.beginningOffsets(List.of(partition), wait);
      // after an outage the end read before it says nothing of keeping up
      logEndBefore = logReachable ? logEnd : -1;
      logEnd = end.get(partition);
      logStart = start.get(partition);
      if (!logReachable) {
        LOG.info("HA group {}: Kafka is reachable again; writes are taken", settings.group());
      }
      logReachable = true;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      if (logReachable) {
        LOG.warn(
            "HA group {}: Kafka ({}) does not answer; writes are refused until it does",
            settings.group(),
            settings.brokers());
      }
      logReachable = false;
      if (logEnd < 0) {
        throw new GroupException(
            "the HA group's Kafka brokers " + settings.brokers() + " do not answer");
      }
    }
  }

  /**
   * ONLINE once this member has applied everything the log held a status period ago: under a steady
   * write load the log's end is always a few records ahead of what was applied, which is keeping
   * up, not catching up (comparing with the newest end flipped a busy member between the two every
   * second).
   */
  private void updateState() {
    long keptUpTo = logEndBefore < 0 ? logEnd : Math.min(logEnd, logEndBefore);
    if (!logReachable) {
      move(State.LOG_UNREACHABLE, "Kafka " + settings.brokers() + " does not answer");
    } else if (applied + 1 >= keptUpTo) {
      move(State.ONLINE, "");
    } else {
      move(State.CATCHING_UP, "applied " + applied + " of " + (logEnd - 1));
    }
  }

  /** The database is behind the topic's start: restore the newest snapshot that reaches it. */
  private void bootstrap() throws IOException {
    move(
        State.BOOTSTRAPPING,
        "applied up to " + applied + " but the topic starts at " + logStart + ": restoring");
    Path shared = settings.sharedData();
    Optional<SharedData.Snapshot> snap =
        shared == null
            ? Optional.empty()
            : SharedData.reaching(shared, settings.group(), logStart - 1);
    if (snap.isEmpty()) {
      throw new GroupException(
          "this server applied HA group \""
              + settings.group()
              + "\" up to offset "
              + applied
              + " but the topic's retention has cut it to start at "
              + logStart
              + ", and ha-shared-data holds no snapshot reaching offset "
              + (logStart - 1)
              + ": take one on a live member with ha:snapshot");
    }
    LOG.info(
        "HA group {}: restoring the snapshot {} (offset {}) before joining",
        settings.group(),
        snap.get().dir(),
        snap.get().offset());
    db.restore(snap.get().dir());
    db.setGroup(settings.group());
    applied = db.appliedOffset(settings.group());
    if (applied != snap.get().offset()) {
      throw new GroupException(
          "the snapshot " + snap.get().dir() + " holds offset " + applied + ", not its name's");
    }
  }

  // ------------------------------------------------------------------------------- snapshots

  /** Writes a snapshot into shared data; answers its offset. */
  public long snapshot() throws IOException {
    Path shared = settings.sharedData();
    if (shared == null) {
      throw new GroupException("ha-shared-data is not set: snapshots are kept there");
    }
    Path dir = Files.createDirectories(SharedData.snapshots(shared, settings.group()));
    Path tmp = dir.resolve(".tmp-" + settings.serverId() + "-" + System.nanoTime());
    long offset;
    try {
      offset = db.snapshot(settings.group(), tmp);
      Path target = dir.resolve(Long.toString(offset));
      if (Files.exists(target)) {
        SharedData.deleteTree(tmp);
      } else {
        io.citadel.sdk.DurableFiles.move(tmp, target);
      }
    } finally {
      SharedData.deleteTree(tmp);
    }
    SharedData.prune(shared, settings.group(), SNAPSHOTS_KEPT);
    LOG.info("HA group {}: snapshot at offset {} in {}", settings.group(), offset, dir);
    return offset;
  }

  private void snapshotWhenDue(Instant now) {
    int every = settings.snapshotIntervalSec();
    if (every <= 0 || settings.sharedData() == null || state != State.ONLINE) {
      return;
    }
    if (now.isAfter(lastSnapshot.plusSeconds(every))) {
      lastSnapshot = now;
      try {
        snapshot();
      } catch (IOException | RuntimeException e) {
        LOG.warn("HA group {}: periodic snapshot failed: {}", settings.group(), e.toString());
      }
    }
  }

  // ------------------------------------------------------------------------------- membership

  /**
   * Claims {@code /citadel/<cluster>/ha/<group>/<id>}. A znode left by this id's previous life (a
   * server killed before its session ended) goes away within the session timeout; one that stays
   * longer belongs to another live server with the same id, which is refused.
   */
  private void claimServerId() throws InterruptedException {
    CuratorFramework zk = coordination.curator();
    long sessionTimeout;
    try {
      sessionTimeout = zk.getZookeeperClient().getZooKeeper().getSessionTimeout();
    } catch (Exception e) {
      sessionTimeout = 30_000;
    }
    long deadline = System.nanoTime() + (sessionTimeout + 5_000) * 1_000_000L;
    String holder = "";
    while (!closed) {
      try {
        zk.create()
            .creatingParentContainersIfNeeded()
            .withMode(CreateMode.EPHEMERAL)
            .forPath(memberPath, memberJson());
        return;
      } catch (KeeperException.NodeExistsException e) {
        try {
          Stat st = new Stat();
          byte[] data = zk.getData().storingStatIn(st).forPath(memberPath);
          if (st.getEphemeralOwner() == zk.getZookeeperClient().getZooKeeper().getSessionId()) {
            return;
          }
          holder = new String(data, StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException gone) {
          continue;
        } catch (Exception other) {
          holder = other.toString();
        }
      } catch (Exception e) {
        holder = "ZooKeeper: " + e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new GroupException(
            "ha-unique-server-id \""
                + settings.serverId()
                + "\" is already live in HA group \""
                + settings.group()
                + "\" ("
                + memberPath
                + " = "
                + holder
                + "): a second live server with the same id is refused");
      }
      move(
          State.JOINING,
          "server id "
              + settings.serverId()
              + " is held by a session that has not ended yet (waiting for it to expire)");
      Thread.sleep(500);
    }
  }

  private void sessionChanged(CuratorFramework client, ConnectionState s) {
    if (s == ConnectionState.RECONNECTED && !closed) {
      Thread t =
          new Thread(
              () -> {
                try {
                  claimServerId();
                } catch (GroupException e) {
                  fail(e.getMessage());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "citadel-ha-reclaim");
      t.setDaemon(true);
      t.start();
    }
  }

  private byte[] memberJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serverId", settings.serverId());
    m.put("host", host);
    m.put("state", state.name());
    m.put("detail", detail);
    m.put("applied", applied);
    m.put("logEnd", logEnd);
    m.put("lag", lag());
    m.put("readOnly", settings.readOnly());
    // where clients reach this member's engine: the load balancer's backends
    try {
      db.endpoints().forEach(m::put);
    } catch (RuntimeException e) {
      // the engine is reopening: the next update says
    }
    m.put("failed", failedStatements.get());
    m.put("since", since.toString());
    m.put("updated", System.currentTimeMillis());
    return bytes(Json.write(m));
  }

  private void publish() {
    try {
      coordination.curator().setData().forPath(memberPath, memberJson());
    } catch (Exception e) {
      LOG.debug("HA group {}: cannot update {}: {}", settings.group(), memberPath, e.toString());
    }
  }

  // ------------------------------------------------------------------------------- state

  long lag() {
    return logEnd < 0 ? -1 : Math.max(0, logEnd - 1 - applied);
  }

  private void move(State next, String why) {
    if (state != next) {
      since = Instant.now();
      LOG.info("HA group {}: {} -> {} {}", settings.group(), state, next, why);
    }
    state = next;
    detail = why;
  }

  private void fail(String why) {
    LOG.error("HA group {}: {}", settings.group(), why);
    move(State.FAILED, why);
    failPending();
    // the applier that publishes every second has stopped: say it now, or the balancer keeps
    // sending sessions to a member that refuses writes
    publish();
  }

  private void failPending() {
    for (CompletableFuture<Outcome> f : pending.values()) {
      f.completeExceptionally(new IllegalStateException(detail));
    }
  }

  ServiceHealth health() {
    return switch (state) {
      case ONLINE -> ServiceHealth.running();
      case CATCHING_UP, LOG_UNREACHABLE -> ServiceHealth.degraded(state + ": " + detail);
      case JOINING, BOOTSTRAPPING -> ServiceHealth.starting(state + ": " + detail);
      case FAILED, STOPPED -> ServiceHealth.failed(detail);
    };
  }

  /** What ha:status shows of this member. */
  public record Status(
      String group,
      String serverId,
      State state,
      String detail,
      Instant since,
      long applied,
      long logStart,
      long logEnd,
      long lag,
      boolean logReachable,
      long appliedStatements,
      long failedStatements,
      String lastFailure,
      long submitted) {}

  public Status status() {
    return new Status(
        settings.group(),
        settings.serverId(),
        state,
        detail,
        since,
        applied,
        logStart,
        logEnd,
        lag(),
        logReachable,
        appliedStatements.get(),
        failedStatements.get(),
        lastFailure,
        submitted.get());
  }

  String memberPath() {
    return memberPath;
  }

  @Override
  public void close() {
    closed = true;
    coordination.curator().getConnectionStateListenable().removeListener(sessionListener);
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    // No interrupt: it would close the database's file channels under a statement being applied.
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    KafkaProducer<byte[], byte[]> p = producer;
    if (p != null) {
      p.close(Duration.ofSeconds(5));
    }
    try {
      coordination.curator().delete().guaranteed().forPath(memberPath);
    } catch (Exception e) {
      LOG.debug("cannot delete {}: {}", memberPath, e.toString());
    }
    move(State.STOPPED, "stopped");
    failPending();
  }
}

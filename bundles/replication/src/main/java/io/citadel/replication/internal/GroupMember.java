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
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
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
    /**
     * The log's history is not the one this member applied (a topic made again, offsets handed out
     * again, a COPY file changed): it applies nothing more until repaired from a snapshot.
     */
    DIVERGED,
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

  /** The history applied here, stored with every applied offset. */
  private volatile LogHistory history = LogHistory.unknown(-1);

  /** The id Kafka gave the group's topic, as this member last read it. */
  private volatile String topicId = "";

  /** The alarm a divergence raised, "" while none is. */
  private volatile String alarm = "";

  private volatile boolean repairRequested;

  /** JOINING because the group's topic does not exist yet. */
  private volatile boolean awaitingTopic;

  private final Object repairSignal = new Object();
  private int statusReads;

  /** Consecutive status reads that found the log ending before what was applied here. */
  private int shortLogReads;

  /**
   * The log is not the history this member applied: it must stop applying, and say why. Thrown from
   * inside the applier; never reaches a writer.
   */
  private static final class Divergence extends Exception {
    Divergence(String why) {
      super(why, null, false, false);
    }
  }

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
    if (state == State.DIVERGED) {
      throw new WriteRefusedException(
          WriteRefusedException.READ_ONLY,
          "this server takes no writes: its copy of HA group \""
              + group
              + "\" has diverged from the group's log ("
              + detail
              + "); send writes to another member, and repair this one with ha:repair");
    }
    if (p == null || state == State.FAILED || state == State.STOPPED) {
      throw new WriteRefusedException(
          WriteRefusedException.READ_ONLY,
          "this server takes no writes while its HA group membership is " + state + ": " + detail);
    }
    if (!logReachable) {
      throw unreachable(null);
    }
    Optional<Path> source = db.copySource(statement.sql());
    String content = null;
    if (source.isPresent()) {
      String refusal = SharedData.copyRefusal(settings.sharedData(), source.get());
      if (refusal != null) {
        throw new WriteRefusedException(WriteRefusedException.NOT_PERMITTED, refusal);
      }
      try {
        // every member checks it loads these bytes, not what the file holds when it gets there
        content = SharedData.Content.of(source.get()).header();
      } catch (IOException e) {
        throw new WriteRefusedException(
            "58P01",
            "could not open file \""
                + source.get()
                + "\" for reading: "
                + e.getMessage()
                + "; nothing was logged");
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
    if (content != null) {
      record.headers().add(LogRecords.COPY_HEADER, bytes(content));
    }
    RecordMetadata md;
    try {
      md = p.send(record).get(settings.writeTimeoutMs() + 2_000L, TimeUnit.MILLISECONDS);
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
      // the engine refuses writes from now on unless this member takes them: none may run on
      // this server alone while the topic is awaited
      db.setGroup(settings.group());
      topicId = awaitTopic(admin);
      consumer =
          GroupTopics.consumer(settings.brokers(), settings.serverId(), settings.kafkaTimeoutMs());
      consumer.assign(List.of(partition));
      producer =
          GroupTopics.producer(
              settings.brokers(),
              settings.serverId(),
              settings.kafkaTimeoutMs(),
              settings.writeTimeoutMs());
      boolean ready = false;
      while (!closed) {
        try {
          join();
          if (!ready) {
            ready = true;
            onReady.accept(this);
          }
          applyForever(admin);
        } catch (Divergence d) {
          diverge(d.getMessage());
          if (!ready) {
            // the router refuses writes, saying why, instead of the engine running them alone
            ready = true;
            onReady.accept(this);
          }
          stayDivergedUntilRepaired();
        }
      }
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

  /** How often a member whose topic does not exist yet looks for it again. */
  private static final Duration TOPIC_CHECK_EVERY = Duration.ofSeconds(5);

  /**
   * Waits for the group's topic (ha-group-id set before ha:create-group made it): the member stays
   * JOINING, degraded rather than failed, so the service and its console commands stay up, and it
   * joins once the topic is there; answers the topic's id.
   */
  private String awaitTopic(Admin admin) throws InterruptedException {
    while (true) {
      try {
        String id =
            GroupTopics.check(
                admin, settings.group(), settings.brokers(), settings.kafkaTimeoutMs());
        awaitingTopic = false;
        return id;
      } catch (GroupTopics.NoTopicException e) {
        if (!awaitingTopic) {
          LOG.warn(
              "HA group {}: {}; checking again every {} s",
              settings.group(),
              e.getMessage(),
              TOPIC_CHECK_EVERY.toSeconds());
        }
        awaitingTopic = true;
        move(
            State.JOINING,
            e.getMessage() + " (checking again every " + TOPIC_CHECK_EVERY.toSeconds() + " s)");
        publish();
        long until = System.nanoTime() + TOPIC_CHECK_EVERY.toNanos();
        while (!closed && System.nanoTime() < until) {
          Thread.sleep(100);
        }
        if (closed) {
          throw new InterruptedException("closing");
        }
      }
    }
  }

  /**
   * Finds where to resume: restores a snapshot when the topic's start has passed this database,
   * then checks that the log is still the history applied here (the same topic, not shorter than
   * what was applied, the same record at the applied offset) and seeks past it.
   */
  private void join() throws IOException, Divergence, InterruptedException {
    readLogBounds();
    readApplied();
    String other = history.otherTopic(settings.group(), topicId);
    if (other != null) {
      throw new Divergence(other);
    }
    if (applied + 1 < logStart) {
      bootstrap();
      readApplied();
      other = history.otherTopic(settings.group(), topicId);
      if (other != null) {
        throw new Divergence("the snapshot restored: " + other);
      }
    }
    // a new partition leader may briefly report an end behind the old one's: ask a few times
    for (int i = 0; i < SHORT_LOG_READS && applied + 1 > logEnd; i++) {
      Thread.sleep(STATUS_EVERY.toMillis());
      readLogBounds();
    }
    if (applied + 1 > logEnd) {
      throw new Divergence(shortLog());
    }
    if (applied >= logStart && !history.record().isEmpty()) {
      ConsumerRecord<byte[], byte[]> r = readAt(applied);
      String differs = r == null ? null : history.differs(topicId, r);
      if (differs != null) {
        throw new Divergence(differs);
      }
    }
    history = history.inTopic(topicId);
    // with the applied record's leader epoch, Kafka itself checks the position against the log's
    // lineage and reports a log truncated under it
    consumer.seek(
        partition,
        new OffsetAndMetadata(
            applied + 1,
            history.leaderEpoch() < 0 ? Optional.empty() : Optional.of(history.leaderEpoch()),
            ""));
    shortLogReads = 0;
    move(State.CATCHING_UP, "applying from offset " + (applied + 1) + " to " + logEnd);
    if (!alarm.isEmpty()) {
      LOG.info("HA group {}: alarm {} cleared", settings.group(), DIVERGED_ALARM);
      alarm = "";
    }
    LOG.info(
        "HA group {}: server {} joined; applied up to {}, the topic {} holds {}..{}",
        settings.group(),
        settings.serverId(),
        applied,
        topicId,
        logStart,
        logEnd - 1);
  }

  private void readApplied() {
    applied = db.appliedOffset(settings.group());
    history = LogHistory.parse(db.appliedMark(settings.group()), applied);
  }

  private String shortLog() {
    return "this server applied HA group \""
        + settings.group()
        + "\" up to offset "
        + applied
        + " but its topic ends at "
        + (logEnd - 1)
        + ": records applied here are gone from the log (a broker lost acknowledged records, or"
        + " the topic is another group's)";
  }

  /** The record at {@code offset}, or null when the log holds none there (a gap). */
  private ConsumerRecord<byte[], byte[]> readAt(long offset) {
    consumer.seek(partition, offset);
    long wait = Math.max(10_000L, 2L * settings.kafkaTimeoutMs());
    long deadline = System.nanoTime() + wait * 1_000_000L;
    while (!closed && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r :
          consumer.poll(Duration.ofMillis(200)).records(partition)) {
        if (r.offset() >= offset) {
          return r.offset() == offset ? r : null;
        }
      }
    }
    throw new GroupException(
        "could not read back the record at offset "
            + offset
            + " of the topic \""
            + settings.group()
            + "\" within "
            + wait
            + " ms, to check that it is the one applied here");
  }

  private void applyForever(Admin admin) throws InterruptedException, Divergence {
    Instant nextStatus = Instant.EPOCH;
    while (!closed) {
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(Duration.ofMillis(200));
      } catch (LogTruncationException e) {
        // a topic deleted and made again also shows as a truncation: name that cause when it is
        String id = currentTopicId(admin);
        if (id != null && !id.equals(topicId)) {
          throw new Divergence(history.inTopic(topicId).otherTopic(settings.group(), id));
        }
        throw new Divergence(
            "Kafka reports the log truncated under this server ("
                + e.getMessage()
                + "): records applied here are gone from it");
      } catch (OffsetOutOfRangeException e) {
        // the log ends before where this member reads next: a new leader's end catching up, or
        // records lost; the status read below tells which
        consumer.seek(partition, applied + 1);
        Thread.sleep(200);
        records = ConsumerRecords.empty();
        nextStatus = Instant.EPOCH;
      }
      if (!records.isEmpty()) {
        // one group commit a poll: a member catching up forces its log once per batch, and its
        // writers hear of their statements only once they are durable
        ConsumerRecords<byte[], byte[]> batch = records;
        List<Runnable> answers = new ArrayList<>();
        Divergence stop =
            db.groupCommit(
                () -> {
                  for (ConsumerRecord<byte[], byte[]> r : batch) {
                    try {
                      applyOne(r, answers);
                    } catch (Divergence d) {
                      return d;
                    }
                  }
                  return null;
                });
        answers.forEach(Runnable::run);
        if (stop != null) {
          throw stop;
        }
      }
      Instant now = Instant.now();
      if (now.isAfter(nextStatus)) {
        nextStatus = now.plus(STATUS_EVERY);
        readLogBounds();
        checkLogKept(admin);
        // an ONLINE member that receives nothing is still judged: Kafka may be gone
        updateState();
        publish();
        snapshotWhenDue(now);
      } else if (!records.isEmpty() || state != State.ONLINE) {
        updateState();
      }
    }
  }

  /** Status reads in a row that find the log shorter than what was applied before that counts. */
  private static final int SHORT_LOG_READS = 5;

  private static final String DIVERGED_ALARM = "HA_MEMBER_DIVERGED";

  /**
   * At a status read: the log still holds what was applied here, and the topic is still the one it
   * was applied from (checked each read, before more of a topic made again could be applied: while
   * the topic is gone or its id cannot be read, applying waits).
   */
  private void checkLogKept(Admin admin) throws Divergence {
    if (logReachable && logEnd >= 0 && logEnd <= applied) {
      if (++shortLogReads >= SHORT_LOG_READS) {
        throw new Divergence(shortLog());
      }
    } else {
      shortLogReads = 0;
    }
    String id = currentTopicId(admin);
    if (id == null) {
      consumer.pause(List.of(partition));
      return;
    }
    if (!id.equals(topicId)) {
      throw new Divergence(history.inTopic(topicId).otherTopic(settings.group(), id));
    }
    consumer.resume(List.of(partition));
  }

  /** The topic's id now, or null when the brokers do not say (gone, or not answering). */
  private String currentTopicId(Admin admin) {
    try {
      return admin
          .describeTopics(List.of(settings.group()))
          .allTopicNames()
          .get(Math.min(2_000, settings.kafkaTimeoutMs()), TimeUnit.MILLISECONDS)
          .get(settings.group())
          .topicId()
          .toString();
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Applies one record; when it came from this server, adds to {@code answers} the completion of
   * its writer's wait, to run once the batch is durable.
   *
   * @throws Divergence when the record cannot follow what was applied, or is a COPY whose file no
   *     longer holds what its writer read; nothing of it is applied
   */
  private void applyOne(ConsumerRecord<byte[], byte[]> r, List<Runnable> answers)
      throws Divergence {
    long offset = r.offset();
    if (offset <= applied) {
      return; // restored past it
    }
    String older = history.cannotFollow(r);
    if (older != null) {
      throw new Divergence(older);
    }
    LogHistory next = history.then(topicId, r);
    Outcome o;
    try {
      LoggedStatement st = LogRecords.decode(r.value());
      Optional<Path> source = db.copySource(st.sql());
      String refusal =
          source.isPresent() ? SharedData.copyRefusal(settings.sharedData(), source.get()) : null;
      String content = header(r, LogRecords.COPY_HEADER);
      if (refusal == null && source.isPresent() && content != null) {
        String differs = SharedData.Content.differs(source.get(), content);
        if (differs != null) {
          throw new Divergence("offset " + offset + ": " + differs);
        }
      }
      o =
          refusal == null
              ? db.apply(settings.group(), offset, next.mark(), st)
              : db.skip(
                  settings.group(),
                  offset,
                  next.mark(),
                  Outcome.failed(WriteRefusedException.NOT_PERMITTED, refusal));
    } catch (IOException e) {
      o =
          db.skip(
              settings.group(),
              offset,
              next.mark(),
              Outcome.failed(
                  "XX001", "the record at offset " + offset + " is unreadable: " + e.getMessage()));
    }
    applied = offset;
    history = next;
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

  // ------------------------------------------------------------------------------- divergence

  /** Stops applying: raises the alarm, refuses writes, answers waiting writers. */
  private void diverge(String why) {
    alarm = DIVERGED_ALARM + " since " + Instant.now() + ": " + why;
    LOG.error(
        "HA group {}: alarm {} raised: {}; this server applies nothing more until repaired"
            + " (ha:repair restores the newest snapshot in ha-shared-data)",
        settings.group(),
        DIVERGED_ALARM,
        why);
    move(State.DIVERGED, why);
    failPending();
    publish();
  }

  /**
   * Asks a DIVERGED member to replace its database with the newest snapshot in shared data that
   * reaches the topic's start, and to join again from there (verified like any join).
   *
   * @throws GroupException when this member has not diverged
   */
  public void repair() {
    if (state != State.DIVERGED) {
      throw new GroupException(
          "this server's membership of HA group \""
              + settings.group()
              + "\" is "
              + state
              + ", not DIVERGED: there is nothing to repair");
    }
    synchronized (repairSignal) {
      repairRequested = true;
      repairSignal.notifyAll();
    }
  }

  /** Waits, publishing its state, until a repair restored a snapshot to join from; or closing. */
  private void stayDivergedUntilRepaired() throws InterruptedException, IOException {
    while (!closed) {
      synchronized (repairSignal) {
        if (!repairRequested) {
          repairSignal.wait(STATUS_EVERY.toMillis());
        }
      }
      if (!repairRequested) {
        publish();
        continue;
      }
      repairRequested = false;
      readLogBounds();
      Path shared = settings.sharedData();
      Optional<SharedData.Snapshot> snap =
          shared == null
              ? Optional.empty()
              : SharedData.reaching(shared, settings.group(), logStart - 1);
      if (snap.isEmpty()) {
        String why = alarm.substring(alarm.indexOf(": ") + 2);
        move(
            State.DIVERGED,
            why
                + "; ha:repair found no snapshot in ha-shared-data reaching offset "
                + (logStart - 1)
                + ": take one with ha:snapshot on a healthy member, then repair again");
        publish();
        continue;
      }
      move(
          State.BOOTSTRAPPING,
          "repairing: restoring the snapshot " + snap.get().dir() + " over this database");
      restore(snap.get(), "to repair it");
      return;
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
    State next = judge(logReachable, applied, logEnd, logEndBefore);
    switch (next) {
      case LOG_UNREACHABLE ->
          move(State.LOG_UNREACHABLE, "Kafka " + settings.brokers() + " does not answer");
      case ONLINE -> move(State.ONLINE, "");
      default -> move(State.CATCHING_UP, "applied " + applied + " of " + (logEnd - 1));
    }
  }

  /**
   * A following member's state from what it applied and the log's end now and one status period ago
   * ({@code -1}: not known, as after an outage, when the end now is the measure).
   */
  static State judge(boolean logReachable, long applied, long logEnd, long logEndBefore) {
    long keptUpTo = logEndBefore < 0 ? logEnd : Math.min(logEnd, logEndBefore);
    if (!logReachable) {
      return State.LOG_UNREACHABLE;
    }
    return applied + 1 >= keptUpTo ? State.ONLINE : State.CATCHING_UP;
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
    restore(snap.get(), "before joining");
    applied = db.appliedOffset(settings.group());
    if (applied != snap.get().offset()) {
      throw new GroupException(
          "the snapshot " + snap.get().dir() + " holds offset " + applied + ", not its name's");
    }
  }

  // ------------------------------------------------------------------------------- snapshots

  /** Replaces this server's database with {@code snap}, still a member of the group. */
  private void restore(SharedData.Snapshot snap, String why) {
    LOG.warn(
        "HA group {}: replacing this server's database with the snapshot {} (offset {}) {}",
        settings.group(),
        snap.dir(),
        snap.offset(),
        why);
    db.restore(snap.dir());
    db.setGroup(settings.group());
  }

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
    m.put("chain", history.chain());
    m.put("alarm", alarm);
    m.put("since", since.toString());
    m.put("updated", System.currentTimeMillis());
    return bytes(Json.write(m));
  }

  private void publish() {
    try {
      if (!coordination.curator().getZookeeperClient().isConnected()) {
        // without a session every try waits out Curator's retries, and the applier with it (a
        // stopping member waited minutes so when its node was the last of an ensemble to stop);
        // the next status period says it again
        return;
      }
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
      // DIVERGED keeps the service up: it refuses writes, raises its alarm and takes ha:repair
      case CATCHING_UP, LOG_UNREACHABLE, DIVERGED -> ServiceHealth.degraded(state + ": " + detail);
      // a topic not made yet keeps the service up: ha:create-group is one of its commands
      case JOINING ->
          awaitingTopic
              ? ServiceHealth.degraded(state + ": " + detail)
              : ServiceHealth.starting(state + ": " + detail);
      case BOOTSTRAPPING -> ServiceHealth.starting(state + ": " + detail);
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
      long submitted,
      String topicId,
      String chain,
      String alarm) {}

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
        submitted.get(),
        topicId,
        history.chain(),
        alarm);
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
      // In the background: the znode is ephemeral and goes with the session anyway, and a stop
      // must not wait on ZooKeeper (without a quorum the call waited out Curator's retries, and
      // the node's stop with it). Guaranteed: a delete that fails is tried again on reconnecting.
      coordination.curator().delete().guaranteed().inBackground().forPath(memberPath);
    } catch (Exception e) {
      LOG.debug("cannot delete {}: {}", memberPath, e.toString());
    }
    move(State.STOPPED, "stopped");
    failPending();
  }
}

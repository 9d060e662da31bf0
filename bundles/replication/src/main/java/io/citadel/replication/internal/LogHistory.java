package io.citadel.replication.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The history a member applied, as it stores it with its applied offset (the database's "mark"):
 * the id Kafka gave the topic when it was made (a topic deleted and made again under the same name
 * gets a new one), the digest of the last record applied, and a running hash chain over every
 * record applied since the member first verified its log, each link binding the offset and the
 * record's digest to the links before it.
 *
 * <p>Kafka's offsets alone cannot tell the log a member applied from another one: a broker that
 * lost acknowledged records hands out their offsets again, and a topic made again starts from 0.
 * With the mark, a member that joins reads back the record at its applied offset and compares
 * digests, and one that runs compares topic ids; either difference is a divergence, not something
 * to apply over.
 *
 * @param topicId the topic's id ("" when not known yet: a database that applied before marks)
 * @param offset the last applied offset
 * @param leaderEpoch the Kafka leader epoch of the record at {@code offset} (-1 when not known),
 *     with which the member's consumer resumes so that Kafka itself detects a log truncated under
 *     it
 * @param record hex digest of the record at {@code offset} ("" when not known)
 * @param chain hex running hash ending with that record ("" when not known)
 */
record LogHistory(String topicId, long offset, int leaderEpoch, String record, String chain) {
  private static final String FORMAT = "h1";
  private static final HexFormat HEX = HexFormat.of();

  /** Nothing verified yet: what a database without a mark holds. */
  static LogHistory unknown(long offset) {
    return new LogHistory("", offset, -1, "", "");
  }

  /**
   * Reads a stored mark; an empty or foreign one is {@link #unknown}, at {@code offset}, since a
   * database applied before marks existed.
   */
  static LogHistory parse(String mark, long offset) {
    String[] f = mark.split(" ");
    if (f.length != 6 || !f[0].equals(FORMAT)) {
      return unknown(offset);
    }
    try {
      long at = Long.parseLong(f[2]);
      return at == offset
          ? new LogHistory(f[1], at, Integer.parseInt(f[3]), f[4], f[5])
          : unknown(offset);
    } catch (NumberFormatException e) {
      return unknown(offset);
    }
  }

  /** The mark to store with {@link #offset}. */
  String mark() {
    return String.join(
        " ", FORMAT, topicId, Long.toString(offset), Integer.toString(leaderEpoch), record, chain);
  }

  /** The history after applying {@code r}, the record at the next offset of topic {@code id}. */
  LogHistory then(String id, ConsumerRecord<byte[], byte[]> r) {
    String digest = digest(r);
    MessageDigest md = sha256();
    md.update(chain.getBytes(StandardCharsets.US_ASCII));
    md.update(ByteBuffer.allocate(Long.BYTES).putLong(0, r.offset()));
    md.update(digest.getBytes(StandardCharsets.US_ASCII));
    return new LogHistory(
        id, r.offset(), r.leaderEpoch().orElse(-1), digest, HEX.formatHex(md.digest(), 0, 16));
  }

  /** This history, now known to come from topic {@code id}. */
  LogHistory inTopic(String id) {
    return new LogHistory(id, offset, leaderEpoch, record, chain);
  }

  /**
   * Why {@code r}, the next record read, cannot follow this history: its leader epoch is older than
   * the one of the record applied before it (Kafka's epochs only grow along a partition's log, so
   * the log now read is another one); null when it can.
   */
  String cannotFollow(ConsumerRecord<byte[], byte[]> r) {
    int epoch = r.leaderEpoch().orElse(-1);
    if (epoch < 0 || leaderEpoch < 0 || epoch >= leaderEpoch) {
      return null;
    }
    return "the record at offset "
        + r.offset()
        + " has leader epoch "
        + epoch
        + ", older than epoch "
        + leaderEpoch
        + " of the record this server applied at offset "
        + offset
        + ": the log read now is not the one applied here";
  }

  /**
   * Why {@code r}, read back at this history's offset from topic {@code id}, is not the record this
   * history applied there; null when it is, or when this history does not know.
   */
  String differs(String id, ConsumerRecord<byte[], byte[]> r) {
    if (record.isEmpty() || r.offset() != offset) {
      return null;
    }
    String digest = digest(r);
    return digest.equals(record)
        ? null
        : "the record at offset "
            + offset
            + " of topic "
            + id
            + " is not the one this server applied there (digest "
            + digest
            + ", applied "
            + record
            + "): the log's history was rewritten, e.g. by a broker that lost acknowledged records"
            + " and handed their offsets out again";
  }

  /**
   * Why topic {@code id} is not the topic this history was applied from; null when it is or this
   * history does not know.
   */
  String otherTopic(String group, String id) {
    if (topicId.isEmpty() || id.isEmpty() || topicId.equals(id)) {
      return null;
    }
    return "the topic \""
        + group
        + "\" now has id "
        + id
        + ", but this server applied up to offset "
        + offset
        + " from the topic with id "
        + topicId
        + ": it was deleted and made again, and its offsets are another history";
  }

  /** Hex digest of a record's value and headers (the writer's id, the COPY file's content). */
  static String digest(ConsumerRecord<byte[], byte[]> r) {
    MessageDigest md = sha256();
    byte[] value = r.value() == null ? new byte[0] : r.value();
    md.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, value.length));
    md.update(value);
    for (Header h : r.headers()) {
      byte[] key = h.key().getBytes(StandardCharsets.UTF_8);
      byte[] v = h.value() == null ? new byte[0] : h.value();
      md.update(ByteBuffer.allocate(2 * Integer.BYTES).putInt(0, key.length).putInt(4, v.length));
      md.update(key);
      md.update(v);
    }
    return HEX.formatHex(md.digest(), 0, 16);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}

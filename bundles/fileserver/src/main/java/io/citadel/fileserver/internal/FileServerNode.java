package io.citadel.fileserver.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.fileserver.api.ContainerSource;
import io.citadel.fileserver.api.FileServer;
import io.citadel.fileserver.api.QuotaExceededException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's fileserver: one thread that, every heartbeat interval, reads the fragments its
 * sources hold, makes a container of each new one at the master CLDB, tells it of those gone, and
 * reports them all with their sizes. The master's answer sets the next interval and says which
 * volumes have quotas and how full they are; {@link #checkWrite} judges writes by it.
 */
public final class FileServerNode implements FileServer, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(FileServerNode.class);

  /** A volume name as the CLDB takes it. */
  private static final Pattern VOLUME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private static final long RETRY_MS = 1_000;

  /** What the master said of quotas in its last answer, and what this node had reported then. */
  private record Quotas(Map<String, Space> spaces, Map<String, Long> reported) {
    static final Quotas UNKNOWN = new Quotas(Map.of(), Map.of());
  }

  /** A volume's quota and usage, as the master counts them. */
  public record Space(long quotaBytes, long usedBytes) {}

  /** What {@code fileserver:status} shows. */
  public record Status(
      String node,
      String master,
      long epoch,
      long intervalMs,
      long lastHeartbeatMillis,
      String problem,
      int containers,
      long bytes,
      Map<String, Space> quotas,
      Set<String> volumes) {}

  private final String host;
  private final Path dir;
  private final CldbClient cldb;
  private final ObjectMapper json;
  private final Catalog catalog;
  private final Map<String, ContainerSource> sources = new ConcurrentHashMap<>();
  private final Set<String> volumesKnown = new HashSet<>();
  private final Object wake = new Object();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Quotas quotas = Quotas.UNKNOWN;
  private volatile long intervalMs = 1_000;
  private volatile long lastHeartbeat;
  private volatile String problem = "no CLDB master has answered yet";
  private volatile long heldBytes;
  private volatile List<Held> reported = List.of();
  private long epoch;

  FileServerNode(String host, Path dir, CldbClient cldb, ObjectMapper json) throws IOException {
    this.host = host;
    this.dir = dir;
    this.cldb = cldb;
    this.json = json;
    this.catalog = Catalog.open(dir, json);
    this.thread = new Thread(this::run, "citadel-fileserver-heartbeat");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  // ------------------------------------------------------------------------------ FileServer

  @Override
  public AutoCloseable attach(String volume, ContainerSource source) {
    if (volume == null || !VOLUME.matcher(volume).matches()) {
      throw new IllegalArgumentException(
          "\""
              + volume
              + "\" is not a volume name: 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a"
              + " letter or digit");
    }
    ContainerSource old = sources.putIfAbsent(volume, source);
    if (old != null && old != source) {
      throw new IllegalStateException("volume " + volume + " is attached already on this node");
    }
    LOG.info("Fileserver on {}: the containers of volume {} are {}", host, volume, source);
    wakeUp();
    return () -> {
      if (sources.remove(volume, source)) {
        LOG.info("Fileserver on {}: volume {} detached", host, volume);
      }
    };
  }

  @Override
  public void checkWrite(String volume, long bytes) {
    Quotas q = quotas;
    Space s = q.spaces().get(volume);
    if (s == null) {
      return; // no quota, or no answer from a master yet: the master judges when it hears
    }
    long grown = 0;
    ContainerSource source = sources.get(volume);
    Long reported = q.reported().get(volume);
    if (source != null && reported != null) {
      grown = Math.max(0, total(source.fragments()) - reported);
    }
    long used = s.usedBytes() + grown;
    if (used + Math.max(0, bytes) > s.quotaBytes()) {
      throw new QuotaExceededException(volume, used, s.quotaBytes(), bytes);
    }
  }

  private static long total(List<ContainerSource.Fragment> fragments) {
    long sum = 0;
    for (ContainerSource.Fragment f : fragments) {
      sum += f.bytes();
    }
    return sum;
  }

  // ------------------------------------------------------------------------------ heartbeats

  private void run() {
    while (!closed) {
      long pause;
      try {
        round();
        problem = "";
        pause = intervalMs;
      } catch (CldbClient.Unavailable e) {
        if (!e.getMessage().equals(problem)) {
          LOG.warn(
              "Fileserver on {}: {}; trying again every {} ms", host, e.getMessage(), RETRY_MS);
        }
        problem = e.getMessage();
        pause = RETRY_MS;
      } catch (CldbClient.Refused | IOException | RuntimeException e) {
        LOG.error("Fileserver on {}: a heartbeat round failed", host, e);
        problem = e.toString();
        pause = RETRY_MS;
      }
      synchronized (wake) {
        if (!closed) {
          try {
            wake.wait(pause);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  private void wakeUp() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** One heartbeat: containers made and removed as the fragments changed, then the report. */
  private void round() throws CldbClient.Unavailable, CldbClient.Refused, IOException {
    Map<Catalog.Key, Long> held = new TreeMap<>();
    Map<String, Long> bytesByVolume = new HashMap<>();
    Set<String> attached = new TreeSet<>();
    String address = "";
    for (Map.Entry<String, ContainerSource> e : sources.entrySet()) {
      String volume = e.getKey();
      List<ContainerSource.Fragment> fragments;
      try {
        fragments = e.getValue().fragments();
        if (address.isEmpty()) {
          address = e.getValue().address();
        }
      } catch (RuntimeException failed) {
        LOG.warn(
            "Fileserver on {}: volume {}'s fragments cannot be read: {}", host, volume, failed);
        continue;
      }
      attached.add(volume);
      long sum = 0;
      for (ContainerSource.Fragment f : fragments) {
        held.merge(new Catalog.Key(volume, f.table(), f.fragment()), f.bytes(), Long::sum);
        sum += f.bytes();
      }
      bytesByVolume.put(volume, sum);
    }
    Catalog.Plan plan = catalog.plan(held.keySet(), attached);
    if (!plan.create().isEmpty()) {
      create(plan.create());
    }
    for (Catalog.Entry gone : plan.remove()) {
      try {
        cldb.call("DELETE", "/v1/containers/" + gone.id(), null);
      } catch (CldbClient.Refused r) {
        if (r.status != 404) {
          throw r;
        }
      }
      catalog.remove(gone.key());
      LOG.info(
          "Fileserver on {}: container {} ({} fragment {}) removed",
          host,
          gone.id(),
          gone.table(),
          gone.fragment());
    }
    catalog.save();
    heartbeat(held, bytesByVolume, address);
  }

  private void create(List<Catalog.Key> keys) throws CldbClient.Unavailable, CldbClient.Refused {
    for (Catalog.Key k : keys) {
      if (!volumesKnown.contains(k.volume())) {
        try {
          cldb.call("POST", "/v1/volumes", Map.of("name", k.volume()));
          LOG.info("Fileserver on {}: created volume {} (no quota)", host, k.volume());
        } catch (CldbClient.Refused r) {
          if (r.status != 409) {
            throw r;
          }
        }
        volumesKnown.add(k.volume());
      }
    }
    List<Map<String, Object>> specs = new ArrayList<>(keys.size());
    for (Catalog.Key k : keys) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("volume", k.volume());
      spec.put("table", k.table());
      spec.put("fragment", k.fragment());
      spec.put("node", host);
      specs.add(spec);
    }
    JsonNode made = cldb.call("POST", "/v1/containers", specs);
    for (int i = 0; i < keys.size(); i++) {
      catalog.put(keys.get(i), made.get(i).path("id").asLong());
    }
    LOG.info(
        "Fileserver on {}: {} new container(s), {} to {}",
        host,
        keys.size(),
        made.get(0).path("id").asLong(),
        made.get(keys.size() - 1).path("id").asLong());
  }

  private void heartbeat(
      Map<Catalog.Key, Long> held, Map<String, Long> bytesByVolume, String address)
      throws CldbClient.Unavailable, CldbClient.Refused, IOException {
    List<Map<String, Object>> reports = new ArrayList<>(held.size());
    List<Held> listed = new ArrayList<>(held.size());
    long total = 0;
    for (Map.Entry<Catalog.Key, Long> e : held.entrySet()) {
      Long id = catalog.id(e.getKey());
      if (id != null) {
        Catalog.Key k = e.getKey();
        reports.add(Map.of("containerId", id, "sizeBytes", e.getValue()));
        listed.add(new Held(id, k.volume(), k.table(), k.fragment(), e.getValue()));
        total += e.getValue();
      }
    }
    FileStore disk = Files.getFileStore(dir);
    long capacity = disk.getTotalSpace();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("node", host);
    body.put("address", address);
    body.put("capacityBytes", capacity);
    body.put("usedBytes", Math.max(0, capacity - disk.getUsableSpace()));
    body.put("containers", reports);
    JsonNode reply = cldb.call("POST", "/v1/heartbeat", body);
    long replyEpoch = reply.path("epoch").asLong();
    if (replyEpoch < epoch) {
      // a deposed master that has not noticed yet: its word no longer counts
      cldb.forgetMaster();
      throw new CldbClient.Unavailable(
          "a CLDB of epoch " + replyEpoch + " answered, the master's is " + epoch);
    }
    epoch = replyEpoch;
    for (JsonNode unknown : reply.path("unknownContainers")) {
      // removed by another replica's node (its table was dropped there first): made again next
      // round if the fragment is still here, forgotten otherwise
      catalog.forget(unknown.asLong());
    }
    Map<String, Space> spaces = new TreeMap<>();
    reply
        .path("quotas")
        .fields()
        .forEachRemaining(
            q ->
                spaces.put(
                    q.getKey(),
                    new Space(
                        q.getValue().path("quotaBytes").asLong(),
                        q.getValue().path("usedBytes").asLong())));
    quotas = new Quotas(Map.copyOf(spaces), Map.copyOf(bytesByVolume));
    long next = reply.path("intervalMs").asLong(1_000);
    intervalMs = Math.max(100, Math.min(next, 10_000));
    lastHeartbeat = System.currentTimeMillis();
    heldBytes = total;
    reported = List.copyOf(listed);
  }

  // ------------------------------------------------------------------------------ status

  public Status status() {
    CldbClient.Master m = cldb.master();
    return new Status(
        host,
        m == null ? "" : m.host() + " at " + m.address(),
        epoch,
        intervalMs,
        lastHeartbeat,
        problem,
        reported.size(),
        heldBytes,
        quotas.spaces(),
        Set.copyOf(sources.keySet()));
  }

  /** A container as the last heartbeat reported it. */
  public record Held(long id, String volume, String table, int fragment, long bytes) {}

  /** The containers the last heartbeat reported, for the console. */
  public List<Held> containers() {
    return reported;
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    closed = true;
    wakeUp();
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      catalog.save();
    } catch (IOException e) {
      LOG.warn("Fileserver on {}: saving the container catalog failed: {}", host, e.toString());
    }
  }
}

package io.citadel.cldb.internal.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What the CLDB knows: volumes, containers and the nodes holding them, with quota accounting,
 * heartbeat bookkeeping and the alarms they raise.
 *
 * <p>Volumes and containers are the durable part: the master persists every change (see {@link
 * #drainChanged}) so that a new master serves the same ones. Nodes, their heartbeats and the alarms
 * are soft state that a new master learns again from the next heartbeats, within one interval.
 *
 * <p>Thread-safe: lookups share a read lock, changes take the write lock. Time is passed in, so the
 * bookkeeping is tested without sleeping.
 */
public final class ClusterModel {

  /** The container holding the cluster's own information: its name, epoch and volume list. */
  public static final long KVSTORE_CONTAINER = 1;

  /** The volume of the kvstore container. */
  public static final String CLUSTER_VOLUME = "citadel.cluster";

  /** A node whose heartbeat is this many intervals late is unavailable. */
  public static final int MISSED_INTERVALS = 3;

  /** How long the alarm that says the master changed stays raised. */
  public static final long MASTER_CHANGED_HOLD_MS = 5 * 60_000L;

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final String clusterName;
  private final double diskFullRatio;
  private final Map<String, Volume> volumes = new TreeMap<>();
  private final Map<Long, Container> containers = new TreeMap<>();

  /** Container ids by table name: a lookup reads a table's containers, not all of them. */
  private final Map<String, Set<Long>> byTable = new HashMap<>();

  private final Map<String, Long> usage = new HashMap<>();
  private final Map<String, NodeState> nodes = new TreeMap<>();
  private final Map<String, Alarm> alarms = new LinkedHashMap<>();
  private final Set<Long> changedContainers = new TreeSet<>();
  private final Set<String> changedVolumes = new TreeSet<>();
  private final Set<String> changedNodes = new TreeSet<>();
  private long nextContainerId = KVSTORE_CONTAINER + 1;
  private long epoch;

  /** One node as its heartbeats describe it. */
  private static final class NodeState {
    final String id;
    String address = "";
    long lastHeartbeat;
    long capacity;
    long used;
    boolean available = true;
    Set<Long> containers = Set.of();

    NodeState(String id) {
      this.id = id;
    }
  }

  /**
   * @param clusterName the cluster's name, kept in the kvstore container
   * @param diskFullRatio the share of a node's disk in use at which its disk-full alarm is raised
   */
  public ClusterModel(String clusterName, double diskFullRatio) {
    if (!(diskFullRatio > 0 && diskFullRatio <= 1)) {
      throw new CldbException(
          CldbException.INVALID, "the disk-full ratio must lie in (0, 1], got " + diskFullRatio);
    }
    this.clusterName = clusterName;
    this.diskFullRatio = diskFullRatio;
    Volume cluster = new Volume(CLUSTER_VOLUME, 0, 1, 3, 0);
    volumes.put(CLUSTER_VOLUME, cluster);
    containers.put(
        KVSTORE_CONTAINER,
        new Container(KVSTORE_CONTAINER, CLUSTER_VOLUME, "kvstore", 0, 0, Set.of()));
    index(containers.get(KVSTORE_CONTAINER));
    usage.put(CLUSTER_VOLUME, 0L);
  }

  public String clusterName() {
    return clusterName;
  }

  /**
   * The heartbeat interval for a cluster of {@code nodes} nodes: one second up to ten nodes,
   * growing linearly to three seconds at a thousand, so the master's load grows slower than the
   * cluster.
   */
  public static long heartbeatIntervalMs(int nodes) {
    if (nodes <= 10) {
      return 1_000;
    }
    return 1_000 + Math.round(2_000 * Math.min(1.0, (nodes - 10) / 990.0));
  }

  // ------------------------------------------------------------------------------ epochs

  /** The CLDB epoch: raised by every new master; answers of an older one are stale. */
  public long epoch() {
    lock.readLock().lock();
    try {
      return epoch;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Records that {@code master} became master at {@code epoch}, raising the alarm that says so.
   * Nodes heard of before count from now: a new master gives every node a full grace period.
   */
  public void masterChanged(String master, long epoch, long now) {
    lock.writeLock().lock();
    try {
      if (epoch <= this.epoch) {
        throw new CldbException(
            CldbException.INVALID,
            "a new master's epoch must exceed " + this.epoch + ", got " + epoch);
      }
      this.epoch = epoch;
      for (NodeState n : nodes.values()) {
        n.lastHeartbeat = now;
      }
      raise(
          Alarm.Type.CLDB_MASTER_CHANGED,
          "cldb",
          now,
          "the CLDB master is now " + master + " (epoch " + epoch + ")",
          true);
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------------------ volumes

  public Volume createVolume(
      String name, long quotaBytes, int minReplicas, int desiredReplicas, long now) {
    Volume v = new Volume(name, quotaBytes, minReplicas, desiredReplicas, now);
    lock.writeLock().lock();
    try {
      if (volumes.containsKey(name)) {
        throw new CldbException(CldbException.EXISTS, "volume " + name + " exists already");
      }
      volumes.put(name, v);
      usage.put(name, 0L);
      changedVolumes.add(name);
      return v;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Changes a volume's quota; a quota below its usage refuses further writes into it. */
  public Volume setQuota(String name, long quotaBytes) {
    lock.writeLock().lock();
    try {
      Volume v = volume(name);
      Volume changed =
          new Volume(name, quotaBytes, v.minReplicas(), v.desiredReplicas(), v.createdMillis());
      volumes.put(name, changed);
      changedVolumes.add(name);
      return changed;
    } finally {
      lock.writeLock().unlock();
    }
  }

  public List<Volume> volumes() {
    lock.readLock().lock();
    try {
      return List.copyOf(volumes.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The bytes a volume's containers hold together. */
  public long usage(String volume) {
    lock.readLock().lock();
    try {
      volume(volume);
      return usage.getOrDefault(volume, 0L);
    } finally {
      lock.readLock().unlock();
    }
  }

  private Volume volume(String name) {
    Volume v = volumes.get(name);
    if (v == null) {
      throw new CldbException(CldbException.NOT_FOUND, "there is no volume " + name);
    }
    return v;
  }

  /**
   * Refuses a write of {@code bytes} into {@code volume} that its quota does not leave room for.
   *
   * @throws CldbException with {@link CldbException#QUOTA_EXCEEDED}, naming the volume, its usage
   *     and its quota
   */
  public void checkWrite(String volume, long bytes) {
    lock.readLock().lock();
    try {
      Volume v = volume(volume);
      long used = usage.getOrDefault(volume, 0L);
      if (v.hasQuota() && used + bytes > v.quotaBytes()) {
        throw new CldbException(
            CldbException.QUOTA_EXCEEDED,
            "volume "
                + volume
                + " would exceed its quota: "
                + used
                + " of "
                + v.quotaBytes()
                + " bytes used, a write of "
                + bytes
                + " bytes is refused");
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  // ------------------------------------------------------------------------------ containers

  /**
   * Makes a container for fragment {@code fragment} of {@code table} in {@code volume}, first held
   * by {@code node}; the master assigns its id. Every member of an HA group holds a replica of the
   * same fragment, so a fragment that has a container already answers that one, with {@code node}
   * added to its replicas: asking twice makes one container.
   */
  public Container createContainer(String volume, String table, int fragment, String node) {
    lock.writeLock().lock();
    try {
      volume(volume);
      if (table == null || table.isBlank() || fragment < 0) {
        throw new CldbException(
            CldbException.INVALID, "a container needs a table and a fragment number >= 0");
      }
      Container c = existing(volume, table, fragment);
      if (c == null) {
        c =
            new Container(
                nextContainerId++,
                volume,
                table,
                fragment,
                0,
                node == null ? Set.of() : Set.of(node));
        index(c);
      } else if (node != null && !c.replicas().contains(node)) {
        c = c.withReplica(node, c.sizeBytes());
      }
      containers.put(c.id(), c);
      changedContainers.add(c.id());
      NodeState n = node == null ? null : nodes.get(node);
      if (n != null && !n.containers.contains(c.id())) {
        Set<Long> held = new HashSet<>(n.containers);
        held.add(c.id());
        n.containers = held;
      }
      return c;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private Container existing(String volume, String table, int fragment) {
    for (Long id : byTable.getOrDefault(table, Set.of())) {
      Container c = containers.get(id);
      if (c != null && c.volume().equals(volume) && c.fragment() == fragment) {
        return c;
      }
    }
    return null;
  }

  /** Forgets a container (its table was dropped); answers whether it was known. */
  public boolean removeContainer(long id) {
    lock.writeLock().lock();
    try {
      if (id == KVSTORE_CONTAINER) {
        throw new CldbException(CldbException.INVALID, "container 1 is the cluster's own");
      }
      Container c = containers.remove(id);
      if (c == null) {
        return false;
      }
      Set<Long> ids = byTable.get(c.table());
      if (ids != null && ids.remove(id) && ids.isEmpty()) {
        byTable.remove(c.table());
      }
      usage.merge(c.volume(), -c.sizeBytes(), Long::sum);
      changedContainers.add(id);
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  public Container container(long id) {
    lock.readLock().lock();
    try {
      Container c = containers.get(id);
      if (c == null) {
        throw new CldbException(CldbException.NOT_FOUND, "there is no container " + id);
      }
      return c;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The containers of one volume, or of all when {@code volume} is null, by id. */
  public List<Container> containers(String volume) {
    lock.readLock().lock();
    try {
      if (volume != null) {
        volume(volume);
      }
      List<Container> out = new ArrayList<>();
      for (Container c : containers.values()) {
        if (volume == null || c.volume().equals(volume)) {
          out.add(c);
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  private void index(Container c) {
    byTable.computeIfAbsent(c.table(), t -> new TreeSet<>()).add(c.id());
  }

  // ------------------------------------------------------------------------------ heartbeats

  /**
   * Takes a fileserver's heartbeat: the node is alive, holds exactly the containers it lists (at
   * the sizes it lists), and no longer holds those it stopped listing.
   */
  public HeartbeatReply heartbeat(Heartbeat hb, long now) {
    lock.writeLock().lock();
    try {
      NodeState n = nodes.get(hb.node());
      if (n == null) {
        n = new NodeState(hb.node());
        nodes.put(n.id, n);
        changedNodes.add(n.id);
      }
      if (!n.available || !n.address.equals(hb.address())) {
        changedNodes.add(n.id);
      }
      n.address = hb.address();
      n.lastHeartbeat = now;
      n.capacity = hb.capacityBytes();
      n.used = hb.usedBytes();
      n.available = true;
      Set<Long> reported = new HashSet<>(hb.containers().size() * 2);
      List<Long> unknown = new ArrayList<>();
      for (Heartbeat.Report r : hb.containers()) {
        Container c = containers.get(r.containerId());
        if (c == null || r.sizeBytes() < 0) {
          unknown.add(r.containerId());
          continue;
        }
        reported.add(c.id());
        if (!c.replicas().contains(hb.node()) || c.sizeBytes() != r.sizeBytes()) {
          usage.merge(c.volume(), r.sizeBytes() - c.sizeBytes(), Long::sum);
          containers.put(c.id(), c.withReplica(hb.node(), r.sizeBytes()));
          changedContainers.add(c.id());
        }
      }
      for (Long id : n.containers) {
        if (!reported.contains(id)) {
          Container c = containers.get(id);
          if (c != null) {
            containers.put(id, c.withoutReplica(hb.node()));
            changedContainers.add(id);
          }
        }
      }
      n.containers = reported;
      return new HeartbeatReply(
          heartbeatIntervalMs(nodes.size()), epoch, unknown, volumesOverQuota(), quotas());
    } finally {
      lock.writeLock().unlock();
    }
  }

  private Set<String> volumesOverQuota() {
    Set<String> over = new TreeSet<>();
    for (Volume v : volumes.values()) {
      if (v.hasQuota() && usage.getOrDefault(v.name(), 0L) >= v.quotaBytes()) {
        over.add(v.name());
      }
    }
    return over;
  }

  private Map<String, HeartbeatReply.Space> quotas() {
    Map<String, HeartbeatReply.Space> out = new TreeMap<>();
    for (Volume v : volumes.values()) {
      if (v.hasQuota()) {
        out.put(
            v.name(), new HeartbeatReply.Space(v.quotaBytes(), usage.getOrDefault(v.name(), 0L)));
      }
    }
    return out;
  }

  /** A node as the CLDB sees it, for listing. */
  public record NodeView(
      String id,
      String address,
      boolean available,
      long lastHeartbeatMillis,
      long capacityBytes,
      long usedBytes,
      int containers) {}

  public List<NodeView> nodes() {
    lock.readLock().lock();
    try {
      List<NodeView> out = new ArrayList<>();
      for (NodeState n : nodes.values()) {
        out.add(
            new NodeView(
                n.id,
                n.address,
                n.available,
                n.lastHeartbeat,
                n.capacity,
                n.used,
                n.containers.size()));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Brings availability and alarms up to {@code now}: nodes late by {@link #MISSED_INTERVALS}
   * intervals become unavailable; every alarm is raised or cleared as its condition holds.
   */
  public void tick(long now) {
    lock.writeLock().lock();
    try {
      long interval = heartbeatIntervalMs(nodes.size());
      for (NodeState n : nodes.values()) {
        long late = now - n.lastHeartbeat;
        boolean available = late <= MISSED_INTERVALS * interval;
        if (available != n.available) {
          changedNodes.add(n.id);
        }
        n.available = available;
        set(
            !n.available,
            Alarm.Type.NODE_HEARTBEAT_MISSED,
            n.id,
            now,
            "node " + n.id + " sent no heartbeat for " + late + " ms");
        boolean full = n.capacity > 0 && n.used >= diskFullRatio * n.capacity;
        set(
            full,
            Alarm.Type.NODE_DISK_NEARLY_FULL,
            n.id,
            now,
            "node " + n.id + " uses " + n.used + " of " + n.capacity + " bytes of container disk");
      }
      Set<String> over = volumesOverQuota();
      Map<String, Integer> under = underReplicated();
      for (Volume v : volumes.values()) {
        set(
            over.contains(v.name()),
            Alarm.Type.VOLUME_QUOTA_EXCEEDED,
            v.name(),
            now,
            "volume "
                + v.name()
                + " holds "
                + usage.getOrDefault(v.name(), 0L)
                + " bytes, its quota is "
                + v.quotaBytes()
                + ": writes into it are refused");
        int count = under.getOrDefault(v.name(), 0);
        set(
            count > 0,
            Alarm.Type.CONTAINER_UNDER_REPLICATED,
            v.name(),
            now,
            count
                + " container(s) of volume "
                + v.name()
                + " have fewer than "
                + v.minReplicas()
                + " live replica(s)");
      }
      Alarm changed = alarms.get(Alarm.Type.CLDB_MASTER_CHANGED + "/cldb");
      if (changed != null && now - changed.raisedMillis() >= MASTER_CHANGED_HOLD_MS) {
        alarms.remove(changed.key());
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Per volume, how many containers have fewer live replicas than the volume's minimum. */
  private Map<String, Integer> underReplicated() {
    Map<String, Integer> out = new HashMap<>();
    for (Container c : containers.values()) {
      if (c.id() == KVSTORE_CONTAINER) {
        continue; // held by the CLDBs themselves, in ZooKeeper
      }
      int live = 0;
      for (String node : c.replicas()) {
        NodeState n = nodes.get(node);
        if (n != null && n.available) {
          live++;
        }
      }
      if (live < volumes.get(c.volume()).minReplicas()) {
        out.merge(c.volume(), 1, Integer::sum);
      }
    }
    return out;
  }

  private void set(boolean holds, Alarm.Type type, String subject, long now, String text) {
    if (holds) {
      raise(type, subject, now, text, false);
    } else {
      alarms.remove(type + "/" + subject);
    }
  }

  private void raise(Alarm.Type type, String subject, long now, String text, boolean restart) {
    String key = type + "/" + subject;
    Alarm old = alarms.get(key);
    long since = old == null || restart ? now : old.raisedMillis();
    alarms.put(key, new Alarm(type, subject, since, text));
  }

  /** The alarms raised now, oldest first. */
  public List<Alarm> alarms() {
    lock.readLock().lock();
    try {
      List<Alarm> out = new ArrayList<>(alarms.values());
      out.sort(java.util.Comparator.comparingLong(Alarm::raisedMillis));
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ------------------------------------------------------------------------------ lookups

  /**
   * The open-file flow: a table's name to its volume, to its containers, to the addresses of the
   * live nodes holding each. {@code table} is {@code volume/table}, or a bare name that only one
   * volume has.
   */
  public List<Location> lookup(String table) {
    lock.readLock().lock();
    try {
      String volume = null;
      String name = table;
      int slash = table.indexOf('/');
      if (slash >= 0) {
        volume = table.substring(0, slash);
        name = table.substring(slash + 1);
        volume(volume);
      }
      List<Location> out = new ArrayList<>();
      Set<String> seenVolumes = new TreeSet<>();
      for (Long id : byTable.getOrDefault(name, Set.of())) {
        Container c = containers.get(id);
        if (volume != null && !c.volume().equals(volume)) {
          continue;
        }
        seenVolumes.add(c.volume());
        List<String> live = new ArrayList<>();
        for (String node : c.replicas()) {
          NodeState n = nodes.get(node);
          if (n != null && n.available && !n.address.isEmpty()) {
            live.add(n.address);
          }
        }
        out.add(
            new Location(c.id(), c.volume(), c.table(), c.fragment(), live, c.replicas().size()));
      }
      if (seenVolumes.size() > 1) {
        throw new CldbException(
            CldbException.AMBIGUOUS,
            "table " + name + " is in volumes " + seenVolumes + ": name it as <volume>/" + name);
      }
      if (out.isEmpty()) {
        throw new CldbException(CldbException.NOT_FOUND, "no container holds table " + table);
      }
      out.sort(java.util.Comparator.comparingInt(Location::fragment));
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ------------------------------------------------------------------------------ persistence

  /** What changed since the last drain, for the master to persist. */
  public record Changes(
      List<Volume> volumes,
      List<Container> containers,
      List<Long> removedContainers,
      List<NodeRecord> nodes,
      long nextContainerId) {
    public boolean isEmpty() {
      return volumes.isEmpty()
          && containers.isEmpty()
          && removedContainers.isEmpty()
          && nodes.isEmpty();
    }
  }

  /** Takes the changes made since the last call. */
  public Changes drainChanged() {
    lock.writeLock().lock();
    try {
      List<Volume> vs = new ArrayList<>();
      for (String name : changedVolumes) {
        vs.add(volumes.get(name));
      }
      List<Container> cs = new ArrayList<>();
      List<Long> removed = new ArrayList<>();
      for (Long id : changedContainers) {
        Container c = containers.get(id);
        if (c == null) {
          removed.add(id);
        } else {
          cs.add(c);
        }
      }
      List<NodeRecord> ns = new ArrayList<>();
      for (String id : changedNodes) {
        NodeState n = nodes.get(id);
        ns.add(new NodeRecord(n.id, n.address, n.available, n.capacity, n.used));
      }
      changedVolumes.clear();
      changedContainers.clear();
      changedNodes.clear();
      return new Changes(vs, cs, removed, ns, nextContainerId);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Marks again as changed what {@code changes} held, after writing them failed: the next {@link
   * #drainChanged} carries them (as they are then), so a failed write loses nothing.
   */
  public void requeue(Changes changes) {
    lock.writeLock().lock();
    try {
      for (Volume v : changes.volumes()) {
        if (v != null) {
          changedVolumes.add(v.name());
        }
      }
      for (Container c : changes.containers()) {
        changedContainers.add(c.id());
      }
      changedContainers.addAll(changes.removedContainers());
      for (NodeRecord n : changes.nodes()) {
        changedNodes.add(n.id());
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The nodes as records, as a master persists them. */
  public List<NodeRecord> nodeRecords() {
    lock.readLock().lock();
    try {
      List<NodeRecord> out = new ArrayList<>();
      for (NodeState n : nodes.values()) {
        out.add(new NodeRecord(n.id, n.address, n.available, n.capacity, n.used));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Takes the nodes as the master last persisted them (a slave's view): a slave hears no
   * heartbeats, so availability is the master's word. Nodes not listed are forgotten.
   */
  public void loadNodes(Collection<NodeRecord> records, long now) {
    lock.writeLock().lock();
    try {
      Map<String, NodeState> kept = new TreeMap<>();
      for (NodeRecord r : records) {
        NodeState n = nodes.getOrDefault(r.id(), new NodeState(r.id()));
        n.address = r.address();
        n.available = r.available();
        n.capacity = r.capacityBytes();
        n.used = r.usedBytes();
        n.lastHeartbeat = now;
        n.containers = new HashSet<>();
        kept.put(r.id(), n);
      }
      nodes.clear();
      nodes.putAll(kept);
      for (Container c : containers.values()) {
        for (String node : c.replicas()) {
          NodeState n = nodes.get(node);
          if (n != null) {
            n.containers.add(c.id());
          }
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Loads persisted volumes and containers (a new master, or a slave refreshing its copy),
   * replacing what was known; node soft state is kept.
   */
  public void load(Collection<Volume> vs, Collection<Container> cs, long nextId) {
    Set<String> names = new HashSet<>();
    names.add(CLUSTER_VOLUME);
    vs.forEach(v -> names.add(v.name()));
    for (Container c : cs) {
      if (!names.contains(c.volume())) {
        throw new CldbException(
            CldbException.INVALID,
            "container " + c.id() + " names volume " + c.volume() + ", which does not exist");
      }
    }
    lock.writeLock().lock();
    try {
      Volume cluster = volumes.get(CLUSTER_VOLUME);
      Container kv = containers.get(KVSTORE_CONTAINER);
      volumes.clear();
      containers.clear();
      byTable.clear();
      usage.clear();
      volumes.put(CLUSTER_VOLUME, cluster);
      usage.put(CLUSTER_VOLUME, 0L);
      for (Volume v : vs) {
        volumes.put(v.name(), v);
        usage.putIfAbsent(v.name(), 0L);
      }
      containers.put(KVSTORE_CONTAINER, kv);
      index(kv);
      long highest = KVSTORE_CONTAINER;
      for (Container c : cs) {
        containers.put(c.id(), c);
        index(c);
        usage.merge(c.volume(), c.sizeBytes(), Long::sum);
        highest = Math.max(highest, c.id());
      }
      nextContainerId = Math.max(nextId, highest + 1);
      for (NodeState n : nodes.values()) {
        Set<Long> held = new HashSet<>();
        for (Long id : n.containers) {
          if (containers.containsKey(id)) {
            held.add(id);
          }
        }
        n.containers = held;
      }
      changedVolumes.clear();
      changedContainers.clear();
    } finally {
      lock.writeLock().unlock();
    }
  }
}

package io.citadel.fileserver.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers this node holds, kept on its local disk: which fragment of which table each
 * stores, under the id the master CLDB gave it. A restarted fileserver reports the same ids at
 * once, without asking the master again.
 *
 * <p>The file is JSON, replaced atomically after a forced write. A file that cannot be read is set
 * aside under a name saying so and the catalog starts empty: the master hands out the same ids
 * again, since it makes one container per fragment however often it is asked.
 *
 * <p>Not thread-safe: the fileserver's heartbeat thread alone changes it.
 */
final class Catalog {
  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
  static final String FILE = "containers.json";

  /** A fragment of a table in a volume: what one container stores. */
  record Key(String volume, String table, int fragment) implements Comparable<Key> {
    private static final Comparator<Key> ORDER =
        Comparator.comparing(Key::volume).thenComparing(Key::table).thenComparingInt(Key::fragment);

    @Override
    public int compareTo(Key o) {
      return ORDER.compare(this, o);
    }
  }

  /** One line of the file. */
  record Entry(long id, String volume, String table, int fragment) {
    Key key() {
      return new Key(volume, table, fragment);
    }
  }

  /** What a round must tell the master: fragments without a container, containers gone. */
  record Plan(List<Key> create, List<Entry> remove) {}

  private final Path file;
  private final ObjectMapper json;
  private final Map<Key, Long> ids = new TreeMap<>();
  private boolean dirty;

  private Catalog(Path file, ObjectMapper json) {
    this.file = file;
    this.json = json;
  }

  /** Reads the catalog in {@code dir}, creating the folder; an unreadable file is set aside. */
  static Catalog open(Path dir, ObjectMapper json) throws IOException {
    Files.createDirectories(dir);
    Catalog c = new Catalog(dir.resolve(FILE), json);
    if (Files.exists(c.file)) {
      try {
        List<Entry> entries = json.readValue(c.file.toFile(), new TypeReference<List<Entry>>() {});
        for (Entry e : entries) {
          if (e == null || e.id() < 2 || e.volume() == null || e.table() == null) {
            throw new IOException("an entry without an id, volume or table: " + e);
          }
          c.ids.put(e.key(), e.id());
        }
      } catch (IOException e) {
        Path aside = dir.resolve(FILE + ".unreadable-" + System.currentTimeMillis());
        Files.move(c.file, aside);
        LOG.error(
            "Fileserver: the container catalog {} cannot be read ({}); it is kept as {} and the"
                + " containers' ids are asked of the CLDB master again",
            c.file,
            e.getMessage(),
            aside);
        c.ids.clear();
      }
    }
    return c;
  }

  Long id(Key key) {
    return ids.get(key);
  }

  int size() {
    return ids.size();
  }

  /** Every entry, in key order. */
  List<Entry> entries() {
    List<Entry> out = new ArrayList<>(ids.size());
    ids.forEach((k, id) -> out.add(new Entry(id, k.volume(), k.table(), k.fragment())));
    return out;
  }

  void put(Key key, long id) {
    Long old = ids.put(key, id);
    dirty |= old == null || old != id;
  }

  void remove(Key key) {
    dirty |= ids.remove(key) != null;
  }

  /** Forgets the container with {@code id}, wherever it is recorded; answers whether it was. */
  boolean forget(long id) {
    boolean removed = ids.values().removeIf(v -> v == id);
    dirty |= removed;
    return removed;
  }

  /**
   * What the fragments held now ask of the master: a container for each new fragment, and the
   * removal of each recorded container of an {@code attached} volume whose fragment is gone.
   * Containers of volumes no source is attached to stay on record (their engine is away, not their
   * data).
   */
  Plan plan(Collection<Key> held, Set<String> attached) {
    List<Key> create = new ArrayList<>();
    for (Key k : held) {
      if (!ids.containsKey(k)) {
        create.add(k);
      }
    }
    Set<Key> now = held instanceof Set<Key> s ? s : Set.copyOf(held);
    List<Entry> remove = new ArrayList<>();
    ids.forEach(
        (k, id) -> {
          if (attached.contains(k.volume()) && !now.contains(k)) {
            remove.add(new Entry(id, k.volume(), k.table(), k.fragment()));
          }
        });
    return new Plan(create, remove);
  }

  /** Writes the catalog if it changed: a forced temporary file moved over the old one. */
  void save() throws IOException {
    if (!dirty) {
      return;
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(entries());
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      io.citadel.sdk.DurableFiles.move(tmp, file);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    dirty = false;
  }
}

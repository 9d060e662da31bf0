package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.Table;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Plain (not unique) indexes made by CREATE INDEX: the columnar engine needs none to answer (scans
 * skip fragments by their min and max), so an index is only its name, table and columns, kept in
 * the store's durable metadata ({@code index.<name>} = {@code table\ncol,col}; an empty value is a
 * dropped one) for the catalog to list. A unique index is a unique key of its table instead.
 */
final class Indexes {
  static final String PREFIX = "index.";

  private Indexes() {}

  record Index(String table, List<String> columns) {
    String encode() {
      return table + "\n" + String.join(",", columns);
    }

    static Index decode(String stored) {
      int nl = stored.indexOf('\n');
      return new Index(stored.substring(0, nl), List.of(stored.substring(nl + 1).split(",")));
    }
  }

  /** The indexes by name, those of tables that no longer exist left out. */
  static SortedMap<String, Index> of(Store store) {
    SortedMap<String, Index> out = new TreeMap<>();
    for (Map.Entry<String, String> e : store.metaWithPrefix(PREFIX).entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      Index i = Index.decode(e.getValue());
      Table t = store.table(i.table());
      if (t != null && i.columns().stream().allMatch(c -> t.def().indexOf(c) >= 0)) {
        out.put(e.getKey().substring(PREFIX.length()), i);
      }
    }
    return out;
  }

  /** Whether a relation of that name exists: a table, a view, a key's index or an index. */
  static boolean exists(Store store, String name) {
    if (store.table(name) != null || of(store).containsKey(name)) {
      return true;
    }
    String view = store.meta(Views.PREFIX + name);
    if (view != null && !view.isEmpty()) {
      return true;
    }
    for (Table t : store.tables()) {
      if (t.def().constraints().keys().stream().anyMatch(k -> k.name().equals(name))) {
        return true;
      }
    }
    return false;
  }

  /** Forgets the indexes of a dropped table. */
  static void dropFor(Store store, String table) {
    for (Map.Entry<String, String> e : store.metaWithPrefix(PREFIX).entrySet()) {
      if (!e.getValue().isEmpty() && Index.decode(e.getValue()).table().equals(table)) {
        store.putMeta(e.getKey(), "");
      }
    }
  }
}

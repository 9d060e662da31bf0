package io.citadel.engine.internal.storage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A table's constraints and column defaults, by column id (ids survive a renamed column): the
 * primary key and the unique keys the store enforces on every write, CHECK expressions (SQL text,
 * judged by the SQL layer through {@link Store.RowCheck}), DEFAULT expressions (SQL text, filled in
 * by the planner), and identity columns (SERIAL, GENERATED ... AS IDENTITY) whose missing values
 * the store draws from a counter kept in the same durable write as the rows.
 */
public record Constraints(
    Key primaryKey,
    List<Key> unique,
    List<Check> checks,
    Map<Integer, String> defaults,
    Set<Integer> identity) {

  /** A primary or unique key: its name (as PostgreSQL names it) and its columns. */
  public record Key(String name, List<Integer> columns) {
    public Key {
      columns = List.copyOf(columns);
    }
  }

  /** A CHECK constraint: its name and its boolean expression as written. */
  public record Check(String name, String expression) {}

  public static final Constraints NONE =
      new Constraints(null, List.of(), List.of(), Map.of(), Set.of());

  public Constraints {
    unique = List.copyOf(unique);
    checks = List.copyOf(checks);
    defaults = Map.copyOf(defaults);
    identity = Set.copyOf(identity);
  }

  /** The primary key, then the unique keys: every key the store enforces. */
  public List<Key> keys() {
    List<Key> all = new ArrayList<>();
    if (primaryKey != null) {
      all.add(primaryKey);
    }
    all.addAll(unique);
    return all;
  }

  public boolean isEmpty() {
    return primaryKey == null
        && unique.isEmpty()
        && checks.isEmpty()
        && defaults.isEmpty()
        && identity.isEmpty();
  }

  /** The constraints left when column {@code id} is dropped: keys and defaults on it go too. */
  public Constraints withoutColumn(int id) {
    Key pk = primaryKey != null && primaryKey.columns().contains(id) ? null : primaryKey;
    List<Key> u = new ArrayList<>();
    for (Key k : unique) {
      if (!k.columns().contains(id)) {
        u.add(k);
      }
    }
    Map<Integer, String> d = new LinkedHashMap<>(defaults);
    d.remove(id);
    Set<Integer> ident = new TreeSet<>(identity);
    ident.remove(id);
    return new Constraints(pk, u, checks, d, ident);
  }

  public Constraints withUnique(String name, List<Integer> columns) {
    List<Key> u = new ArrayList<>(unique);
    u.add(new Key(name, columns));
    return new Constraints(primaryKey, u, checks, defaults, identity);
  }

  /** The constraints without the unique key of that name. */
  public Constraints withoutKey(String name) {
    List<Key> u = new ArrayList<>();
    for (Key k : unique) {
      if (!k.name().equals(name)) {
        u.add(k);
      }
    }
    return new Constraints(primaryKey, u, checks, defaults, identity);
  }

  public Constraints withDefault(int id, String expression) {
    Map<Integer, String> d = new LinkedHashMap<>(defaults);
    if (expression == null) {
      d.remove(id);
    } else {
      d.put(id, expression);
    }
    return new Constraints(primaryKey, unique, checks, d, identity);
  }

  void write(DataOutputStream out) throws IOException {
    out.writeBoolean(primaryKey != null);
    if (primaryKey != null) {
      writeKey(out, primaryKey);
    }
    out.writeInt(unique.size());
    for (Key k : unique) {
      writeKey(out, k);
    }
    out.writeInt(checks.size());
    for (Check c : checks) {
      out.writeUTF(c.name());
      out.writeUTF(c.expression());
    }
    out.writeInt(defaults.size());
    for (Map.Entry<Integer, String> e : new java.util.TreeMap<>(defaults).entrySet()) {
      out.writeInt(e.getKey());
      out.writeUTF(e.getValue());
    }
    out.writeInt(identity.size());
    for (int id : new TreeSet<>(identity)) {
      out.writeInt(id);
    }
  }

  static Constraints read(DataInputStream in) throws IOException {
    Key pk = in.readBoolean() ? readKey(in) : null;
    int n = in.readInt();
    List<Key> unique = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      unique.add(readKey(in));
    }
    n = in.readInt();
    List<Check> checks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      checks.add(new Check(in.readUTF(), in.readUTF()));
    }
    n = in.readInt();
    Map<Integer, String> defaults = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      defaults.put(in.readInt(), in.readUTF());
    }
    n = in.readInt();
    Set<Integer> identity = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      identity.add(in.readInt());
    }
    return new Constraints(pk, unique, checks, defaults, identity);
  }

  private static void writeKey(DataOutputStream out, Key k) throws IOException {
    out.writeUTF(k.name());
    out.writeInt(k.columns().size());
    for (int c : k.columns()) {
      out.writeInt(c);
    }
  }

  private static Key readKey(DataInputStream in) throws IOException {
    String name = in.readUTF();
    int n = in.readInt();
    List<Integer> cols = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cols.add(in.readInt());
    }
    return new Key(name, cols);
  }
}

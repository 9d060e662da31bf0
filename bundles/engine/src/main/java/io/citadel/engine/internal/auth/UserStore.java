package io.citadel.engine.internal.auth;

import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.SqlException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's users: a name, whether a superuser, and the SCRAM-SHA-256 verifier. They live in the
 * database's own durable state (the store's recorded pairs, key {@code role.<name>}), so a user
 * changed by a statement applied from an HA group's log is written in the same durable write as the
 * log offset, is part of every snapshot, and is the same on every member at the same offset. No
 * password is compiled in: on first start the store makes the superuser {@code citadel} with a
 * random password and writes that password to {@code <data-dir>/initial-password}, readable by the
 * owner only; a password already written there before the first start is taken instead (every node
 * of a local cluster gets the same one that way). A {@code users} file of an earlier version is
 * taken over once.
 */
public final class UserStore {
  private static final Logger LOG = LoggerFactory.getLogger(UserStore.class);
  public static final String ADMIN = "citadel";
  public static final String INITIAL_PASSWORD_FILE = "initial-password";

  /** The store key of a user: this prefix and the name. */
  static final String KEY_PREFIX = "role.";

  private static final String LEGACY_FILE = "users";
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  /** One user. */
  public record User(String name, boolean superuser, Scram.Verifier verifier) {
    String encoded() {
      return (superuser ? "superuser" : "user") + " " + verifier;
    }

    static User decode(String name, String value) {
      String[] parts = value.split(" ", 2);
      Scram.Verifier verifier = parts.length == 2 ? Scram.Verifier.parse(parts[1]) : null;
      if (verifier == null) {
        throw new IllegalStateException("the stored role " + name + " cannot be read: " + value);
      }
      return new User(name, parts[0].equals("superuser"), verifier);
    }
  }

  private final Store store;

  private UserStore(Store store) {
    this.store = store;
  }

  /**
   * The users of the database in {@code store}, whose folder is {@code dataDir}, making the first
   * superuser when there is none.
   */
  public static UserStore open(Store store, Path dataDir) throws IOException {
    UserStore users = new UserStore(store);
    if (!users.list().isEmpty()) {
      return users;
    }
    Path legacy = dataDir.resolve(LEGACY_FILE);
    if (Files.isRegularFile(legacy)) {
      Map<String, String> taken = new TreeMap<>();
      for (User u : readLegacy(legacy)) {
        taken.put(KEY_PREFIX + u.name(), u.encoded());
      }
      store.putMeta(taken);
      Files.delete(legacy);
      LOG.info("Took over {} users from {} into the database", taken.size(), legacy);
      if (!users.list().isEmpty()) {
        return users;
      }
    }
    Path initial = dataDir.resolve(INITIAL_PASSWORD_FILE);
    // an operator (or the cluster command, for every node of a local cluster alike) may choose the
    // first superuser's password by writing it there before the first start
    String given = Files.isRegularFile(initial) ? Files.readString(initial).strip() : "";
    String password = given.isEmpty() ? Scram.randomToken(18) : given;
    writePrivate(initial, password + "\n");
    store.putMeta(KEY_PREFIX + ADMIN, new User(ADMIN, true, Scram.verifier(password)).encoded());
    LOG.info(
        "Made the superuser '{}' with {} password, written to {} (readable by its owner"
            + " only). Change it with ALTER USER {} WITH PASSWORD '...'.",
        ADMIN,
        given.isEmpty() ? "a random" : "the given",
        initial,
        ADMIN);
    return users;
  }

  private static List<User> readLegacy(Path file) throws IOException {
    List<User> users = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      Scram.Verifier verifier = parts.length == 3 ? Scram.Verifier.parse(parts[2]) : null;
      if (verifier == null || !NAME.matcher(parts[0]).matches()) {
        throw new IOException(
            file + " line " + (i + 1) + ": expected '<name> <superuser> <SCRAM verifier>'");
      }
      users.add(new User(parts[0], Boolean.parseBoolean(parts[1]), verifier));
    }
    return users;
  }

  private static void writePrivate(Path path, String text) throws IOException {
    Files.deleteIfExists(path);
    try {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(path);
    }
    try (FileChannel out = FileChannel.open(path, StandardOpenOption.WRITE)) {
      out.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      out.force(true);
    }
  }

  /** The user, or null. Inside a transaction block, as the block sees it. */
  public User get(String name) {
    String value = store.meta(KEY_PREFIX + name);
    return value == null || value.isEmpty() ? null : User.decode(name, value);
  }

  public List<User> list() {
    List<User> out = new ArrayList<>();
    store
        .metaWithPrefix(KEY_PREFIX)
        .forEach((k, v) -> out.add(User.decode(k.substring(KEY_PREFIX.length()), v)));
    return out;
  }

  /**
   * Creates a user. The password is either clear text or a SCRAM-SHA-256 verifier already made (by
   * the client, as psql's {@code \password} does, or by the server that logged the statement for an
   * HA group: clear passwords never travel through the group's log).
   */
  public synchronized void create(String name, String password, boolean superuser) {
    checkName(name);
    if (get(name) != null) {
      throw new SqlException(SqlException.DUPLICATE_OBJECT, "role \"" + name + "\" already exists");
    }
    put(new User(name, superuser, verifierFor(password)));
  }

  public synchronized void setPassword(String name, String password) {
    User u = require(name);
    put(new User(name, u.superuser(), verifierFor(password)));
  }

  public synchronized void drop(String name) {
    User u = require(name);
    if (u.superuser() && list().stream().filter(User::superuser).count() == 1) {
      throw new SqlException(
          SqlException.INSUFFICIENT_PRIVILEGE, "cannot drop \"" + name + "\", the last superuser");
    }
    store.putMeta(KEY_PREFIX + name, "");
  }

  private User require(String name) {
    User u = get(name);
    if (u == null) {
      throw new SqlException(SqlException.UNDEFINED_OBJECT, "role \"" + name + "\" does not exist");
    }
    return u;
  }

  private void put(User user) {
    store.putMeta(KEY_PREFIX + user.name(), user.encoded());
  }

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "invalid role name \"" + name + "\": use letters, digits, _ and $");
    }
  }

  /**
   * The verifier a password gives: a verifier given as the password is taken as it is, a clear
   * password gets a new random salt. What a statement that sets a password logs in its place.
   */
  public static Scram.Verifier verifierFor(String password) {
    Scram.Verifier given = Scram.Verifier.parse(password);
    if (given != null) {
      return given;
    }
    if (password.startsWith("md5") && password.length() == 35) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "md5 password hashes are not accepted: set password_encryption to scram-sha-256");
    }
    if (password.length() < 8) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER, "a password must have at least 8 characters");
    }
    return Scram.verifier(password);
  }
}

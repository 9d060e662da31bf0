package io.citadel.engine.internal.auth;

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
 * The engine's users, kept in {@code <data-dir>/users} as one line per user: name, whether a
 * superuser, and the SCRAM-SHA-256 verifier. No password is compiled in: on first start the store
 * makes the superuser {@code citadel} with a random password and writes that password to {@code
 * <data-dir>/initial-password}, readable by the owner only; a password already written there before
 * the first start is taken instead (every node of a local cluster gets the same one that way).
 */
public final class UserStore {
  private static final Logger LOG = LoggerFactory.getLogger(UserStore.class);
  public static final String ADMIN = "citadel";
  public static final String INITIAL_PASSWORD_FILE = "initial-password";
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  /** One user. */
  public record User(String name, boolean superuser, Scram.Verifier verifier) {}

  private final Path file;
  private final Map<String, User> users = new TreeMap<>();

  private UserStore(Path file) {
    this.file = file;
  }

  /** Opens the store in {@code dataDir}, making the first superuser when there is none. */
  public static UserStore open(Path dataDir) throws IOException {
    UserStore store = new UserStore(dataDir.resolve("users"));
    if (Files.exists(store.file)) {
      store.load();
    }
    if (store.users.isEmpty()) {
      Path initial = dataDir.resolve(INITIAL_PASSWORD_FILE);
      // an operator (or the cluster command, for every node of a local cluster alike) may choose
      // the first superuser's password by writing it there before the first start
      String given = Files.isRegularFile(initial) ? Files.readString(initial).strip() : "";
      String password = given.isEmpty() ? Scram.randomToken(18) : given;
      store.users.put(ADMIN, new User(ADMIN, true, Scram.verifier(password)));
      writePrivate(initial, password + "\n");
      store.save();
      LOG.info(
          "Made the superuser '{}' with {} password, written to {} (readable by its owner"
              + " only). Change it with ALTER USER {} WITH PASSWORD '...'.",
          ADMIN,
          given.isEmpty() ? "a random" : "the given",
          initial,
          ADMIN);
    }
    return store;
  }

  private void load() throws IOException {
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
      users.put(parts[0], new User(parts[0], Boolean.parseBoolean(parts[1]), verifier));
    }
  }

  private void save() throws IOException {
    StringBuilder text = new StringBuilder("# Citadel engine users: name superuser verifier\n");
    for (User u : users.values()) {
      text.append(u.name())
          .append(' ')
          .append(u.superuser())
          .append(' ')
          .append(u.verifier())
          .append('\n');
    }
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    writePrivate(temporary, text.toString());
    io.citadel.sdk.DurableFiles.move(temporary, file);
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

  public synchronized User get(String name) {
    return users.get(name);
  }

  public synchronized List<User> list() {
    return new ArrayList<>(users.values());
  }

  /**
   * Creates a user. The password is either clear text or a SCRAM-SHA-256 verifier already made by
   * the client (what psql's {@code \password} sends).
   */
  public synchronized void create(String name, String password, boolean superuser) {
    checkName(name);
    if (users.containsKey(name)) {
      throw new SqlException(SqlException.DUPLICATE_OBJECT, "role \"" + name + "\" already exists");
    }
    put(new User(name, superuser, verifierFor(password)));
  }

  public synchronized void setPassword(String name, String password) {
    User u = require(name);
    put(new User(name, u.superuser(), verifierFor(password)));
  }

  public synchronized void drop(String name) {
    require(name);
    if (users.values().stream().filter(User::superuser).count() == 1
        && users.get(name).superuser()) {
      throw new SqlException(
          SqlException.INSUFFICIENT_PRIVILEGE, "cannot drop \"" + name + "\", the last superuser");
    }
    User removed = users.remove(name);
    try {
      save();
    } catch (IOException e) {
      users.put(name, removed);
      throw new SqlException(SqlException.IO_ERROR, "could not write " + file + ": " + e);
    }
  }

  private User require(String name) {
    User u = users.get(name);
    if (u == null) {
      throw new SqlException(SqlException.UNDEFINED_OBJECT, "role \"" + name + "\" does not exist");
    }
    return u;
  }

  private void put(User user) {
    User before = users.put(user.name(), user);
    try {
      save();
    } catch (IOException e) {
      if (before == null) {
        users.remove(user.name());
      } else {
        users.put(user.name(), before);
      }
      throw new SqlException(SqlException.IO_ERROR, "could not write " + file + ": " + e);
    }
  }

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "invalid role name \"" + name + "\": use letters, digits, _ and $");
    }
  }

  private static Scram.Verifier verifierFor(String password) {
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

package io.citadel.coordination.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * ZooKeeper's super user for this JVM's own server: a password drawn at random when the JVM starts
 * its first ZooKeeper server, held only in memory, whose digest is given to ZooKeeper as {@code
 * zookeeper.DigestAuthenticationProvider.superDigest}. Only this node's console, connected to its
 * own server, can then act as super user: what ZooKeeper asks of a client that changes the
 * ensemble's membership ({@code reconfig} writes {@code /zookeeper/config}, which no ACL opens to
 * anyone else). A server forwards a request with the identities its client proved, so the leader
 * takes the change wherever it runs.
 *
 * <p>ZooKeeper reads the property once, when its digest provider is first loaded: it must be set
 * before the first server of the JVM starts. An operator who set it before (to a super user of
 * their own) keeps it, and this node cannot change the membership by itself.
 */
final class SuperUser {
  static final String PROPERTY = "zookeeper.DigestAuthenticationProvider.superDigest";
  private static final String ALGORITHM_PROPERTY =
      "zookeeper.DigestAuthenticationProvider.digestAlg";

  /** Set beside the digest: the JVM's super user was drawn by Citadel (whose password it keeps). */
  private static final String DRAWN_PROPERTY = "io.citadel.coordination.superuser.drawn";

  private static String password;

  private SuperUser() {}

  /** Gives ZooKeeper this JVM's super user, unless it has one already; before any server starts. */
  static synchronized void install() {
    if (password != null || System.getProperty(PROPERTY) != null) {
      return;
    }
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String drawn = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    System.setProperty(PROPERTY, digest("super", drawn));
    System.setProperty(DRAWN_PROPERTY, "true");
    password = drawn;
  }

  /** The credentials to add to a session ({@code digest} scheme), when this JVM made the user. */
  static synchronized Optional<byte[]> credentials() {
    if (password == null || !digest("super", password).equals(System.getProperty(PROPERTY))) {
      return Optional.empty();
    }
    return Optional.of(("super:" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Why {@link #credentials} is empty, in an operator's words. */
  static synchronized String whyNone() {
    if (System.getProperty(DRAWN_PROPERTY) != null) {
      return "the coordination bundle was updated or refreshed since this JVM's ZooKeeper server"
          + " started, and the super user's password went with the old bundle: restart the node"
          + " (its peer rejoins at once) and run zk:reconfig again";
    }
    return "this JVM's ZooKeeper super user is not Citadel's ("
        + PROPERTY
        + " was set before the server started): run reconfig with ZooKeeper's own zkCli.sh as"
        + " that user";
  }

  /** ZooKeeper's digest of a user: {@code user:base64(hash(user:password))}. */
  private static String digest(String user, String password) {
    String algorithm = System.getProperty(ALGORITHM_PROPERTY, "SHA1");
    try {
      byte[] hash =
          MessageDigest.getInstance(algorithm)
              .digest((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      return user + ":" + Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "ZooKeeper's digest algorithm " + algorithm + " is missing", e);
    }
  }
}

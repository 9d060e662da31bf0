package io.citadel.coordination.internal;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of PID {@value #PID}.
 *
 * <p>Values arrive from ConfigAdmin as strings (a {@code .cfg} file) or as typed values ({@code
 * config:property-set}, metatype-aware tools); both are parsed here, by hand, so that a bad value
 * is reported with its key and the component keeps its last good configuration. Typed DS
 * configuration would instead fail the whole activation on a non-numeric value.
 *
 * @param connect the ensemble connect string, empty for the embedded server
 * @param sessionTimeoutMs the ZooKeeper session timeout asked for
 * @param connectionTimeoutMs how long one connection attempt may take
 * @param clusterName the cluster name, the second level of every Citadel path
 * @param embedded whether to run the embedded ZooKeeper server
 * @param embeddedHost the address the embedded server listens on
 * @param embeddedPort the port the embedded server listens on
 * @param embeddedDataDir where the embedded server, or this node's peer of the ensemble, keeps its
 *     snapshots and transaction logs
 * @param ensemble the cluster's own ZooKeeper ensemble, formed by Citadel nodes; empty for none
 * @param ensembleId this node's server id in {@code ensemble}, 0 when it runs no peer of it
 */
public record CoordinationSettings(
    String connect,
    int sessionTimeoutMs,
    int connectionTimeoutMs,
    String clusterName,
    boolean embedded,
    String embeddedHost,
    int embeddedPort,
    Path embeddedDataDir,
    Ensemble ensemble,
    long ensembleId) {

  public static final String PID = "io.citadel.coordination";

  public static final String CONNECT = "zookeeper.connect";
  public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
  public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
  public static final String CLUSTER_NAME = "cluster.name";
  public static final String EMBEDDED = "embedded";
  public static final String EMBEDDED_HOST = "embedded.host";
  public static final String EMBEDDED_PORT = "embedded.port";
  public static final String EMBEDDED_DATA_DIR = "embedded.data.dir";
  public static final String ENSEMBLE_SERVERS = "ensemble.servers";
  public static final String ENSEMBLE_ID = "ensemble.id";

  public static final int DEFAULT_SESSION_TIMEOUT_MS = 20_000;
  public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 15_000;
  public static final String DEFAULT_CLUSTER_NAME = "citadel";
  public static final String DEFAULT_EMBEDDED_HOST = "127.0.0.1";
  public static final int DEFAULT_EMBEDDED_PORT = 2181;

  private static final Set<String> KEYS =
      Set.of(
          CONNECT,
          SESSION_TIMEOUT_MS,
          CONNECTION_TIMEOUT_MS,
          CLUSTER_NAME,
          EMBEDDED,
          EMBEDDED_HOST,
          EMBEDDED_PORT,
          EMBEDDED_DATA_DIR,
          ENSEMBLE_SERVERS,
          ENSEMBLE_ID);

  /** Keys that ConfigAdmin, FileInstall and SCR add to every configuration. */
  private static final Pattern FRAMEWORK_KEY =
      Pattern.compile("(service\\.|felix\\.|component\\.|objectClass|osgi\\.ds\\.).*");

  private static final Pattern CLUSTER_NAME_PATTERN =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern HOST_PATTERN = Pattern.compile("[A-Za-z0-9_.:\\[\\]%-]+");
  private static final Pattern CHROOT_SEGMENT = Pattern.compile("[^/\\u0000]+");

  /**
   * Parses and validates a configuration.
   *
   * @param properties the configuration's properties
   * @param defaultDataDir where the embedded server keeps its data unless configured
   * @return the settings
   * @throws InvalidSettingException naming the first key whose value cannot be used
   */
  public static CoordinationSettings parse(Map<String, ?> properties, Path defaultDataDir)
      throws InvalidSettingException {
    String connect = string(properties, CONNECT, "");
    validateConnect(connect);
    int sessionTimeout =
        integer(properties, SESSION_TIMEOUT_MS, DEFAULT_SESSION_TIMEOUT_MS, 1_000, 600_000);
    int connectionTimeout =
        integer(properties, CONNECTION_TIMEOUT_MS, DEFAULT_CONNECTION_TIMEOUT_MS, 100, 600_000);
    String cluster = string(properties, CLUSTER_NAME, DEFAULT_CLUSTER_NAME);
    if (!CLUSTER_NAME_PATTERN.matcher(cluster).matches()) {
      throw new InvalidSettingException(
          CLUSTER_NAME,
          cluster,
          "must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
    }
    Ensemble ensemble;
    String servers = string(properties, ENSEMBLE_SERVERS, "");
    try {
      ensemble = Ensemble.parse(servers);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(ENSEMBLE_SERVERS, servers, e.getMessage());
    }
    long ensembleId = integer(properties, ENSEMBLE_ID, 0, 0, 255);
    if (ensembleId != 0 && ensemble.server(ensembleId).isEmpty()) {
      throw new InvalidSettingException(
          ENSEMBLE_ID,
          Long.toString(ensembleId),
          ensemble.isEmpty()
              ? "names a server of an ensemble, but " + ENSEMBLE_SERVERS + " is empty"
              : "is not one of the servers of " + ENSEMBLE_SERVERS + " (" + ensemble + ")");
    }
    boolean embedded = embedded(properties, connect, ensemble);
    String host = string(properties, EMBEDDED_HOST, DEFAULT_EMBEDDED_HOST);
    if (!HOST_PATTERN.matcher(host).matches()) {
      throw new InvalidSettingException(EMBEDDED_HOST, host, "is not a host name or address");
    }
    int port = integer(properties, EMBEDDED_PORT, DEFAULT_EMBEDDED_PORT, 1, 65_535);
    String dataDir = string(properties, EMBEDDED_DATA_DIR, "");
    Path data;
    if (!dataDir.isEmpty()) {
      data = Path.of(dataDir);
    } else if (defaultDataDir != null) {
      data = defaultDataDir;
    } else if (embedded) {
      throw new InvalidSettingException(
          EMBEDDED_DATA_DIR, "", "must be set when karaf.data is not defined");
    } else {
      data = Path.of("zookeeper");
    }
    return new CoordinationSettings(
        connect,
        sessionTimeout,
        connectionTimeout,
        cluster,
        embedded,
        host,
        port,
        data.toAbsolutePath().normalize(),
        ensemble,
        ensembleId);
  }

  /** The settings as configuration properties, which {@link #parse} reads back unchanged. */
  public Map<String, String> toProperties() {
    return Map.of(
        CONNECT,
        connect,
        SESSION_TIMEOUT_MS,
        Integer.toString(sessionTimeoutMs),
        CONNECTION_TIMEOUT_MS,
        Integer.toString(connectionTimeoutMs),
        CLUSTER_NAME,
        clusterName,
        EMBEDDED,
        embedded == (connect.isEmpty() && ensemble.isEmpty()) ? "auto" : Boolean.toString(embedded),
        EMBEDDED_HOST,
        embeddedHost,
        EMBEDDED_PORT,
        Integer.toString(embeddedPort),
        EMBEDDED_DATA_DIR,
        embeddedDataDir.toString(),
        ENSEMBLE_SERVERS,
        ensemble.toString(),
        ENSEMBLE_ID,
        Long.toString(ensembleId));
  }

  /** Keys of {@code properties} that this PID does not know: most likely misspelt. */
  public static Set<String> unknownKeys(Map<String, ?> properties) {
    return properties.keySet().stream()
        .filter(k -> !KEYS.contains(k) && !FRAMEWORK_KEY.matcher(k).matches())
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  /**
   * The connect string the client uses: the configured one, else every server of the cluster's
   * ensemble, else the embedded server's.
   */
  public String effectiveConnect() {
    if (!connect.isEmpty()) {
      return connect;
    }
    if (!ensemble.isEmpty()) {
      return ensemble.connectString();
    }
    String host = embeddedHost.contains(":") ? "[" + embeddedHost + "]" : embeddedHost;
    return host + ":" + embeddedPort;
  }

  /** Whether this node runs a peer of the cluster's ensemble. */
  public boolean runsPeer() {
    return ensembleId != 0;
  }

  /** Whether switching to {@code next} needs the embedded server or the peer stopped or started. */
  /**
   * Whether this node's peer would be the same server under {@code next}, only the ensemble's
   * description having changed.
   */
  boolean onlyTheEnsembleDiffers(CoordinationSettings next) {
    return runsPeer()
        && next.runsPeer()
        && ensembleId == next.ensembleId
        && embedded == next.embedded
        && embeddedDataDir.equals(next.embeddedDataDir)
        && !ensemble.equals(next.ensemble);
  }

  /** Whether a client for {@code next} is this one's but for the servers it connects to. */
  boolean sameClientAs(CoordinationSettings next) {
    return clusterName.equals(next.clusterName)
        && connect.equals(next.connect)
        && sessionTimeoutMs == next.sessionTimeoutMs
        && connectionTimeoutMs == next.connectionTimeoutMs;
  }

  boolean embeddedServerDiffers(CoordinationSettings next) {
    if (ensembleId != next.ensembleId
        || (runsPeer()
            && (!ensemble.equals(next.ensemble)
                || !embeddedDataDir.equals(next.embeddedDataDir)))) {
      return true;
    }
    return embedded != next.embedded
        || (embedded
            && (!embeddedHost.equals(next.embeddedHost)
                || embeddedPort != next.embeddedPort
                || !embeddedDataDir.equals(next.embeddedDataDir)));
  }

  private static boolean embedded(Map<String, ?> properties, String connect, Ensemble ensemble)
      throws InvalidSettingException {
    String value = string(properties, EMBEDDED, "auto").toLowerCase(Locale.ROOT);
    switch (value) {
      case "auto":
        return connect.isEmpty() && ensemble.isEmpty();
      case "true":
        if (!ensemble.isEmpty()) {
          throw new InvalidSettingException(
              EMBEDDED,
              "true",
              "a node of an ensemble (" + ENSEMBLE_SERVERS + ") runs no standalone server");
        }
        return true;
      case "false":
        if (connect.isEmpty() && ensemble.isEmpty()) {
          throw new InvalidSettingException(
              EMBEDDED,
              "false",
              "no ensemble to connect to: " + CONNECT + " is empty and the embedded server is off");
        }
        return false;
      default:
        throw new InvalidSettingException(EMBEDDED, value, "must be auto, true or false");
    }
  }

  static void validateConnect(String connect) throws InvalidSettingException {
    if (connect.isEmpty()) {
      return;
    }
    String servers = connect;
    int slash = connect.indexOf('/');
    if (slash >= 0) {
      servers = connect.substring(0, slash);
      String chroot = connect.substring(slash);
      if (chroot.length() > 1) {
        for (String segment : chroot.substring(1).split("/", -1)) {
          if (!CHROOT_SEGMENT.matcher(segment).matches()
              || ".".equals(segment)
              || "..".equals(segment)) {
            throw new InvalidSettingException(
                CONNECT, connect, "the chroot '" + chroot + "' is not a valid ZooKeeper path");
          }
        }
      }
    }
    if (servers.isEmpty()) {
      throw new InvalidSettingException(CONNECT, connect, "names no server");
    }
    for (String server : servers.split(",", -1)) {
      String hostPort = server.trim();
      if (hostPort.isEmpty()) {
        throw new InvalidSettingException(CONNECT, connect, "has an empty server entry");
      }
      String host = hostPort;
      String port = null;
      if (hostPort.startsWith("[")) {
        int close = hostPort.indexOf(']');
        if (close < 0) {
          throw new InvalidSettingException(CONNECT, connect, "'" + hostPort + "' lacks ']'");
        }
        host = hostPort.substring(1, close);
        if (close + 1 < hostPort.length()) {
          if (hostPort.charAt(close + 1) != ':') {
            throw new InvalidSettingException(
                CONNECT, connect, "'" + hostPort + "' is not [address]:port");
          }
          port = hostPort.substring(close + 2);
        }
      } else {
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0) {
          host = hostPort.substring(0, colon);
          port = hostPort.substring(colon + 1);
        }
      }
      if (host.isEmpty() || !HOST_PATTERN.matcher(host).matches()) {
        throw new InvalidSettingException(
            CONNECT, connect, "'" + hostPort + "' does not start with a host name or address");
      }
      if (port != null) {
        int p;
        try {
          p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
          throw new InvalidSettingException(
              CONNECT, connect, "the port of '" + hostPort + "' is not a number");
        }
        if (p < 1 || p > 65_535) {
          throw new InvalidSettingException(
              CONNECT, connect, "the port of '" + hostPort + "' is outside 1-65535");
        }
      }
    }
  }

  private static String string(Map<String, ?> properties, String key, String fallback) {
    Object value = properties.get(key);
    if (value == null) {
      return fallback;
    }
    String text = value.toString().trim();
    return text.isEmpty() ? fallback : text;
  }

  private static int integer(Map<String, ?> properties, String key, int fallback, int min, int max)
      throws InvalidSettingException {
    Object value = properties.get(key);
    if (value == null || value.toString().isBlank()) {
      return fallback;
    }
    long parsed;
    if (value instanceof Number number) {
      parsed = number.longValue();
    } else {
      try {
        parsed = Long.parseLong(value.toString().trim());
      } catch (NumberFormatException e) {
        throw new InvalidSettingException(key, value, "is not a whole number");
      }
    }
    if (parsed < min || parsed > max) {
      throw new InvalidSettingException(key, value, "must be between " + min + " and " + max);
    }
    return (int) parsed;
  }
}

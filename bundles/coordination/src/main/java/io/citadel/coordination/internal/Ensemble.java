package io.citadel.coordination.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ZooKeeper ensemble of Citadel nodes, described once: each server's id, the address its peers
 * reach it on with its quorum and election ports, whether it votes or only observes, and the port
 * its clients connect to. The text is ZooKeeper's own server lines without the {@code server.}
 * prefix, separated by commas: {@code 1=10.0.0.1:2888:3888;2181,2=10.0.0.2:2888:3888;2181,...}
 * (with {@code :observer} after the election port for an observer, and an address before the client
 * port when clients reach it elsewhere).
 *
 * @param servers the servers, by id
 */
public record Ensemble(List<Server> servers) {

  /** One server of the ensemble. */
  public record Server(
      long id,
      String host,
      int quorumPort,
      int electionPort,
      boolean observer,
      String clientHost,
      int clientPort) {

    /**
     * The line ZooKeeper's configuration gives it: {@code server.1=h:2888:3888:participant;2181}.
     */
    String zooKeeperLine() {
      return "server."
          + id
          + "="
          + bracket(host)
          + ":"
          + quorumPort
          + ":"
          + electionPort
          + ":"
          + (observer ? "observer" : "participant")
          + ";"
          + bracket(clientHost)
          + ":"
          + clientPort;
    }

    /** Where clients connect: {@code host:port}. */
    public String clientAddress() {
      return bracket(clientHost) + ":" + clientPort;
    }

    private static String bracket(String host) {
      return host.contains(":") ? "[" + host + "]" : host;
    }
  }

  public static final Ensemble NONE = new Ensemble(List.of());

  private static final Pattern SERVER =
      Pattern.compile(
          "(?:server\\.)?(\\d+)=(\\[[^\\]]+\\]|[^:;\\[\\]]+):(\\d+):(\\d+)(?::(participant|observer))?"
              + ";(?:(\\[[^\\]]+\\]|[^:;\\[\\]]+):)?(\\d+)");

  public Ensemble {
    servers = List.copyOf(servers);
  }

  /**
   * Reads an ensemble's description.
   *
   * @throws IllegalArgumentException naming the entry that is not a server, or a repeated id or
   *     address
   */
  public static Ensemble parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return NONE;
    }
    List<Server> servers = new ArrayList<>();
    for (String entry : t.split("[,\\s]+")) {
      if (entry.isEmpty()) {
        continue;
      }
      servers.add(server(entry));
    }
    servers.sort(Comparator.comparingLong(Server::id));
    for (int i = 1; i < servers.size(); i++) {
      if (servers.get(i).id() == servers.get(i - 1).id()) {
        throw new IllegalArgumentException("server id " + servers.get(i).id() + " appears twice");
      }
    }
    for (Server a : servers) {
      for (Server b : servers) {
        if (a != b
            && a.host().equals(b.host())
            && (a.quorumPort() == b.quorumPort()
                || a.electionPort() == b.electionPort()
                || a.clientPort() == b.clientPort())) {
          throw new IllegalArgumentException(
              "servers " + a.id() + " and " + b.id() + " share a port on " + a.host());
        }
      }
    }
    Ensemble e = new Ensemble(servers);
    if (e.voters() == 0) {
      throw new IllegalArgumentException("the ensemble has no voting server, only observers");
    }
    return e;
  }

  /**
   * Reads one server, {@code id=host:quorumPort:electionPort[:observer];[clientHost:]clientPort},
   * an observer as well as a voter (what {@code reconfig} may add alone).
   *
   * @throws IllegalArgumentException naming the entry when it is not a server
   */
  public static Server server(String entry) {
    Matcher m = SERVER.matcher(entry);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + entry
              + "' is not id=host:quorumPort:electionPort[:observer];[clientHost:]clientPort");
    }
    long id = Long.parseLong(m.group(1));
    if (id < 1 || id > 255) {
      throw new IllegalArgumentException("server id " + id + " is not between 1 and 255");
    }
    String host = unbracket(m.group(2));
    String clientHost = m.group(6) == null ? host : unbracket(m.group(6));
    int quorum = port(m.group(3), entry);
    int election = port(m.group(4), entry);
    int client = port(m.group(7), entry);
    if (quorum == election || quorum == client || election == client) {
      throw new IllegalArgumentException(
          "'" + entry + "' uses one port twice: the quorum, election and client ports differ");
    }
    return new Server(
        id, host, quorum, election, "observer".equals(m.group(5)), clientHost, client);
  }

  /**
   * The membership in ZooKeeper's own configuration text (its {@code /zookeeper/config}, or a
   * dynamic file): its {@code server.N=} lines; the {@code version=} line and others are skipped.
   */
  public static Ensemble fromZooKeeperConfig(String config) {
    StringBuilder servers = new StringBuilder();
    for (String line : config.split("\\R")) {
      String l = line.strip();
      if (l.startsWith("server.")) {
        servers.append(servers.length() == 0 ? "" : ",").append(l);
      }
    }
    return parse(servers.toString());
  }

  private static int port(String text, String entry) {
    int p = Integer.parseInt(text);
    if (p < 1 || p > 65_535) {
      throw new IllegalArgumentException("'" + entry + "' has port " + p + ", not 1 to 65535");
    }
    return p;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  public boolean isEmpty() {
    return servers.isEmpty();
  }

  public Optional<Server> server(long id) {
    return servers.stream().filter(s -> s.id() == id).findFirst();
  }

  /** The servers that vote (observers do not). */
  public int voters() {
    return (int) servers.stream().filter(s -> !s.observer()).count();
  }

  /** How many voters make a quorum: a majority. */
  public int quorum() {
    return voters() / 2 + 1;
  }

  /** How many voters may fail with the ensemble still serving. */
  public int toleratedFailures() {
    return voters() - quorum();
  }

  /** The client connect string naming every server. */
  public String connectString() {
    return String.join(",", servers.stream().map(Server::clientAddress).toList());
  }

  /** The ensemble as ZooKeeper's configuration lines. */
  List<String> zooKeeperLines() {
    return servers.stream().map(Server::zooKeeperLine).toList();
  }

  /** The description {@link #parse} reads back unchanged. */
  @Override
  public String toString() {
    List<String> entries = new ArrayList<>();
    for (Server s : servers) {
      entries.add(s.zooKeeperLine().substring("server.".length()).replace(":participant;", ";"));
    }
    return String.join(",", entries);
  }
}

package io.citadel.coordination.internal.shell;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.client.FourLetterWordMain;

/** A ZooKeeper server's own account of itself: its answer to the {@code srvr} four-letter word. */
final class ServerProbe {

  static final int TIMEOUT_MS = 2_000;

  private ServerProbe() {}

  /**
   * Asks the server at {@code host:port}; answers srvr's fields by name (Mode, Zxid, Latency
   * min/avg/max, Node count, Outstanding, Zookeeper version, ...), or throws when it does not
   * answer.
   */
  static Map<String, String> srvr(String host, int port) throws Exception {
    String answer = FourLetterWordMain.send4LetterWord(host, port, "srvr", false, TIMEOUT_MS);
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : answer.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    if (fields.isEmpty()) {
      throw new IllegalStateException(answer.strip());
    }
    return fields;
  }
}

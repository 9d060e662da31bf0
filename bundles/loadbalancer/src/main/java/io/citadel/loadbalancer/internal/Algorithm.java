package io.citadel.loadbalancer.internal;

import java.util.Locale;

/** How a server is chosen for a new session or request. */
public enum Algorithm {
  /** Each in turn. */
  ROUND_ROBIN,
  /** The one with the fewest open sessions and requests in flight. */
  LEAST_CONNECTIONS,
  /**
   * The same table (or session key) to the same server while it is healthy, among the servers the
   * CLDB says hold the table: one server's GPU memory keeps the table warm instead of every
   * server's. Work without a key goes to the least loaded.
   */
  LOCALITY;

  /** The option's spelling: round-robin, least-connections, locality. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Algorithm parse(String text) {
    for (Algorithm a : values()) {
      if (a.optionName().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "\"" + text + "\" is no algorithm: round-robin, least-connections or locality");
  }
}

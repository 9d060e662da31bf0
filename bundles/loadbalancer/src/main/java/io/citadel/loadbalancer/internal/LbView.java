package io.citadel.loadbalancer.internal;

/** The settings in force, worded for the console. */
public record LbView(String algorithm, String listening, String source, String checks) {

  public static LbView of(LoadBalancerService service) {
    LbSettings s = service.settings();
    return new LbView(
        service.algorithm().optionName(),
        "PostgreSQL "
            + s.listenAddress()
            + ":"
            + s.pgPort()
            + (s.httpPort() > 0 ? ", HTTP " + s.listenAddress() + ":" + s.httpPort() : ""),
        (s.group().isEmpty() ? "" : "HA group " + s.group())
            + (s.servers().isEmpty()
                ? ""
                : (s.group().isEmpty() ? "" : " and ") + s.servers().size() + " listed"),
        "every " + s.checkIntervalMs() + " ms, down after " + s.fall() + ", up after " + s.rise());
  }
}

package io.citadel.centralconfig.internal;

import io.citadel.sdk.ConfigReader;
import io.citadel.sdk.ServiceSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The puller's settings in force.
 *
 * @param backend {@code shared} or {@code zookeeper}
 * @param store the shared folder (for the shared backend)
 * @param storeIsDefault whether {@code store} is the default one, which the puller may create
 * @param intervalSec seconds between pulls
 * @param host the node's name for {@code nodes/<host>/}
 * @param files the glob patterns of the files pulled
 * @param removeDeleted whether installed files gone from the store are removed here
 * @param settleMs how long a central file must be unchanged before it is installed
 */
public record PullSettings(
    String backend,
    Path store,
    boolean storeIsDefault,
    int intervalSec,
    String host,
    FileRules files,
    boolean removeDeleted,
    int settleMs) {

  static final String SHARED = "shared";
  static final String ZOOKEEPER = "zookeeper";

  /**
   * Reads the settings; every value that cannot be used is named in {@code problems} and its
   * default used instead.
   */
  static PullSettings parse(
      Map<String, ?> configuration, Path defaultStore, List<String> problems) {
    ConfigReader r = new ConfigReader(configuration, problems);
    String backend = r.text("backend", SHARED);
    if (!backend.equals(SHARED) && !backend.equals(ZOOKEEPER)) {
      problems.add("backend=" + backend + ": must be 'shared' or 'zookeeper'");
      backend = SHARED;
    }
    String storeText = r.text("store", "");
    Path store = storeText.isEmpty() ? defaultStore : Path.of(storeText);
    if (!store.isAbsolute()) {
      problems.add("store=" + storeText + ": must be an absolute path");
      store = defaultStore;
      storeText = "";
    }
    String host = r.text("host-name", ServiceSettings.host(configuration));
    if (!FileRules.isSafeName(host)) {
      problems.add("host-name=" + host + ": must be a plain name (letters, digits, '.', '-', '_')");
      host = ServiceSettings.host(configuration);
    }
    List<String> patterns =
        Arrays.stream(r.text("files", FileRules.DEFAULT).split(","))
            .map(String::strip)
            .filter(p -> !p.isEmpty())
            .toList();
    FileRules files;
    try {
      files = new FileRules(patterns);
    } catch (IllegalArgumentException e) {
      problems.add("files=" + String.join(",", patterns) + ": " + e.getMessage());
      files = new FileRules(Arrays.asList(FileRules.DEFAULT.split(",")));
    }
    boolean removeDeleted = bool(configuration.get("remove-deleted"), "remove-deleted", problems);
    return new PullSettings(
        backend,
        store.normalize(),
        storeText.isEmpty(),
        r.number("interval-sec", 300, 1, 86_400),
        host,
        files,
        removeDeleted,
        r.number("settle-ms", 2_000, 0, 600_000));
  }

  private static boolean bool(Object value, String key, List<String> problems) {
    if (value == null || value.toString().isBlank()) {
      return false;
    }
    String text = value.toString().strip();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    problems.add(key + "=" + text + ": must be true or false");
    return false;
  }

  /** What the status shows of the store. */
  public String storeDescription() {
    return backend.equals(ZOOKEEPER) ? "ZooKeeper" : store.toString();
  }
}

package io.citadel.engine.internal.osgi;

import io.citadel.sdk.ServiceSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The engine's options read from its configuration, each checked: a value that cannot be used is
 * named (key, value, why) and the one in force, or the default, is kept.
 */
public record EngineSettings(
    int port,
    int httpPort,
    InetAddress bindAddress,
    Path dataDir,
    int threads,
    int fragmentSize,
    int cachePercent,
    long cacheBytes,
    int maxConnections,
    String executionMode,
    String volume,
    int queryMemoryPercent,
    long queryMemoryBytes) {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(EngineSettings.class);
  static final int DEFAULT_PORT = 6274;
  static final int DEFAULT_HTTP_PORT = 6278;
  static final String DEFAULT_VOLUME = "citadel.data";
  static final int DEFAULT_QUERY_MEMORY_PERCENT = 25;
  private static final java.util.regex.Pattern VOLUME =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /** No budget from a Warden (the engine run on its own): the cache gets this much. */
  private static final long UNMANAGED_CACHE_BYTES = 1L << 30;

  /**
   * Reads the settings; {@code previous} supplies the value for a key whose new value is bad (null
   * at first activation, when the default does).
   */
  static EngineSettings from(
      Map<String, ?> c, Path defaultDataDir, EngineSettings previous, List<String> problems) {
    Reader r = new Reader(c, problems);
    ServiceSettings warden;
    try {
      warden = ServiceSettings.from(c, "engine");
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      warden =
          new ServiceSettings(
              "engine", OptionalLong.empty(), java.util.OptionalInt.empty(), List.of());
    }
    int port =
        warden.port().isPresent()
            ? warden.port().getAsInt()
            : r.integer("port", previous == null ? DEFAULT_PORT : previous.port, 1, 65_535);
    int httpPort =
        r.integer("http-port", previous == null ? DEFAULT_HTTP_PORT : previous.httpPort, 0, 65_535);
    InetAddress bind = r.address("bind-address", previous == null ? null : previous.bindAddress);
    String dir = r.text("data-dir", "");
    Path dataDir = dir.isEmpty() ? defaultDataDir : Path.of(dir);
    int threads = r.integer("threads", previous == null ? 0 : previous.threads, 0, 1024);
    int fragment =
        r.integer(
            "fragment-size",
            previous == null ? 32_000_000 : previous.fragmentSize,
            1000,
            Integer.MAX_VALUE);
    int percent = r.integer("cache-percent", previous == null ? 60 : previous.cachePercent, 1, 95);
    long cache =
        warden.memoryBudgetMb().isPresent()
            ? warden.memoryBudgetMb().getAsLong() * (1L << 20) * percent / 100
            : UNMANAGED_CACHE_BYTES;
    // The engine lives in the container's JVM: whatever the budget says, the cache must leave
    // room in the heap for queries.
    long heapCap = Runtime.getRuntime().maxMemory() / 2;
    if (cache > heapCap) {
      LOG.warn(
          "Column cache of "
              + (cache >> 20)
              + " MiB (cache-percent="
              + percent
              + " of the memory budget) does not fit the JVM heap of "
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB: capped at half the heap, "
              + (heapCap >> 20)
              + " MiB; give the container a larger heap to use the whole budget");
      cache = heapCap;
    }
    int maxConnections =
        r.integer("max-connections", previous == null ? 200 : previous.maxConnections, 1, 10_000);
    String mode = r.text("execution-mode", previous == null ? "auto" : previous.executionMode);
    mode = mode.toLowerCase(Locale.ROOT);
    if (!List.of("auto", "gpu", "cpu").contains(mode)) {
      problems.add("execution-mode=" + mode + ": must be auto, gpu or cpu");
      mode = previous == null ? "auto" : previous.executionMode;
    }
    String volume = r.text("volume", previous == null ? DEFAULT_VOLUME : previous.volume);
    if (volume.isEmpty()) {
      volume = DEFAULT_VOLUME;
    }
    if (!VOLUME.matcher(volume).matches()) {
      problems.add(
          "volume="
              + volume
              + ": a volume name is 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter"
              + " or digit");
      volume = previous == null ? DEFAULT_VOLUME : previous.volume;
    }
    int queryPercent =
        r.integer(
            "query-memory-percent",
            previous == null ? DEFAULT_QUERY_MEMORY_PERCENT : previous.queryMemoryPercent,
            1,
            90);
    long budget =
        warden.memoryBudgetMb().isPresent()
            ? warden.memoryBudgetMb().getAsLong() << 20
            : Runtime.getRuntime().maxMemory();
    long queryBytes = budget * queryPercent / 100;
    // what the cache leaves of the heap, keeping a tenth of it for everything else in the JVM
    long heapLeft = Math.max(64L << 20, Runtime.getRuntime().maxMemory() * 9 / 10 - cache);
    if (queryBytes > heapLeft) {
      LOG.warn(
          "Query memory of "
              + (queryBytes >> 20)
              + " MiB (query-memory-percent="
              + queryPercent
              + ") does not fit what the column cache leaves of the JVM heap: capped at "
              + (heapLeft >> 20)
              + " MiB");
      queryBytes = heapLeft;
    }
    return new EngineSettings(
        port,
        httpPort,
        bind,
        dataDir,
        threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
        fragment,
        percent,
        cache,
        maxConnections,
        mode,
        volume,
        queryPercent,
        queryBytes);
  }

  /**
   * Where the query memory limit comes from, as a query that passes it is told: the setting to
   * change.
   */
  String queryMemoryRule() {
    return "query-memory-percent="
        + queryMemoryPercent
        + " of the engine's memory budget, in "
        + EngineService.PID;
  }

  /** Whether a change of these settings needs the listeners bound again. */
  boolean listenersDiffer(EngineSettings o) {
    return port != o.port || httpPort != o.httpPort || !bindAddress.equals(o.bindAddress);
  }

  private static final class Reader {
    private final Map<String, ?> c;
    private final List<String> problems;

    Reader(Map<String, ?> c, List<String> problems) {
      this.c = c;
      this.problems = problems;
    }

    String text(String key, String fallback) {
      Object v = c.get(key);
      return v == null ? fallback : v.toString().trim();
    }

    int integer(String key, int fallback, int min, long max) {
      Object v = c.get(key);
      if (v == null || v.toString().isBlank()) {
        return fallback;
      }
      try {
        long n = Long.parseLong(v.toString().trim());
        if (n < min || n > max) {
          problems.add(key + "=" + v + ": must be between " + min + " and " + max);
          return fallback;
        }
        return (int) n;
      } catch (NumberFormatException e) {
        problems.add(key + "=" + v + ": is not a whole number");
        return fallback;
      }
    }

    InetAddress address(String key, InetAddress fallback) {
      String v = text(key, "127.0.0.1");
      try {
        return InetAddress.getByName(v);
      } catch (UnknownHostException e) {
        problems.add(key + "=" + v + ": is not an address of this host");
        return fallback != null ? fallback : InetAddress.getLoopbackAddress();
      }
    }
  }

  static List<String> newProblems() {
    return new ArrayList<>();
  }
}

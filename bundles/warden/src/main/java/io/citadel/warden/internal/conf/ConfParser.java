package io.citadel.warden.internal.conf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns {@link ConfFile}s into validated {@link WardenSettings} and {@link ServiceDefinition}s.
 * Every mistake becomes a {@link ConfProblem} naming file, line and key; a file with any problem
 * yields no definition, so nothing acts on it.
 */
public final class ConfParser {

  /** A parse's outcome: the value when the file is good, and every problem found. */
  public record Parsed<T>(Optional<T> value, List<ConfProblem> problems) {}

  static final String SERVICES = "services";
  static final String BUNDLE = "service.bundle";
  static final String START = "service.command.start";
  static final String STOP = "service.command.stop";
  static final String MONITOR = "service.command.monitorcommand";
  static final String HEAP_PERCENT = "service.heapsize.percent";
  static final String HEAP_MIN = "service.heapsize.min";
  static final String HEAP_MAX = "service.heapsize.max";
  static final String RETRIES = "service.retries";
  static final String RETRY_INTERVAL = "service.retryinterval.time.sec";
  static final String PORT = "service.port";
  static final String DEPENDS_LOCAL = "service.depends.local";
  static final String ENV = "service.env";

  static final String OS_PERCENT = "service.command.os.heapsize.percent";
  static final String OS_MIN = "service.command.os.heapsize.min";
  static final String OS_MAX = "service.command.os.heapsize.max";
  static final String ALARM_THRESHOLD = "services.memoryallocation.alarm.threshold";
  static final String DEFAULT_RETRIES = "services.retries";
  static final String DEFAULT_RETRY_INTERVAL = "services.retryinterval.time.sec";

  private static final Set<String> SERVICE_KEYS =
      Set.of(
          SERVICES,
          BUNDLE,
          START,
          STOP,
          MONITOR,
          HEAP_PERCENT,
          HEAP_MIN,
          HEAP_MAX,
          RETRIES,
          RETRY_INTERVAL,
          PORT,
          DEPENDS_LOCAL,
          ENV);
  private static final Set<String> WARDEN_KEYS =
      Set.of(
          SERVICES,
          OS_PERCENT,
          OS_MIN,
          OS_MAX,
          ALARM_THRESHOLD,
          DEFAULT_RETRIES,
          DEFAULT_RETRY_INTERVAL);

  private static final Pattern SYMBOLIC_NAME =
      Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final Pattern MVN_LOCATION = Pattern.compile("mvn:[^/\\s]+/[^/\\s]+(/[^/\\s]*)*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern FILE_NAME =
      Pattern.compile("warden\\.([a-z][a-z0-9_-]{0,63})\\.conf");

  private ConfParser() {}

  /** Parses {@code warden.conf}. */
  public static Parsed<WardenSettings> warden(ConfFile file) {
    Reader r = new Reader(file);
    r.unknownKeys(WARDEN_KEYS, "is not a warden.conf key");
    WardenSettings d = WardenSettings.DEFAULTS;
    ServiceDefinition.HeapSize os = r.heap(OS_PERCENT, OS_MIN, OS_MAX, d.osHeap());
    double threshold = r.percent(ALARM_THRESHOLD, d.alarmThresholdPercent());
    int retries = (int) r.number(DEFAULT_RETRIES, d.defaultRetries(), 0, 1000);
    int interval = (int) r.number(DEFAULT_RETRY_INTERVAL, d.defaultRetryIntervalSec(), 1, 86_400);
    Map<String, Triplet> triplets = new LinkedHashMap<>();
    file.get(SERVICES)
        .ifPresent(
            entry -> {
              try {
                for (Triplet triplet : Triplet.parseAll(entry.value())) {
                  if (triplets.put(triplet.service(), triplet) != null) {
                    r.problem(entry.line(), SERVICES, "names '" + triplet.service() + "' twice");
                  }
                }
              } catch (IllegalArgumentException e) {
                r.problem(entry.line(), SERVICES, e.getMessage());
              }
            });
    return r.result(new WardenSettings(os, threshold, retries, interval, triplets));
  }

  /** Parses {@code conf.d/warden.<name>.conf}, using {@code defaults} for what it leaves out. */
  public static Parsed<ServiceDefinition> service(ConfFile file, WardenSettings defaults) {
    Reader r = new Reader(file);
    r.unknownKeys(SERVICE_KEYS, "is not a service key");
    Triplet triplet = r.triplet(defaults.triplets());
    String bundle = r.text(BUNDLE);
    String start = r.text(START);
    if (bundle.isEmpty() && start.isEmpty()) {
      r.problem(0, BUNDLE, "neither " + BUNDLE + " nor " + START + " is set: nothing to run");
    } else if (!bundle.isEmpty() && !start.isEmpty()) {
      r.problem(r.line(START), START, "is set as well as " + BUNDLE + ": choose one");
    }
    if (!bundle.isEmpty()
        && !SYMBOLIC_NAME.matcher(bundle).matches()
        && !MVN_LOCATION.matcher(bundle).matches()) {
      r.problem(
          r.line(BUNDLE),
          BUNDLE,
          "'" + bundle + "' is neither a symbolic name nor a mvn: location");
    }
    if (!bundle.isEmpty()) {
      for (String processKey : List.of(STOP, MONITOR, ENV)) {
        if (file.get(processKey).isPresent()) {
          r.problem(r.line(processKey), processKey, "applies to child processes, not to " + BUNDLE);
        }
      }
    }
    ServiceDefinition.HeapSize heap =
        r.heap(HEAP_PERCENT, HEAP_MIN, HEAP_MAX, ServiceDefinition.HeapSize.NONE);
    int retries = (int) r.number(RETRIES, defaults.defaultRetries(), 0, 1000);
    int interval = (int) r.number(RETRY_INTERVAL, defaults.defaultRetryIntervalSec(), 1, 86_400);
    OptionalInt port =
        file.get(PORT).isPresent()
            ? OptionalInt.of((int) r.number(PORT, 0, 1, 65_535))
            : OptionalInt.empty();
    boolean dependsLocal = r.bool(DEPENDS_LOCAL, false);
    Map<String, String> env = r.env();
    if (triplet != null) {
      String expected = "warden." + triplet.service() + ".conf";
      Path name = file.path().getFileName();
      if (name != null
          && FILE_NAME.matcher(name.toString()).matches()
          && !name.toString().equals(expected)) {
        r.problem(
            r.line(SERVICES),
            SERVICES,
            "names service '"
                + triplet.service()
                + "' but the file is "
                + name
                + " (expected "
                + expected
                + ")");
      }
    }
    if (triplet == null) {
      return new Parsed<>(Optional.empty(), r.problems);
    }
    return r.result(
        new ServiceDefinition(
            file.path(),
            triplet,
            optional(bundle),
            optional(start),
            optional(r.text(STOP)),
            optional(r.text(MONITOR)),
            heap,
            retries,
            interval,
            port,
            dependsLocal,
            env));
  }

  /** The service name a conf.d file name announces, if it follows {@code warden.<name>.conf}. */
  public static Optional<String> serviceOfFileName(String fileName) {
    var matcher = FILE_NAME.matcher(fileName);
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static Optional<String> optional(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  /** Reads typed values from one file, collecting problems instead of throwing. */
  private static final class Reader {
    private final ConfFile file;
    private final List<ConfProblem> problems;

    Reader(ConfFile file) {
      this.file = file;
      this.problems = new ArrayList<>(file.problems());
    }

    void problem(int line, String key, String message) {
      problems.add(new ConfProblem(file.path(), line, key, message));
    }

    int line(String key) {
      return file.get(key).map(ConfFile.Entry::line).orElse(0);
    }

    <T> Parsed<T> result(T value) {
      return problems.isEmpty()
          ? new Parsed<>(Optional.of(value), List.of())
          : new Parsed<>(Optional.empty(), List.copyOf(problems));
    }

    void unknownKeys(Set<String> known, String message) {
      for (ConfFile.Entry entry : file.entries().values()) {
        if (!known.contains(entry.key())) {
          problem(entry.line(), entry.key(), message);
        }
      }
    }

    String text(String key) {
      return file.get(key).map(ConfFile.Entry::value).orElse("").trim();
    }

    /** The file's triplet, or warden.conf's for the service the file is named after. */
    Triplet triplet(Map<String, Triplet> central) {
      Optional<ConfFile.Entry> entry = file.get(SERVICES);
      Path name = file.path().getFileName();
      Optional<Triplet> fromWardenConf =
          name == null ? Optional.empty() : serviceOfFileName(name.toString()).map(central::get);
      if (entry.isEmpty()) {
        if (fromWardenConf.isPresent()) {
          return fromWardenConf.get();
        }
        problem(
            0,
            SERVICES,
            "is missing: neither this file nor warden.conf's services= holds its triplet"
                + " <service>:<count>:<deps>");
        return null;
      }
      try {
        List<Triplet> triplets = Triplet.parseAll(entry.get().value());
        if (triplets.size() != 1) {
          problem(
              entry.get().line(),
              SERVICES,
              "holds " + triplets.size() + " triplets; a conf.d file describes one service");
          return null;
        }
        Triplet own = triplets.get(0);
        if (fromWardenConf.isPresent() && !fromWardenConf.get().equals(own)) {
          problem(
              entry.get().line(),
              SERVICES,
              "'" + own + "' disagrees with warden.conf's '" + fromWardenConf.get() + "'");
          return null;
        }
        return own;
      } catch (IllegalArgumentException e) {
        problem(entry.get().line(), SERVICES, e.getMessage());
        return null;
      }
    }

    long number(String key, long fallback, long min, long max) {
      Optional<ConfFile.Entry> entry = file.get(key);
      if (entry.isEmpty()) {
        return fallback;
      }
      try {
        long value = Long.parseLong(entry.get().value().trim());
        if (value < min || value > max) {
          problem(entry.get().line(), key, "'" + value + "' is outside " + min + "-" + max);
          return fallback;
        }
        return value;
      } catch (NumberFormatException e) {
        problem(entry.get().line(), key, "'" + entry.get().value() + "' is not a whole number");
        return fallback;
      }
    }

    double percent(String key, double fallback) {
      Optional<ConfFile.Entry> entry = file.get(key);
      if (entry.isEmpty()) {
        return fallback;
      }
      try {
        double value = Double.parseDouble(entry.get().value().trim());
        if (!(value >= 0 && value <= 100)) {
          problem(entry.get().line(), key, "'" + entry.get().value() + "' is outside 0-100");
          return fallback;
        }
        return value;
      } catch (NumberFormatException e) {
        problem(entry.get().line(), key, "'" + entry.get().value() + "' is not a percentage");
        return fallback;
      }
    }

    ServiceDefinition.HeapSize heap(
        String percentKey, String minKey, String maxKey, ServiceDefinition.HeapSize fallback) {
      double percent = percent(percentKey, fallback.percent());
      long min = number(minKey, fallback.minMb(), 0, Long.MAX_VALUE / 2);
      long defaultMax =
          file.get(percentKey).isPresent() && file.get(maxKey).isEmpty()
              ? Long.MAX_VALUE / 2
              : fallback.maxMb();
      long max = number(maxKey, Math.max(defaultMax, min), 0, Long.MAX_VALUE / 2);
      if (file.get(minKey).isPresent() && file.get(maxKey).isPresent() && min > max) {
        problem(line(minKey), minKey, min + " is above " + maxKey + "=" + max);
      }
      return new ServiceDefinition.HeapSize(percent, min, max);
    }

    boolean bool(String key, boolean fallback) {
      Optional<ConfFile.Entry> entry = file.get(key);
      if (entry.isEmpty()) {
        return fallback;
      }
      String value = entry.get().value().trim().toLowerCase(java.util.Locale.ROOT);
      if (value.equals("true") || value.equals("false")) {
        return Boolean.parseBoolean(value);
      }
      problem(entry.get().line(), key, "'" + entry.get().value() + "' is neither true nor false");
      return fallback;
    }

    Map<String, String> env() {
      Map<String, String> env = new LinkedHashMap<>();
      Optional<ConfFile.Entry> entry = file.get(ENV);
      if (entry.isEmpty()) {
        return env;
      }
      for (String pair : entry.get().value().trim().split("\\s+")) {
        if (pair.isEmpty()) {
          continue;
        }
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        if (equals < 0 || !ENV_NAME.matcher(name).matches()) {
          problem(entry.get().line(), ENV, "'" + pair + "' is not NAME=value");
          continue;
        }
        env.put(name, pair.substring(equals + 1));
      }
      return env;
    }
  }
}

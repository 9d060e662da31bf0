package io.citadel.centralconfig.internal;

import io.citadel.coordination.Coordination;
import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ConfigFileValidator;
import io.citadel.sdk.ServiceHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code centralconfig} service: pulls this node's configuration from the central store every
 * {@code interval-sec} (and at once on {@code centralconfig:pull}). A pulled {@code .cfg} reaches
 * its service the platform's way (FileInstall hands it to ConfigAdmin, the service's
 * {@code @Modified} applies it); a pulled {@code warden.conf}, {@code conf.d} or {@code roles} file
 * is acted on by the Warden at its next pass. Before a file is installed it is checked: as text, as
 * a {@code .cfg} by syntax and by the metatype of its PID, and by every {@link ConfigFileValidator}
 * that claims it (the Warden's for its own files).
 */
@Component(
    service = {CitadelService.class, CentralConfigService.class},
    property = CitadelService.SERVICE_NAME + "=" + CentralConfigService.NAME,
    configurationPid = CentralConfigService.PID,
    immediate = true)
@Designate(ocd = CentralConfigConfig.class)
public final class CentralConfigService implements CitadelService {
  static final String NAME = "centralconfig";
  static final String PID = "io.citadel.centralconfig";
  private static final Logger LOG = LoggerFactory.getLogger(CentralConfigService.class);
  private static final Duration COMMAND_WAIT = Duration.ofSeconds(60);
  private static final int PENDING_RETRIES = 5;

  private final Coordination coordination;
  private final BundleContext context;
  private final Path defaultStore;
  private final Puller puller;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "citadel-centralconfig"));
  private final List<ServiceReference<ConfigFileValidator>> validatorRefs =
      new CopyOnWriteArrayList<>();

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile MetaTypeService metaType;

  private volatile PullSettings settings;
  private volatile List<String> settingProblems = List.of();
  private volatile PullReport last;
  private volatile Instant nextPull;
  private ScheduledFuture<?> schedule;

  @Activate
  public CentralConfigService(
      @Reference Coordination coordination,
      @Reference ConfigurationAdmin configurationAdmin,
      BundleContext context,
      Map<String, Object> config)
      throws IOException {
    this.coordination = coordination;
    this.context = context;
    Path home = Path.of(property("karaf.home", "."));
    Path etc = Path.of(property("karaf.etc", home.resolve("etc").toString()));
    Path data = Path.of(property("karaf.data", home.resolve("data").toString()));
    this.defaultStore = home.toAbsolutePath().resolve("configuration").normalize();
    this.puller =
        new Puller(
            new LocalEtc(etc, pid -> wardenKeys(configurationAdmin, pid)),
            data.resolve(NAME).resolve("installed.properties"),
            this::validate,
            Clock.systemUTC());
    configure(config);
  }

  /** The Warden's keys ({@code citadel.*}) in a PID's configuration now, if it has one. */
  private static Map<String, String> wardenKeys(ConfigurationAdmin admin, String pid) {
    Map<String, String> keys = new java.util.TreeMap<>();
    try {
      Configuration[] found =
          admin.listConfigurations(
              "(" + org.osgi.framework.Constants.SERVICE_PID + "=" + pid + ")");
      if (found != null && found.length > 0 && found[0].getProperties() != null) {
        var properties = found[0].getProperties();
        for (var e = properties.keys(); e.hasMoreElements(); ) {
          String key = e.nextElement();
          if (key.startsWith(LocalEtc.WARDEN_KEYS)) {
            keys.put(key, String.valueOf(properties.get(key)));
          }
        }
      }
    } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
      LOG.warn("Central configuration: cannot read the configuration of {}: {}", pid, e.toString());
    }
    return keys;
  }

  @Modified
  void modified(Map<String, Object> config) {
    configure(config);
  }

  @Deactivate
  void deactivate() {
    thread.shutdownNow();
  }

  @Reference(
      service = ConfigFileValidator.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC)
  void addValidator(ServiceReference<ConfigFileValidator> reference) {
    validatorRefs.add(reference);
  }

  void removeValidator(ServiceReference<ConfigFileValidator> reference) {
    validatorRefs.remove(reference);
  }

  private synchronized void configure(Map<String, Object> config) {
    List<String> problems = new ArrayList<>();
    PullSettings next = PullSettings.parse(config, defaultStore, problems);
    for (String problem : problems) {
      LOG.error("{}: {}; its default is used until it is fixed", PID, problem);
    }
    settingProblems = List.copyOf(problems);
    PullSettings previous = settings;
    settings = next;
    if (next.backend().equals(PullSettings.SHARED) && next.storeIsDefault()) {
      try {
        new SharedFolderStore(next.store()).create();
      } catch (IOException e) {
        LOG.error(
            "Central configuration: cannot make the store {}: {}", next.store(), e.toString());
      }
    }
    if (previous == null || previous.intervalSec() != next.intervalSec()) {
      if (schedule != null) {
        schedule.cancel(false);
      }
      // the first pull comes soon after start, as MapR's puller runs when the node starts
      long first = previous == null ? 1 : next.intervalSec();
      nextPull = Instant.now().plusSeconds(first);
      schedule =
          thread.scheduleWithFixedDelay(
              this::scheduledPull, first, next.intervalSec(), TimeUnit.SECONDS);
    }
    LOG.info(
        "Central configuration: pulling from {} every {} s for node {} (files {})",
        next.storeDescription(),
        next.intervalSec(),
        next.host(),
        next.files());
  }

  private void scheduledPull() {
    try {
      runPull();
    } catch (RuntimeException e) {
      LOG.error("Central configuration: the pull failed", e);
    } finally {
      PullSettings s = settings;
      nextPull = Instant.now().plusSeconds(s.intervalSec());
    }
  }

  private PullReport runPull() {
    PullSettings s = settings;
    PullReport report = puller.pull(store(s), s);
    last = report;
    return report;
  }

  private CentralStore store(PullSettings s) {
    return s.backend().equals(PullSettings.ZOOKEEPER)
        ? new ZooKeeperStore(coordination::curator, coordination.clusterPath("configuration"))
        : new SharedFolderStore(s.store());
  }

  /**
   * Pulls now, on the puller's thread; a file that was still being written is looked at again once
   * it has settled (a few times, bounded).
   */
  public PullReport pullNow() throws InterruptedException, ExecutionException, TimeoutException {
    PullReport report = submit(this::runPull);
    for (int i = 0; i < PENDING_RETRIES && report.pending(); i++) {
      Thread.sleep(Math.max(200, settings.settleMs() / 2));
      report = submit(this::runPull);
    }
    return report;
  }

  /** Copies a local file into the store, for every node or for one. */
  public String push(String path, String node)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    PullSettings s = settings;
    if (!s.files().allows(path)) {
      throw new IllegalArgumentException(
          path + " is not a file the puller takes (files = " + s.files() + ")");
    }
    if (node != null && !FileRules.isSafeName(node)) {
      throw new IllegalArgumentException(node + " is not a node name");
    }
    LocalEtc etc = new LocalEtc(Path.of(property("karaf.etc", "etc")));
    byte[] content =
        etc.read(path)
            .orElseThrow(() -> new IllegalArgumentException("etc/" + path + " does not exist"));
    if (path.endsWith(".cfg")) {
      content = withoutWardenKeys(content);
    }
    List<String> problems = Puller.check(path, content, this::validate);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "not pushed, " + path + " does not validate: " + String.join("; ", problems));
    }
    String scope = node == null ? CentralStore.DEFAULT : CentralStore.node(node);
    byte[] bytes = content;
    submit(
        () -> {
          store(s).put(scope, path, bytes);
          return null;
        });
    return scope + "/" + path;
  }

  /** A {@code .cfg} without the keys the Warden sets on this node alone. */
  static byte[] withoutWardenKeys(byte[] content) {
    StringBuilder out = new StringBuilder();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n", -1)) {
      String stripped = line.strip();
      if (stripped.startsWith(LocalEtc.WARDEN_KEYS)
          || stripped.equals(
              "# Set by this node's Warden, kept by the central configuration puller")) {
        continue;
      }
      out.append(line).append('\n');
    }
    String text = out.toString();
    return (text.endsWith("\n\n") ? text.substring(0, text.length() - 1) : text)
        .getBytes(StandardCharsets.UTF_8);
  }

  private <T> T submit(java.util.concurrent.Callable<T> task)
      throws InterruptedException, ExecutionException, TimeoutException {
    return thread.submit(task).get(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------------------ validation

  private List<String> validate(String path, byte[] content) {
    List<String> problems = new ArrayList<>();
    if (path.endsWith(".cfg") && !path.contains("/")) {
      problems.addAll(metatype(path, content));
    }
    String text = new String(content, StandardCharsets.UTF_8);
    Path p = Path.of(path);
    for (ServiceReference<ConfigFileValidator> reference : validatorRefs) {
      if (!claims(reference, p)) {
        continue;
      }
      ConfigFileValidator validator = context.getService(reference);
      if (validator == null) {
        continue;
      }
      try {
        problems.addAll(validator.validate(path, text));
      } finally {
        context.ungetService(reference);
      }
    }
    return problems;
  }

  private static boolean claims(ServiceReference<?> reference, Path path) {
    Object files = reference.getProperty(ConfigFileValidator.FILES);
    List<String> patterns =
        files instanceof String[] array
            ? Arrays.asList(array)
            : files == null ? List.of() : List.of(files.toString());
    for (String pattern : patterns) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern.strip());
      if (m.matches(path)) {
        return true;
      }
    }
    return false;
  }

  /** Checks each value of a {@code .cfg} against the metatype its PID is described by. */
  private List<String> metatype(String path, byte[] content) {
    MetaTypeService service = metaType;
    if (service == null) {
      return List.of();
    }
    String pid = path.substring(0, path.length() - ".cfg".length());
    Map<String, String> values;
    try {
      values = LocalEtc.properties(content);
    } catch (IOException | IllegalArgumentException e) {
      return List.of(path + ": " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    for (Bundle bundle : context.getBundles()) {
      MetaTypeInformation info = service.getMetaTypeInformation(bundle);
      if (info == null || !Arrays.asList(info.getPids()).contains(pid)) {
        continue;
      }
      ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
      AttributeDefinition[] attributes =
          ocd == null ? null : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
      for (AttributeDefinition ad : attributes == null ? new AttributeDefinition[0] : attributes) {
        String value = values.get(ad.getID());
        if (value == null || value.isBlank()) {
          continue;
        }
        String why = ad.validate(value.strip());
        if (why != null && !why.isEmpty()) {
          problems.add(path + " " + ad.getID() + "=" + value.strip() + ": " + why);
        }
      }
      break;
    }
    return problems;
  }

  // ------------------------------------------------------------------------------ status

  /** What {@code centralconfig:status} shows. */
  public record Status(
      PullSettings settings,
      List<String> settingProblems,
      PullReport last,
      Instant nextPull,
      List<Alarm> alarms,
      Map<String, String> installed) {}

  public Status status() {
    return new Status(
        settings, settingProblems, last, nextPull, puller.alarms(), puller.installed());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    List<Alarm> alarms = puller.alarms();
    if (!alarms.isEmpty()) {
      return ServiceHealth.degraded(
          "alarm: "
              + alarms.get(0)
              + (alarms.size() > 1 ? " (and " + (alarms.size() - 1) + " more)" : ""));
    }
    List<String> problems = settingProblems;
    if (!problems.isEmpty()) {
      return ServiceHealth.degraded(PID + ": " + problems.get(0));
    }
    return ServiceHealth.running();
  }

  private String property(String name, String fallback) {
    String value = context.getProperty(name);
    return value == null ? fallback : value;
  }
}

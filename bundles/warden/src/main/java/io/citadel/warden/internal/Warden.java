package io.citadel.warden.internal;

import io.citadel.coordination.Coordination;
import io.citadel.coordination.CoordinationState;
import io.citadel.coordination.CoordinationStateListener;
import io.citadel.sdk.ConfigFileValidator;
import io.citadel.warden.internal.conf.ConfFile;
import io.citadel.warden.internal.conf.ConfProblem;
import io.citadel.warden.internal.conf.MemoryPlan;
import io.citadel.warden.internal.conf.RolesFile;
import io.citadel.warden.internal.conf.ServiceCatalog;
import io.citadel.warden.internal.conf.ServiceDefinition;
import io.citadel.warden.internal.conf.Triplet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Warden. One thread owns every service's lifecycle: it reads {@code warden.conf},
 * {@code conf.d/} and {@code roles} each pass, applies what changed (a new file starts its service,
 * a removed one stops it and its dependents first, a changed one restarts it, a bad one leaves the
 * last good definition in force), starts services whose dependencies run (here or, unless {@code
 * service.depends.local}, anywhere in the cluster), watches their health, restarts them within
 * their retry budget, and makes counted services race for their slots in ZooKeeper.
 */
@Component(
    service = {WardenRuntime.class, ConfigFileValidator.class},
    property = {
      ConfigFileValidator.FILES + "=warden.conf",
      ConfigFileValidator.FILES + "=conf.d/warden.*.conf",
      ConfigFileValidator.FILES + "=roles"
    },
    configurationPid = WardenOptions.PID,
    immediate = true)
@Designate(ocd = WardenConfig.class)
public final class Warden implements WardenRuntime, ConfigFileValidator {

  private static final Logger LOG = LoggerFactory.getLogger(Warden.class);
  private static final Set<String> BUILT_IN = Set.of("coordination");
  private static final Duration COMMAND_WAIT = Duration.ofSeconds(120);

  private final BundleContext context;
  // Bound dynamically: a new ZooKeeper session (io.citadel.coordination changed) is taken over
  // without stopping the services this Warden runs.
  private volatile Coordination coordination;
  private final ConfigurationAdmin configurationAdmin;
  private final ServiceComponentRuntime scr;
  private final Path etc;
  private final Path home;
  private final Path data;
  private final ScheduledExecutorService thread;

  /** Renews {@link #leases}, apart from the passes, which may wait on a slow stop. */
  private final ScheduledExecutorService leaseThread;

  /** The leases of the claimed services that run here. */
  private final Set<Lease> leases = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** How often a lease is renewed: many times within the shortest lease (half of 4 s). */
  private static final Duration LEASE_RENEWAL = Duration.ofMillis(200);

  private final CoordinationStateListener stateListener = this::onCoordinationState;
  private volatile WardenOptions options;
  private ScheduledFuture<?> scan;

  // Owned by the Warden's thread.
  private final Map<Path, String> lastContent = new HashMap<>();
  private final Map<String, ServiceInstance> instances = new LinkedHashMap<>();
  private final Map<String, PersistentNode> statusNodes = new HashMap<>();
  private final Set<String> loggedProblems = new HashSet<>();
  private ServiceCatalog catalog =
      new ServiceCatalog(
          io.citadel.warden.internal.conf.WardenSettings.DEFAULTS, Map.of(), List.of(), List.of());
  private List<String> order = List.of();
  private Set<String> roles;
  private boolean memoryAlarm;
  private int lastSessionTimeoutMs = 20_000;

  // Read by the console.
  private volatile List<ServiceView> views = List.of();
  private volatile List<ConfProblem> problems = List.of();
  private volatile MemoryPlan memory;
  private volatile Instant suspendedSince;

  @Activate
  public Warden(
      BundleContext context,
      @Reference ConfigurationAdmin configurationAdmin,
      @Reference ServiceComponentRuntime scr,
      Map<String, Object> properties) {
    this.context = context;
    this.configurationAdmin = configurationAdmin;
    this.scr = scr;
    this.etc = Path.of(property("karaf.etc", "etc"));
    this.home = Path.of(property("karaf.home", "."));
    this.data = Path.of(property("karaf.data", "data"));
    WardenOptions parsed;
    try {
      parsed = WardenOptions.parse(properties);
    } catch (IllegalArgumentException e) {
      LOG.error("{}: {}; using the defaults until it is fixed", WardenOptions.PID, e.getMessage());
      parsed = WardenOptions.parse(Map.of());
    }
    this.options = parsed;
    this.memory = MemoryPlan.compute(totalMemoryMb(), catalog.settings(), List.of(), jvmHeapMb());
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "citadel-warden"));
    this.leaseThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "citadel-warden-leases");
              t.setDaemon(true);
              return t;
            });
    leaseThread.scheduleWithFixedDelay(
        this::renewLeases,
        LEASE_RENEWAL.toMillis(),
        LEASE_RENEWAL.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info(
        "Warden of {} watching {} and {}",
        options.hostName(),
        etc.resolve("warden.conf"),
        etc.resolve("conf.d"));
  }

  /**
   * The first Coordination starts the Warden's passes; a later one (DS binds the new session's
   * before it unbinds the old one) moves the Warden over: its status znodes and its claims on
   * counted services are made again on the new session, and nothing it runs is stopped.
   */
  @Reference(
      name = "coordination",
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      unbind = "unbindCoordination")
  void bindCoordination(Coordination next) {
    Coordination previous;
    synchronized (this) {
      previous = coordination;
      coordination = next;
    }
    next.addStateListener(stateListener);
    if (previous == null) {
      if (!next.state().isConnected()) {
        suspendedSince = Instant.now();
      }
      schedule();
      return;
    }
    previous.removeStateListener(stateListener);
    LOG.info("Warden: moving to the new ZooKeeper session of {}", next.connectString());
    // The old client is closed once this returns, and its session's claims go with it: they move
    // (or their services stop) before, on the Warden's thread, waited for here.
    try {
      thread.submit(() -> movedToNewSession(next)).get(MOVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.error("Warden: moving the claims to the new ZooKeeper session did not finish", e);
    }
  }

  /** How long a session move waits for the new session, and for the claims to move. */
  private static final Duration MOVE_CONNECT_WAIT = Duration.ofSeconds(10);

  private static final Duration MOVE_WAIT = Duration.ofSeconds(30);

  void unbindCoordination(Coordination gone) {
    gone.removeStateListener(stateListener);
  }

  // On the Warden's thread.
  private void movedToNewSession(Coordination next) {
    statusNodes.keySet().stream().toList().forEach(this::closeStatus);
    for (ServiceInstance instance : instances.values()) {
      Claim claim = instance.claim;
      instance.claim = null;
      if (claim == null || !claim.held() || !instance.isStarted()) {
        continue; // nothing held: the next pass claims on the new session
      }
      Claim moved = null;
      try {
        moved = claim.moveTo(next, MOVE_CONNECT_WAIT);
      } catch (Exception e) {
        LOG.warn("Warden: cannot move {}'s claim to the new session: {}", instance.name(), e);
      }
      if (moved != null) {
        instance.claim = moved;
        Lease before = instance.lease;
        if (before != null) {
          // the new session's lease follows on from the old one's, confirmed before it is used
          Lease after = new Lease(next, instance.name(), moved, before.file(), before.until());
          after.renew();
          leases.add(after);
          leases.remove(before);
          instance.lease = after;
        }
        LOG.info("Warden: {}'s claim moved to the new ZooKeeper session", instance.name());
      } else {
        // the old session's end frees the slot for another node: stop first
        stopInstance(
            instance,
            InstanceState.STANDBY,
            "stopped: its claim could not move to the new ZooKeeper session before the old one"
                + " ends");
      }
    }
    if (!coordination.state().isConnected()) {
      suspendedSince = Instant.now();
    }
    pass();
  }

  @Modified
  void modified(Map<String, Object> properties) {
    try {
      WardenOptions next = WardenOptions.parse(properties);
      boolean reschedule = next.scanIntervalMs() != options.scanIntervalMs();
      options = next;
      if (reschedule) {
        schedule();
      }
      wake();
    } catch (IllegalArgumentException e) {
      LOG.error("{}: {}; keeping the settings in force", WardenOptions.PID, e.getMessage());
    }
  }

  @Deactivate
  void deactivate() {
    // No pass after this one: a pass already queued (a wake, the next scan) would start again
    // the services stopAll has just stopped, and they would outlive the Warden.
    stopping = true;
    coordination.removeStateListener(stateListener);
    try {
      thread.submit(this::stopAll).get(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.error("Warden: stopping the services did not finish", e);
    }
    thread.shutdownNow();
    leaseThread.shutdownNow();
  }

  private volatile boolean stopping;

  private synchronized void schedule() {
    if (scan != null) {
      scan.cancel(false);
    }
    scan =
        thread.scheduleWithFixedDelay(
            this::pass, 0, options.scanIntervalMs(), TimeUnit.MILLISECONDS);
  }

  /** Runs a pass soon, e.g. because a slot was freed or the session changed. */
  private void wake() {
    if (!thread.isShutdown()) {
      thread.execute(this::pass);
    }
  }

  private void onCoordinationState(Coordination source, CoordinationState state) {
    switch (state) {
      case SUSPENDED, LOST -> {
        if (suspendedSince == null) {
          suspendedSince = Instant.now();
        }
      }
      case CONNECTED, RECONNECTED -> suspendedSince = null;
      default -> {}
    }
    wake();
  }

  // ---------------------------------------------------------------- the pass

  private void pass() {
    if (stopping || shuttingDown()) {
      return;
    }
    try {
      rememberSessionTimeout();
      if (readFiles()) {
        applyCatalog();
      }
      reconcileAll();
    } catch (RuntimeException e) {
      LOG.error("Warden pass failed", e);
    }
  }

  /** Reads the files; returns whether any changed since the last pass. */
  private boolean readFiles() {
    Map<Path, String> now = readFilesNow();
    if (now.equals(lastContent)) {
      return false;
    }
    lastContent.clear();
    lastContent.putAll(now);
    return true;
  }

  private Map<Path, String> readFilesNow() {
    Map<Path, String> now = new TreeMap<>();
    read(etc.resolve("warden.conf"), now);
    read(etc.resolve("roles"), now);
    Path confD = etc.resolve("conf.d");
    if (Files.isDirectory(confD)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(confD, "warden.*.conf")) {
        for (Path file : files) {
          read(file, now);
        }
      } catch (IOException e) {
        LOG.warn("Warden cannot list {}: {}", confD, e.getMessage());
      }
    }
    return now;
  }

  /**
   * Checks a proposed warden.conf, conf.d file or roles file as the Warden would read it beside the
   * node's other files as they are now, so a file that only goes wrong with the rest (a second file
   * for one service, a dependency cycle) is caught too. Reads the disk, not the Warden's state, so
   * it may run on any thread.
   */
  @Override
  public List<String> validate(String path, String text) {
    Path file = etc.resolve(path).normalize();
    if (file.equals(etc.resolve("roles"))) {
      return RolesFile.problems(text);
    }
    boolean wardenConf = file.equals(etc.resolve("warden.conf"));
    boolean serviceFile =
        etc.resolve("conf.d").equals(file.getParent())
            && file.getFileName().toString().matches("warden\\..+\\.conf");
    if (!wardenConf && !serviceFile) {
      return List.of(path + ": not a file the Warden reads");
    }
    Map<Path, String> files = readFilesNow();
    files.put(file, text);
    ConfFile warden = null;
    List<ConfFile> serviceFiles = new ArrayList<>();
    for (Map.Entry<Path, String> f : files.entrySet()) {
      ConfFile parsed = ConfFile.parse(f.getKey(), f.getValue());
      if (f.getKey().equals(etc.resolve("warden.conf"))) {
        warden = parsed;
      } else if (f.getKey().getParent() != null && f.getKey().getParent().endsWith("conf.d")) {
        serviceFiles.add(parsed);
      }
    }
    ServiceCatalog proposed =
        ServiceCatalog.build(warden, serviceFiles, this::bundleInstalled, BUILT_IN);
    return proposed.problemsOf(file).stream().map(ConfProblem::toString).toList();
  }

  private static void read(Path file, Map<Path, String> into) {
    if (Files.isRegularFile(file)) {
      try {
        into.put(file, Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        into.put(file, "\u0000unreadable: " + e.getMessage());
      }
    }
  }

  private void applyCatalog() {
    Path wardenConf = etc.resolve("warden.conf");
    List<ConfFile> serviceFiles = new ArrayList<>();
    for (Map.Entry<Path, String> file : lastContent.entrySet()) {
      if (file.getKey().getParent() != null && file.getKey().getParent().endsWith("conf.d")) {
        serviceFiles.add(ConfFile.parse(file.getKey(), file.getValue()));
      }
    }
    ConfFile warden =
        lastContent.containsKey(wardenConf)
            ? ConfFile.parse(wardenConf, lastContent.get(wardenConf))
            : null;
    catalog = ServiceCatalog.build(warden, serviceFiles, this::bundleInstalled, BUILT_IN);
    roles = RolesFile.roles(lastContent.get(etc.resolve("roles")));
    reportProblems();

    Map<String, ServiceDefinition> next = new HashMap<>(catalog.services());
    // Services whose file is gone, and every service that depends on one of them: these stop.
    Set<String> removed = new HashSet<>();
    for (ServiceInstance instance : instances.values()) {
      if (!lastContent.containsKey(instance.definition.file())) {
        removed.add(instance.name());
      }
    }
    for (String name : order) {
      ServiceInstance instance = instances.get(name);
      if (instance != null
          && instance.definition.dependencies().stream().anyMatch(removed::contains)) {
        removed.add(name);
      }
    }
    // A file that went bad on its own leaves its service on the last good definition.
    for (ServiceInstance instance : instances.values()) {
      Path file = instance.definition.file();
      if (!next.containsKey(instance.name())
          && !removed.contains(instance.name())
          && lastContent.containsKey(file)
          && !catalog.problemsOf(file).isEmpty()) {
        next.put(instance.name(), instance.definition);
      }
    }
    List<String> previousOrder = order;
    order = ServiceCatalog.order(next);

    // Removed: stop in reverse start order, so dependents go first.
    List<String> reverse = new ArrayList<>(previousOrder);
    java.util.Collections.reverse(reverse);
    for (String name : reverse) {
      if (!next.containsKey(name) && instances.containsKey(name)) {
        ServiceInstance instance = instances.remove(name);
        LOG.info(
            "Warden: {} no longer described ({}): stopping it",
            name,
            instance.definition.file().getFileName());
        stopInstance(instance, InstanceState.STOPPED, "its file was removed");
        closeStatus(name);
      }
    }
    for (String name : order) {
      ServiceDefinition definition = next.get(name);
      ServiceInstance instance = instances.get(name);
      if (instance == null) {
        instances.put(name, new ServiceInstance(definition));
        LOG.info(
            "Warden: {} ({}) described by {}",
            name,
            definition.triplet(),
            definition.file().getFileName());
      } else if (!Objects.equals(instance.definition, definition)) {
        LOG.info("Warden: {} changed: restarting it", name);
        stopInstance(instance, InstanceState.WAITING, "its file changed");
        instance.definition = definition;
        instance.claim = null;
      }
    }
    // Keep the start order in the map, for the console.
    Map<String, ServiceInstance> ordered = new LinkedHashMap<>();
    for (String name : order) {
      ordered.put(name, instances.get(name));
    }
    instances.clear();
    instances.putAll(ordered);
  }

  private void reportProblems() {
    List<ConfProblem> current = catalog.problems();
    problems = current;
    Set<String> now = new HashSet<>();
    for (ConfProblem problem : current) {
      String text = problem.toString();
      now.add(text);
      if (!loggedProblems.contains(text)) {
        LOG.error("Warden configuration: {}", text);
      }
    }
    loggedProblems.clear();
    loggedProblems.addAll(now);
  }

  private boolean hasRole(String service) {
    return roles == null || roles.contains(service);
  }

  private void reconcileAll() {
    List<ServiceDefinition> here = new ArrayList<>();
    for (ServiceInstance instance : instances.values()) {
      if (hasRole(instance.name())) {
        here.add(instance.definition);
      }
    }
    MemoryPlan plan = MemoryPlan.compute(totalMemoryMb(), catalog.settings(), here, jvmHeapMb());
    memory = plan;
    if (plan.overThreshold() != memoryAlarm) {
      memoryAlarm = plan.overThreshold();
      if (memoryAlarm) {
        LOG.error(
            "ALARM memory: services are given {} MiB, {}% of the {} MiB left after the OS, above the"
                + " {}% threshold",
            plan.allocatedMb(),
            Math.round(plan.allocatedPercent()),
            plan.availableMb(),
            plan.thresholdPercent());
      } else {
        LOG.info(
            "Memory alarm cleared: {} MiB allocated of {} MiB",
            plan.allocatedMb(),
            plan.availableMb());
      }
    }
    for (ServiceInstance instance : instances.values()) {
      instance.memoryMb = plan.budgetOf(instance.name());
      if (!hasRole(instance.name())) {
        stopInstance(
            instance, InstanceState.STOPPED, "this node has no '" + instance.name() + "' role");
      } else {
        try {
          reconcile(instance);
        } catch (Exception e) {
          fail(instance, "Warden error: " + e.getMessage());
        }
      }
      instance.publishView();
      publishStatus(instance);
    }
    views = instances.values().stream().map(ServiceInstance::view).toList();
  }

  private void reconcile(ServiceInstance instance) throws Exception {
    Instant now = Instant.now();
    if (instance.stoppedByOperator) {
      stopInstance(instance, InstanceState.STOPPED, "stopped by warden:stop");
      return;
    }
    if (instance.state == InstanceState.FAILED
        && instance.retryAt != null
        && now.isBefore(instance.retryAt)) {
      return;
    }
    if (!instance.isStarted()) {
      String missing = unmetDependency(instance.definition);
      if (missing != null) {
        instance.moveTo(InstanceState.WAITING, "waiting for " + missing);
        return;
      }
    }
    if (instance.definition.triplet().count() != Triplet.ALL) {
      if (suspendedTooLong()) {
        stopInstance(
            instance,
            InstanceState.STANDBY,
            "ZooKeeper session suspended for "
                + Duration.between(suspendedSince, now).toMillis()
                + " ms: stopped before another node can take over");
        return;
      }
      if (!coordination.state().isConnected()) {
        return; // suspended, within the bound: change nothing until it is known
      }
      if (instance.claim == null) {
        instance.claim =
            new Claim(
                coordination,
                instance.name(),
                instance.definition.triplet().count(),
                options.hostName());
      }
      if (!instance.claim.acquire(event -> wake())) {
        stopInstance(
            instance,
            InstanceState.STANDBY,
            "standby; running on " + String.join(", ", instance.claim.holders()));
        return;
      }
      if (instance.lease != null && instance.lease.expired()) {
        // frozen, or cut off, past the lease: another node may take over any moment now
        stopInstance(
            instance,
            InstanceState.STANDBY,
            "its lease on the claim ran out "
                + instance.lease.overdueMs()
                + " ms ago (no ZooKeeper round trip confirmed it for half the session timeout):"
                + " stopped before another node can take over");
        return;
      }
    }
    if (!instance.isStarted()) {
      start(instance);
      return;
    }
    ServiceRunner.Health health = instance.runner.health();
    switch (health.state()) {
      case RUNNING -> instance.moveTo(InstanceState.RUNNING, health.detail());
      case STARTING -> {
        Duration limit = Duration.ofSeconds(options.startTimeoutSec());
        if (instance.state == InstanceState.RUNNING) {
          // It ran and is starting again by itself (DS reactivating its component on a new
          // ZooKeeper session, say): it has the start timeout from now, not from its start.
          instance.startedAt = now;
        }
        if (instance.startedAt.plus(limit).isBefore(now)) {
          fail(instance, "not healthy within " + limit.toSeconds() + " s: " + health.detail());
        } else {
          instance.moveTo(InstanceState.STARTING, health.detail());
        }
      }
      case STOPPING -> instance.moveTo(InstanceState.STOPPING, health.detail());
      default -> fail(instance, health.detail());
    }
  }

  private void start(ServiceInstance instance) {
    ServiceDefinition definition = instance.definition;
    Lease lease = null;
    if (instance.claim != null && instance.claim.held()) {
      Path file =
          definition.isProcess() && Uptime.shared()
              ? ProcessRunner.leaseFile(data, instance.name())
              : null;
      lease = new Lease(coordination, instance.name(), instance.claim, file, 0);
      if (!lease.renew()) {
        instance.moveTo(
            InstanceState.STANDBY, "waiting for ZooKeeper to confirm this node's claim");
        return;
      }
      leases.add(lease);
      instance.lease = lease;
    }
    ServiceRunner runner =
        definition.isProcess()
            ? new ProcessRunner(
                definition,
                home,
                data,
                Duration.ofSeconds(options.monitorIntervalSec()),
                lease == null ? null : lease.file(),
                instance.claim == null ? 0 : instance.claim.token())
            : new BundleRunner(definition, context, configurationAdmin, scr, options.hostName());
    instance.runner = runner;
    instance.startedAt = Instant.now();
    try {
      runner.start(instance.memoryMb, definition.port().orElse(0));
      instance.moveTo(InstanceState.STARTING, "started " + runner.describe());
      LOG.info(
          "Warden: started {} ({}, {} MiB)", instance.name(), runner.describe(), instance.memoryMb);
    } catch (Exception e) {
      fail(instance, "cannot start: " + rootCause(e));
    }
  }

  /** The message an operator needs: the innermost cause, not the framework's wrapper. */
  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return cause == error ? message : error.getMessage() + ": " + message;
  }

  /**
   * Whether the framework is shutting down or this bundle stopping: the bundles the Warden started
   * may then be stopped by the framework before the Warden is, and they must not be taken for
   * failed services and started again (which made a node's stop wait on restarts).
   */
  private boolean shuttingDown() {
    try {
      return context.getBundle(0).getState() == Bundle.STOPPING
          || context.getBundle().getState() == Bundle.STOPPING;
    } catch (IllegalStateException e) {
      return true; // this bundle's context is no longer valid
    }
  }

  private void fail(ServiceInstance instance, String why) {
    if (shuttingDown()) {
      stopping = true;
      LOG.info("Warden: {} stopped with the framework ({})", instance.name(), why);
      if (instance.runner != null) {
        instance.runner.stop();
        instance.runner = null;
      }
      endLease(instance);
      return;
    }
    if (instance.runner != null) {
      instance.runner.stop();
      instance.runner = null;
    }
    endLease(instance);
    if (instance.recordFailure(Instant.now())) {
      if (instance.claim != null) {
        instance.claim.release();
      }
      instance.moveTo(
          InstanceState.FAILED,
          why
              + " (failed "
              + (instance.definition.retries() + 1)
              + " times within "
              + instance.definition.retryIntervalSec()
              + " s; next try at "
              + instance.retryAt
              + ")");
      LOG.error("ALARM service {} failed: {}", instance.name(), instance.detail);
    } else {
      LOG.warn("Warden: {} failed ({}); restarting it", instance.name(), why);
      instance.moveTo(InstanceState.STARTING, "restarting after: " + why);
      start(instance);
    }
  }

  private static final long SLOW_STOP_MS = 5_000;

  private void stopInstance(ServiceInstance instance, InstanceState state, String why) {
    if (instance.runner != null) {
      instance.moveTo(InstanceState.STOPPING, why);
      publishStatus(instance);
      long began = System.nanoTime();
      instance.runner.stop();
      instance.runner = null;
      endLease(instance);
      long tookMs = (System.nanoTime() - began) / 1_000_000;
      LOG.info("Warden: stopped {} ({})", instance.name(), why);
      if (tookMs > SLOW_STOP_MS) {
        // the pass waited that long: no other service was stopped or started meanwhile
        LOG.warn(
            "Warden: stopping {} took {} ms; a service must stop at once, with or without a"
                + " ZooKeeper session",
            instance.name(),
            tookMs);
      }
    }
    if (instance.claim != null && state != InstanceState.STANDBY) {
      instance.claim.release();
    }
    instance.moveTo(state, why);
  }

  /** Lets a stopped service's lease go: it is not renewed, and its guard's file is removed. */
  private void endLease(ServiceInstance instance) {
    Lease lease = instance.lease;
    instance.lease = null;
    if (lease != null) {
      leases.remove(lease);
      if (lease.file() != null) {
        try {
          Files.deleteIfExists(lease.file());
        } catch (java.io.IOException e) {
          LOG.debug("cannot delete {}", lease.file(), e);
        }
      }
    }
  }

  // On the lease thread.
  private void renewLeases() {
    for (Lease lease : leases) {
      boolean wasExpired = lease.expired();
      if (!lease.renew() && !wasExpired && lease.expired()) {
        LOG.warn(
            "Warden: {}'s lease ran out: no ZooKeeper round trip confirmed its claim for half the"
                + " session timeout; it stops",
            lease.service());
        wake();
      }
    }
  }

  /** How long stopping waits for the claims and status znodes to be let go while connected. */
  private static final Duration LET_GO_WAIT = Duration.ofSeconds(5);

  private void stopAll() {
    List<Claim> claims = new ArrayList<>();
    List<String> reverse = new ArrayList<>(order);
    java.util.Collections.reverse(reverse);
    for (String name : reverse) {
      ServiceInstance instance = instances.get(name);
      if (instance != null) {
        if (instance.claim != null) {
          claims.add(instance.claim);
          instance.claim = null;
        }
        stopInstance(instance, InstanceState.STOPPED, "the Warden stopped");
      }
    }
    Map<String, PersistentNode> nodes = new HashMap<>(statusNodes);
    statusNodes.clear();
    if (nodes.isEmpty() && claims.isEmpty()) {
      return;
    }
    // The singletons' claims and the status znodes are deleted on a thread of their own: without
    // a quorum (the last nodes of a cluster stopping after the others took it with them, which
    // can happen while this very loop runs) each delete waits out Curator's retries, and the
    // node's stop would wait with it. They are ephemeral and leave with the session anyway.
    Thread letGo =
        new Thread(
            () -> {
              claims.forEach(Claim::release);
              nodes.forEach(Warden::closeStatus);
            },
            "citadel-warden-let-go");
    letGo.setDaemon(true);
    letGo.start();
    try {
      letGo.join(coordination.state().isConnected() ? LET_GO_WAIT.toMillis() : 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (letGo.isAlive()) {
      LOG.info(
          "Warden: ZooKeeper has not taken the deletes of the services' claims and status"
              + " znodes; they are ephemeral and leave with the session");
    }
  }

  /** The first dependency that runs neither here nor (where allowed) elsewhere, or null. */
  private String unmetDependency(ServiceDefinition definition) {
    for (String dependency : definition.dependencies()) {
      if (BUILT_IN.contains(dependency)) {
        if (!coordination.state().isConnected()) {
          return dependency;
        }
        continue;
      }
      ServiceInstance local = instances.get(dependency);
      if (local != null && local.state == InstanceState.RUNNING) {
        continue;
      }
      if (!definition.dependsLocal() && runsElsewhere(dependency)) {
        continue;
      }
      return dependency;
    }
    return null;
  }

  private boolean runsElsewhere(String service) {
    if (!coordination.state().isConnected()) {
      return false;
    }
    try {
      String path = coordination.clusterPath("services", service);
      if (coordination.curator().checkExists().forPath(path) == null) {
        return false;
      }
      for (String host : coordination.curator().getChildren().forPath(path)) {
        if (host.equals(options.hostName())) {
          continue;
        }
        byte[] status = coordination.curator().getData().forPath(path + "/" + host);
        if ("running"
            .equals(StatusJson.read(new String(status, StandardCharsets.UTF_8)).get("state"))) {
          return true;
        }
      }
    } catch (Exception e) {
      LOG.debug("cannot read where {} runs", service, e);
    }
    return false;
  }

  private boolean suspendedTooLong() {
    Instant since = suspendedSince;
    if (since == null) {
      return false;
    }
    long bound =
        options.suspendedStopMs() > 0 ? options.suspendedStopMs() : lastSessionTimeoutMs / 6;
    return Duration.between(since, Instant.now()).toMillis() > bound;
  }

  private void rememberSessionTimeout() {
    try {
      if (coordination.state().isConnected()) {
        int timeout =
            coordination.curator().getZookeeperClient().getZooKeeper().getSessionTimeout();
        if (timeout > 0) {
          lastSessionTimeoutMs = timeout;
        }
      }
    } catch (Exception e) {
      // Keep the last one known.
    }
  }

  // ---------------------------------------------------------------- ZooKeeper status

  private void publishStatus(ServiceInstance instance) {
    if (instance.state == InstanceState.STOPPED) {
      closeStatus(instance.name());
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("service", instance.name());
    fields.put("host", options.hostName());
    fields.put("state", instance.state.label());
    fields.put("port", instance.definition.port().orElse(0));
    fields.put("memoryMb", instance.memoryMb);
    fields.put("restarts", instance.restarts);
    fields.put("since", instance.since.toString());
    fields.put("detail", instance.detail);
    byte[] json = StatusJson.write(fields).getBytes(StandardCharsets.UTF_8);
    PersistentNode node = statusNodes.get(instance.name());
    try {
      if (node == null) {
        node =
            new PersistentNode(
                coordination.curator(),
                CreateMode.EPHEMERAL,
                false,
                coordination.clusterPath("services", instance.name(), options.hostName()),
                json);
        node.start();
        statusNodes.put(instance.name(), node);
      } else {
        node.setData(json);
      }
    } catch (Exception e) {
      LOG.debug("cannot publish the status of {} yet", instance.name(), e);
    }
  }

  private void closeStatus(String service) {
    PersistentNode node = statusNodes.remove(service);
    if (node != null) {
      closeStatus(service, node);
    }
  }

  private static void closeStatus(String service, PersistentNode node) {
    try {
      node.close();
    } catch (IOException e) {
      LOG.debug("closing the status node of {}", service, e);
    }
  }

  // ---------------------------------------------------------------- console

  @Override
  public List<ServiceView> services() {
    return views;
  }

  @Override
  public List<ConfProblem> problems() {
    return problems;
  }

  @Override
  public MemoryPlan memory() {
    return memory;
  }

  @Override
  public List<String> serviceNames() {
    return views.stream().map(ServiceView::service).toList();
  }

  @Override
  public List<ClusterEntry> cluster() throws Exception {
    List<ClusterEntry> entries = new ArrayList<>();
    String root = coordination.clusterPath("services");
    if (coordination.curator().checkExists().forPath(root) == null) {
      return entries;
    }
    for (String service : coordination.curator().getChildren().forPath(root)) {
      for (String host : coordination.curator().getChildren().forPath(root + "/" + service)) {
        try {
          byte[] json = coordination.curator().getData().forPath(root + "/" + service + "/" + host);
          entries.add(
              new ClusterEntry(
                  host, service, StatusJson.read(new String(json, StandardCharsets.UTF_8))));
        } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
          // Went away while listing.
        }
      }
    }
    entries.sort(
        java.util.Comparator.comparing(ClusterEntry::host).thenComparing(ClusterEntry::service));
    return entries;
  }

  @Override
  public String start(String service) throws Exception {
    return onWardenThread(
        () -> {
          ServiceInstance instance = released(service);
          if (instance.state == InstanceState.FAILED) {
            instance.moveTo(InstanceState.WAITING, "retry asked by warden:start");
          }
          reconcileAll();
          return service + " is " + instance.state.label() + detail(instance);
        });
  }

  @Override
  public String stop(String service) throws Exception {
    return onWardenThread(
        () -> {
          known(service);
          List<String> stopped = new ArrayList<>();
          for (String dependent : catalog.dependentsOf(service)) {
            ServiceInstance instance = instances.get(dependent);
            if (instance != null && instance.isStarted()) {
              instance.stoppedByOperator = true;
              stopInstance(instance, InstanceState.STOPPED, "stopped with " + service);
              stopped.add(dependent);
            }
          }
          ServiceInstance instance = instances.get(service);
          instance.stoppedByOperator = true;
          stopInstance(instance, InstanceState.STOPPED, "stopped by warden:stop");
          stopped.add(service);
          reconcileAll();
          return "stopped " + String.join(", ", stopped);
        });
  }

  @Override
  public String restart(String service) throws Exception {
    return onWardenThread(
        () -> {
          ServiceInstance instance = released(service);
          stopInstance(instance, InstanceState.WAITING, "restart asked by warden:restart");
          reconcileAll();
          return service + " is " + instance.state.label() + detail(instance);
        });
  }

  /** The instance, freed of an operator's stop and of a failed service's wait. */
  private ServiceInstance released(String service) {
    ServiceInstance instance = known(service);
    instance.stoppedByOperator = false;
    instance.retryAt = null;
    return instance;
  }

  private ServiceInstance known(String service) {
    ServiceInstance instance = instances.get(service);
    if (instance == null) {
      throw new IllegalArgumentException(
          "No service '"
              + service
              + "' on this node; known: "
              + String.join(", ", instances.keySet()));
    }
    return instance;
  }

  private static String detail(ServiceInstance instance) {
    return instance.detail.isEmpty() ? "" : " (" + instance.detail + ")";
  }

  private <T> T onWardenThread(Callable<T> action) throws Exception {
    try {
      return thread.submit(action).get(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- node facts

  private boolean bundleInstalled(String symbolicName) {
    for (Bundle bundle : context.getBundles()) {
      if (symbolicName.equals(bundle.getSymbolicName())) {
        return true;
      }
    }
    return false;
  }

  /** The heap the bundles' services share: this JVM's largest. */
  private static long jvmHeapMb() {
    long max = Runtime.getRuntime().maxMemory();
    return max == Long.MAX_VALUE ? 0 : max / (1024 * 1024);
  }

  private long totalMemoryMb() {
    if (options.memoryTotalMb() > 0) {
      return options.memoryTotalMb();
    }
    try {
      Object bytes =
          ManagementFactory.getPlatformMBeanServer()
              .getAttribute(
                  new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME),
                  "TotalMemorySize");
      return ((Number) bytes).longValue() / (1024 * 1024);
    } catch (Exception e) {
      return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }
  }

  private String property(String name, String fallback) {
    String value = context.getProperty(name);
    return value == null ? fallback : value;
  }
}

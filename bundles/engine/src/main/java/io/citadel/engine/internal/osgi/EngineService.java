package io.citadel.engine.internal.osgi;

import io.citadel.engine.api.Database;
import io.citadel.engine.api.LoggedStatement;
import io.citadel.engine.api.Outcome;
import io.citadel.engine.api.WriteRouter;
import io.citadel.engine.internal.http.HttpSqlServer;
import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import io.citadel.engine.internal.sql.Session;
import io.citadel.engine.internal.storage.Snapshots;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.fileserver.api.ContainerSource;
import io.citadel.fileserver.api.FileServer;
import io.citadel.fileserver.api.QuotaExceededException;
import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code engine} service: opens the database in its data folder, serves PostgreSQL clients and
 * {@code POST /sql}, and applies configuration changes while running — sizes at once, listeners
 * rebound on a new port or address, the database reopened on a new data folder.
 */
@Component(
    service = {CitadelService.class, EngineService.class, Database.class},
    property = CitadelService.SERVICE_NAME + "=" + EngineService.NAME,
    configurationPid = EngineService.PID,
    immediate = true)
@Designate(ocd = EngineConfig.class)
public final class EngineService implements CitadelService, Database {
  static final String NAME = "engine";
  static final String PID = "io.citadel.engine";
  private static final Logger LOG = LoggerFactory.getLogger(EngineService.class);
  private static final long CHECKPOINT_BYTES = 64L << 20;
  private static final long MAX_REJECT = 100_000;

  private final Path defaultDataDir;
  private EngineSettings settings;
  private Engine engine;
  private PgServer pg;
  private HttpSqlServer http;
  private volatile ServiceHealth health = ServiceHealth.starting("opening the database");
  private volatile WriteRouter router;
  private FileServer fileServer;
  private AutoCloseable attachment;

  /** The open database and where clients reach it, for the fileserver's thread. */
  private volatile Engine served;

  private volatile String clientAddress = "";
  private volatile Map<String, String> endpoints = Map.of();

  @Activate
  public EngineService(BundleContext context, Map<String, Object> configuration)
      throws IOException {
    String data = context.getProperty("karaf.data");
    this.defaultDataDir = Path.of(data == null ? "data" : data).resolve("engine");
    List<String> problems = EngineSettings.newProblems();
    this.settings = EngineSettings.from(configuration, defaultDataDir, null, problems);
    report(problems, "using the default");
    open();
  }

  private void open() throws IOException {
    long start = System.nanoTime();
    engine = Engine.open(settings.dataDir(), options(settings));
    engine.setWriteRouter(router);
    try {
      listen();
    } catch (IOException e) {
      engine.close();
      engine = null;
      throw e;
    }
    served = engine;
    guardSpace();
    health = ServiceHealth.running();
    warmUp(engine);
    LOG.info(
        "Engine open on {} in {} ms: {} tables, PostgreSQL port {}, HTTP port {}, {} worker"
            + " threads, column cache {} MiB, execution on the CPU (no GPU support in this build)",
        settings.dataDir(),
        (System.nanoTime() - start) / 1_000_000,
        engine.store().tables().size(),
        pg.port(),
        http == null ? "off" : http.port(),
        settings.threads(),
        settings.cacheBytes() >> 20);
  }

  /**
   * Plans and runs one statement in the background, so that loading the planner's classes (a couple
   * of seconds in a fresh JVM) is not the first client's wait.
   */
  private static void warmUp(Engine engine) {
    Thread t =
        new Thread(
            () -> {
              try (var session = engine.openSession("citadel")) {
                session.execute("SELECT 1 + 1 AS warm_up");
              } catch (RuntimeException e) {
                LOG.debug("Engine warm-up failed", e);
              }
            },
            "citadel-engine-warm-up");
    t.setDaemon(true);
    t.start();
  }

  private void listen() throws IOException {
    java.net.InetAddress bind = settings.bindAddress();
    String host =
        bind.isAnyLocalAddress()
            ? java.net.InetAddress.getLocalHost().getHostName()
            : bind.getHostAddress();
    pg =
        PgServer.start(
            engine,
            new PgServer.Settings(
                settings.bindAddress(),
                settings.port(),
                settings.maxConnections(),
                60_000,
                64 << 20));
    if (settings.httpPort() > 0) {
      try {
        http =
            HttpSqlServer.start(
                engine, settings.bindAddress(), settings.httpPort(), settings.threads());
      } catch (IOException e) {
        pg.close();
        pg = null;
        throw e;
      }
    }
    clientAddress = host + ":" + pg.port();
    endpoints =
        http == null
            ? Map.of("pg", clientAddress)
            : Map.of("pg", clientAddress, "http", host + ":" + http.port());
  }

  private void closeListeners() {
    endpoints = Map.of();
    if (http != null) {
      http.close();
      http = null;
    }
    if (pg != null) {
      pg.close();
      pg = null;
    }
  }

  private static Engine.Options options(EngineSettings s) {
    return new Engine.Options(
        s.threads(),
        s.fragmentSize(),
        s.cacheBytes(),
        CHECKPOINT_BYTES,
        MAX_REJECT,
        s.queryMemoryBytes(),
        s.queryMemoryRule());
  }

  @Modified
  synchronized void modified(Map<String, Object> configuration) {
    List<String> problems = EngineSettings.newProblems();
    EngineSettings next = EngineSettings.from(configuration, defaultDataDir, settings, problems);
    report(problems, "keeping the value in force");
    EngineSettings before = settings;
    settings = next;
    try {
      if (engine == null || !next.dataDir().equals(before.dataDir())) {
        LOG.info("Engine: data folder is now {}; reopening", next.dataDir());
        closeListeners();
        served = null;
        if (engine != null) {
          engine.close();
          engine = null;
        }
        open();
        return;
      }
      if (pg == null || next.listenersDiffer(before)) {
        LOG.info(
            "Engine: listening again on port {} and HTTP port {}", next.port(), next.httpPort());
        closeListeners();
        listen();
        health = ServiceHealth.running();
      }
      if (!next.volume().equals(before.volume())) {
        detachContainers();
        guardSpace();
      }
      pg.setMaxConnections(next.maxConnections());
      engine.reconfigure(options(next));
      LOG.info(
          "Engine reconfigured: {} threads, column cache {} MiB, query memory {} MiB, fragment"
              + " size {}, {} connections at most, execution-mode {}",
          next.threads(),
          next.cacheBytes() >> 20,
          next.queryMemoryBytes() >> 20,
          next.fragmentSize(),
          next.maxConnections(),
          next.executionMode());
    } catch (IOException | RuntimeException e) {
      LOG.error("Engine: cannot apply the new configuration: {}", e.getMessage(), e);
      health = ServiceHealth.failed(e.getMessage());
    }
  }

  private static void report(List<String> problems, String what) {
    for (String p : problems) {
      LOG.error("{}: {}; {}", PID, p, what);
    }
  }

  @Deactivate
  synchronized void deactivate() {
    detachContainers();
    served = null;
    closeListeners();
    if (engine != null) {
      try {
        engine.close();
      } catch (IOException e) {
        LOG.warn("Engine: closing the database failed: {}", e.toString());
      }
      engine = null;
    }
    health = ServiceHealth.failed("stopped");
  }

  // ------------------------------------------------------------------ writes through a log

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  synchronized void setWriteRouter(WriteRouter r) {
    router = r;
    if (engine != null) {
      engine.setWriteRouter(r);
    }
    LOG.info("Engine: state-changing statements now go through {}", r.getClass().getName());
  }

  synchronized void unsetWriteRouter(WriteRouter r) {
    if (router == r) {
      router = null;
      if (engine != null) {
        engine.setWriteRouter(null);
      }
      LOG.info("Engine: state-changing statements run here again");
    }
  }

  // ------------------------------------------------------------------ containers and quotas

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  synchronized void setFileServer(FileServer fs) {
    detachContainers();
    fileServer = fs;
    guardSpace();
  }

  synchronized void unsetFileServer(FileServer fs) {
    if (fileServer == fs) {
      detachContainers();
      fileServer = null;
      if (engine != null) {
        engine.setSpaceGuard(null);
      }
      LOG.info("Engine: no fileserver; writes are no longer held to a volume quota");
    }
  }

  /**
   * Attaches this database's fragments to the fileserver as the containers of the configured
   * volume, and has the engine ask it before each client write whether the volume has room.
   */
  private void guardSpace() {
    FileServer fs = fileServer;
    if (fs == null || engine == null) {
      return;
    }
    String volume = settings.volume();
    if (attachment == null) {
      try {
        attachment = fs.attach(volume, new Containers());
      } catch (RuntimeException e) {
        LOG.error("Engine: the fileserver does not take volume {}: {}", volume, e.getMessage());
        return;
      }
      LOG.info(
          "Engine: the fragments of {} are containers of volume {}", settings.dataDir(), volume);
    }
    engine.setSpaceGuard(
        bytes -> {
          try {
            fs.checkWrite(volume, bytes);
          } catch (QuotaExceededException e) {
            throw new SqlException(SqlException.DISK_FULL, e.getMessage());
          }
        });
  }

  private void detachContainers() {
    AutoCloseable a = attachment;
    attachment = null;
    if (a != null) {
      try {
        a.close();
      } catch (Exception e) {
        LOG.warn("Engine: detaching from the fileserver failed: {}", e.toString());
      }
    }
  }

  /** This database's fragments, as the fileserver reads them once a heartbeat. */
  private final class Containers implements ContainerSource {
    @Override
    public String address() {
      return clientAddress;
    }

    @Override
    public List<Fragment> fragments() {
      Engine e = served;
      if (e == null) {
        throw new IllegalStateException("the engine's database is not open");
      }
      List<Store.FragmentBytes> held = e.store().fragmentBytes();
      List<Fragment> out = new java.util.ArrayList<>(held.size());
      for (Store.FragmentBytes f : held) {
        out.add(new Fragment(f.table(), f.fragment(), f.bytes()));
      }
      return out;
    }

    @Override
    public String toString() {
      return "the engine's tables in " + settings.dataDir();
    }
  }

  private Engine open(String what) {
    Engine e = engine();
    if (e == null) {
      throw new IllegalStateException("the engine's database is not open; cannot " + what);
    }
    return e;
  }

  @Override
  public boolean changesState(String sql) {
    return Session.changesState(sql);
  }

  @Override
  public Optional<Path> copySource(String sql) {
    return Session.copySource(sql);
  }

  @Override
  public long appliedOffset(String log) {
    return open("read an offset").appliedOffset(log);
  }

  @Override
  public String appliedMark(String log) {
    return open("read an offset").appliedMark(log);
  }

  @Override
  public Outcome apply(String log, long offset, String mark, LoggedStatement statement) {
    return open("apply a statement").apply(log, offset, mark, statement);
  }

  @Override
  public <T> T groupCommit(Supplier<T> work) {
    return open("apply statements").groupCommit(work);
  }

  @Override
  public Outcome skip(String log, long offset, String mark, Outcome failure) {
    open("skip a statement").skip(log, offset, mark);
    return failure;
  }

  @Override
  public long snapshot(String log, Path target) {
    try {
      return open("take a snapshot").snapshot(log, target);
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot into " + target + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void setGroup(String group) {
    open("mark the HA group").setGroup(group);
  }

  @Override
  public String group() {
    return open("read the HA group").group();
  }

  @Override
  public Map<String, String> endpoints() {
    return endpoints;
  }

  @Override
  public synchronized void restore(Path snapshot) {
    LOG.info(
        "Engine: replacing the database in {} by the snapshot {}", settings.dataDir(), snapshot);
    closeListeners();
    try {
      if (engine != null) {
        engine.close();
        engine = null;
      }
      Snapshots.restore(snapshot, settings.dataDir());
      open();
    } catch (IOException e) {
      health = ServiceHealth.failed("restoring " + snapshot + " failed: " + e.getMessage());
      throw new UncheckedIOException("restoring " + snapshot + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    return health;
  }

  /** The open database, or null while it is not open. */
  public synchronized Engine engine() {
    return engine;
  }

  public synchronized EngineSettings settings() {
    return settings;
  }

  public synchronized int pgPort() {
    return pg == null ? -1 : pg.port();
  }

  public synchronized int httpPort() {
    return http == null ? -1 : http.port();
  }

  public synchronized List<PgServer.ConnectionInfo> connections() {
    return pg == null ? List.of() : pg.connections();
  }
}

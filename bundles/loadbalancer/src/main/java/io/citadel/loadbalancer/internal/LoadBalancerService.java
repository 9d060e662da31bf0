package io.citadel.loadbalancer.internal;

import io.citadel.coordination.Coordination;
import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code loadbalancer} service. A new algorithm applies at once to new sessions and requests;
 * any other change starts the listeners and checks again on the new settings (open sessions end).
 */
@Component(
    service = {CitadelService.class, LoadBalancerService.class},
    property = CitadelService.SERVICE_NAME + "=" + LoadBalancerService.NAME,
    configurationPid = LoadBalancerService.PID,
    immediate = true)
@Designate(ocd = LbConfig.class)
public final class LoadBalancerService implements CitadelService {
  static final String NAME = "loadbalancer";
  static final String PID = "io.citadel.loadbalancer";
  private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerService.class);

  private final Coordination coordination;
  private LbSettings settings;
  private Backends backends;
  private Router router;
  private PgProxy pg;
  private HttpProxy http;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private volatile ServiceHealth health = ServiceHealth.starting("reading the configuration");

  @Activate
  public LoadBalancerService(
      @Reference Coordination coordination, Map<String, Object> configuration) {
    this.coordination = coordination;
    configure(configuration);
  }

  @Modified
  synchronized void modified(Map<String, Object> configuration) {
    configure(configuration);
  }

  private synchronized void configure(Map<String, Object> configuration) {
    List<String> problems = new ArrayList<>();
    LbSettings next = LbSettings.from(configuration, problems);
    for (String p : problems) {
      LOG.error("{}: {}; using the default", PID, p);
    }
    if (next.equals(settings)) {
      return;
    }
    if (router != null && next.sameExceptAlgorithm(settings)) {
      router.algorithm(next.algorithm());
      settings = next;
      LOG.info("Load balancer: algorithm {} from now on", next.algorithm().optionName());
      return;
    }
    stop();
    settings = next;
    boss = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
    backends = new Backends(coordination, next);
    router = new Router(backends, coordination, next.algorithm());
    try {
      pg = new PgProxy(router, next, boss, workers);
      if (next.httpPort() > 0) {
        http = new HttpProxy(router, next, boss, workers);
      }
    } catch (Exception e) {
      health =
          ServiceHealth.failed(
              "cannot listen on "
                  + next.listenAddress()
                  + " ports "
                  + next.pgPort()
                  + "/"
                  + next.httpPort()
                  + ": "
                  + e.getMessage());
      LOG.error("Load balancer: {}", health.detail());
      stop();
      return;
    }
    backends.start();
    health = ServiceHealth.running();
    LOG.info(
        "Load balancer: PostgreSQL on {}:{}, HTTP on {}, {} over {}",
        next.listenAddress(),
        pg.port(),
        http == null ? "off" : next.listenAddress() + ":" + http.port(),
        next.algorithm().optionName(),
        next.group().isEmpty() ? "the servers " + next.servers() : "HA group " + next.group());
  }

  private void stop() {
    if (http != null) {
      http.close();
      http = null;
    }
    if (pg != null) {
      pg.close();
      pg = null;
    }
    if (backends != null) {
      backends.close();
      backends = null;
    }
    router = null;
    for (EventLoopGroup g : new EventLoopGroup[] {boss, workers}) {
      if (g != null) {
        g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
    }
    boss = null;
    workers = null;
  }

  @Deactivate
  synchronized void deactivate() {
    stop();
    health = ServiceHealth.failed("stopped");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    ServiceHealth h = health;
    LbSettings s = settings;
    if (h.isUsable() && s != null && s.group().isEmpty() && s.servers().isEmpty()) {
      return ServiceHealth.degraded(
          "no servers to balance: set group (an HA group) or servers in " + PID);
    }
    return h;
  }

  /** The servers, for the console. */
  public synchronized Collection<Backend> backends() {
    if (backends == null) {
      throw new IllegalStateException("The load balancer is not running: " + health.detail());
    }
    return backends.all();
  }

  public synchronized LbSettings settings() {
    return settings;
  }

  public synchronized Algorithm algorithm() {
    return router == null ? settings.algorithm() : router.algorithm();
  }

  /**
   * Stops new work to a server and waits up to {@code wait} for its sessions and requests to end.
   *
   * @return the sessions and requests still open when the wait ended
   */
  public int drain(String id, Duration wait) throws InterruptedException {
    Backend b = require(id);
    b.draining(true);
    LOG.info("Load balancer: draining {}", b);
    long end = System.nanoTime() + wait.toNanos();
    while (b.load() > 0 && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    return b.load();
  }

  public void undrain(String id) {
    Backend b = require(id);
    b.draining(false);
    LOG.info("Load balancer: {} takes new work again", b);
  }

  private synchronized Backend require(String id) {
    if (backends == null) {
      throw new IllegalStateException("The load balancer is not running: " + health.detail());
    }
    Backend b = backends.get(id);
    if (b == null) {
      throw new IllegalArgumentException(
          "no server "
              + id
              + "; the servers are "
              + backends.all().stream().map(Backend::id).toList());
    }
    return b;
  }
}

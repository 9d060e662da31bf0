package io.citadel.fileserver.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.coordination.Coordination;
import io.citadel.fileserver.api.ContainerSource;
import io.citadel.fileserver.api.FileServer;
import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import io.citadel.sdk.ServiceSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code fileserver} service: this node's {@link FileServer}. A change of its data folder or of
 * the node's name starts its heartbeats over on the new values, with the same sources attached.
 */
@Component(
    service = {CitadelService.class, FileServer.class, FileServerService.class},
    property = CitadelService.SERVICE_NAME + "=" + FileServerService.NAME,
    configurationPid = FileServerService.PID,
    immediate = true)
@Designate(ocd = FileServerConfig.class)
public final class FileServerService implements CitadelService, FileServer {
  static final String NAME = "fileserver";
  static final String PID = "io.citadel.fileserver";
  private static final Logger LOG = LoggerFactory.getLogger(FileServerService.class);

  private record Settings(String host, Path dir) {}

  private final Coordination coordination;
  private final Path defaultDir;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, ContainerSource> attached = new ConcurrentHashMap<>();
  private final Map<String, AutoCloseable> attachments = new ConcurrentHashMap<>();
  private Settings settings;
  private volatile FileServerNode node;
  private volatile ServiceHealth failure;

  @Activate
  public FileServerService(
      @Reference Coordination coordination,
      BundleContext context,
      Map<String, Object> configuration) {
    this.coordination = coordination;
    String data = context.getProperty("karaf.data");
    this.defaultDir = Path.of(data == null ? "data" : data).resolve(NAME);
    configure(configuration);
  }

  @Modified
  synchronized void modified(Map<String, Object> configuration) {
    configure(configuration);
  }

  private synchronized void configure(Map<String, Object> configuration) {
    Object d = configuration.get("data-dir");
    Path dir = d == null || d.toString().isBlank() ? defaultDir : Path.of(d.toString().strip());
    Settings next = new Settings(ServiceSettings.host(configuration), dir);
    if (next.equals(settings)) {
      return;
    }
    stop();
    settings = next;
    try {
      FileServerNode n =
          new FileServerNode(next.host(), next.dir(), new CldbClient(coordination, json), json);
      attached.forEach((volume, source) -> attachments.put(volume, n.attach(volume, source)));
      n.start();
      node = n;
      failure = null;
      LOG.info("Fileserver on {}: containers recorded in {}", next.host(), next.dir());
    } catch (IOException | RuntimeException e) {
      failure = ServiceHealth.failed("cannot open " + next.dir() + ": " + e.getMessage());
      LOG.error("Fileserver: {}", failure.detail());
    }
  }

  private void stop() {
    FileServerNode n = node;
    node = null;
    attachments.clear();
    if (n != null) {
      n.close();
    }
  }

  @Deactivate
  synchronized void deactivate() {
    stop();
    failure = ServiceHealth.failed("stopped");
  }

  // ------------------------------------------------------------------------------ FileServer

  @Override
  public synchronized AutoCloseable attach(String volume, ContainerSource source) {
    Objects.requireNonNull(source, "source");
    FileServerNode n = node;
    AutoCloseable inNode = n == null ? null : n.attach(volume, source);
    attached.put(volume, source);
    if (inNode != null) {
      attachments.put(volume, inNode);
    }
    return () -> detach(volume, source);
  }

  private synchronized void detach(String volume, ContainerSource source) throws Exception {
    if (attached.remove(volume, source)) {
      AutoCloseable a = attachments.remove(volume);
      if (a != null) {
        a.close();
      }
    }
  }

  @Override
  public void checkWrite(String volume, long bytes) {
    FileServerNode n = node;
    if (n != null) {
      n.checkWrite(volume, bytes);
    }
  }

  // ------------------------------------------------------------------------------ health

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    FileServerNode n = node;
    if (n == null) {
      ServiceHealth f = failure;
      return f == null ? ServiceHealth.starting("opening the container catalog") : f;
    }
    String problem = n.status().problem();
    // without a master the node still serves its data; the CLDB is told once one answers
    return problem.isEmpty() ? ServiceHealth.running() : ServiceHealth.degraded(problem);
  }

  /** Where the container catalog is kept now. */
  public synchronized Path catalogFolder() {
    return settings == null ? defaultDir : settings.dir();
  }

  /** This node's fileserver, for the console; fails with a clear message when it is not running. */
  public FileServerNode requireNode() {
    FileServerNode n = node;
    if (n == null) {
      ServiceHealth f = failure;
      throw new IllegalStateException(
          "The fileserver is not running on this node" + (f == null ? "" : ": " + f.detail()));
    }
    return n;
  }
}

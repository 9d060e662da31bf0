package io.citadel.warden.internal;

import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import io.citadel.sdk.ServiceSettings;
import io.citadel.warden.internal.conf.ServiceDefinition;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Objects;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Runs a service that is a bundle: hands it its settings through ConfigAdmin (PID {@code
 * io.citadel.<name>}), starts the bundle, and judges its health from the bundle's state, its DS
 * components (one that failed to activate is a failure) and the {@link CitadelService} it
 * registers.
 */
final class BundleRunner implements ServiceRunner {

  private final ServiceDefinition definition;
  private final BundleContext context;
  private final ConfigurationAdmin configurationAdmin;
  private final ServiceComponentRuntime scr;
  private final String host;
  private Bundle bundle;

  BundleRunner(
      ServiceDefinition definition,
      BundleContext context,
      ConfigurationAdmin configurationAdmin,
      ServiceComponentRuntime scr,
      String host) {
    this.definition = definition;
    this.host = host;
    this.context = context;
    this.configurationAdmin = configurationAdmin;
    this.scr = scr;
  }

  @Override
  public void start(long memoryMb, int port) throws Exception {
    bundle = resolve();
    configure(memoryMb, port);
    if (bundle.getState() == Bundle.ACTIVE) {
      // Restarting: stop first so that DS activates the components again.
      bundle.stop(Bundle.STOP_TRANSIENT);
    }
    bundle.start(Bundle.START_TRANSIENT);
  }

  private Bundle resolve() throws BundleException {
    String location = definition.bundle().orElseThrow();
    if (location.startsWith("mvn:")) {
      Bundle installed = context.getBundle(location);
      return installed != null ? installed : context.installBundle(location);
    }
    for (Bundle candidate : context.getBundles()) {
      if (location.equals(candidate.getSymbolicName())) {
        return candidate;
      }
    }
    throw new BundleException("bundle '" + location + "' is not installed");
  }

  /** Writes the Warden's keys into the service's configuration, only when they change. */
  private void configure(long memoryMb, int port) throws IOException {
    Configuration configuration =
        configurationAdmin.getConfiguration("io.citadel." + definition.name(), "?");
    Dictionary<String, Object> properties = configuration.getProperties();
    Dictionary<String, Object> updated = properties == null ? new Hashtable<>() : properties;
    boolean changed = put(updated, ServiceSettings.NAME, definition.name());
    changed |=
        put(updated, ServiceSettings.MEMORY_MB, memoryMb > 0 ? Long.toString(memoryMb) : null);
    changed |= put(updated, ServiceSettings.PORT, port > 0 ? Integer.toString(port) : null);
    changed |= put(updated, ServiceSettings.DEPENDS, String.join(",", definition.dependencies()));
    changed |= put(updated, ServiceSettings.HOST, host);
    if (changed || properties == null) {
      configuration.update(updated);
    }
  }

  private static boolean put(Dictionary<String, Object> properties, String key, String value) {
    Object previous = properties.get(key);
    if (value == null || value.isEmpty()) {
      return previous != null && properties.remove(key) != null;
    }
    if (Objects.equals(previous == null ? null : previous.toString(), value)) {
      return false;
    }
    properties.put(key, value);
    return true;
  }

  @Override
  public Health health() {
    if (bundle == null) {
      return Health.failed("not started");
    }
    switch (bundle.getState()) {
      case Bundle.ACTIVE:
        break;
      case Bundle.STARTING:
        return Health.starting("bundle starting");
      default:
        return Health.failed(
            "bundle " + bundle.getSymbolicName() + " is " + stateName(bundle.getState()));
    }
    for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
      for (ComponentConfigurationDTO configuration :
          scr.getComponentConfigurationDTOs(description)) {
        if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
          return Health.failed(
              "component "
                  + description.name
                  + " failed to activate: "
                  + firstLine(configuration.failure));
        }
      }
    }
    ServiceReference<CitadelService> reference = citadelService();
    if (reference == null) {
      // A plain bundle (no CitadelService) runs when it is active and no component failed.
      return declaresCitadelService()
          ? Health.starting("waiting for its CitadelService")
          : Health.running();
    }
    CitadelService service = context.getService(reference);
    try {
      if (service == null) {
        return Health.starting("CitadelService not available");
      }
      ServiceHealth health = service.health();
      return switch (health.state()) {
        case RUNNING, DEGRADED -> new Health(InstanceState.RUNNING, health.detail());
        case STARTING -> Health.starting(health.detail());
        case FAILED -> Health.failed(health.detail());
        case STOPPING -> new Health(InstanceState.STOPPING, health.detail());
      };
    } finally {
      context.ungetService(reference);
    }
  }

  /** Whether any component of the bundle declares CitadelService. */
  private boolean declaresCitadelService() {
    for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
      for (String service : description.serviceInterfaces) {
        if (CitadelService.class.getName().equals(service)) {
          return true;
        }
      }
    }
    return false;
  }

  private ServiceReference<CitadelService> citadelService() {
    try {
      for (ServiceReference<CitadelService> reference :
          context.getServiceReferences(
              CitadelService.class,
              "(" + CitadelService.SERVICE_NAME + "=" + definition.name() + ")")) {
        if (reference.getBundle() != null
            && reference.getBundle().getBundleId() == bundle.getBundleId()) {
          return reference;
        }
      }
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    return null;
  }

  @Override
  public void stop() {
    if (bundle == null || bundle.getState() == Bundle.UNINSTALLED) {
      return;
    }
    try {
      bundle.stop(Bundle.STOP_TRANSIENT);
    } catch (BundleException | IllegalStateException e) {
      // Already stopping or gone: nothing more to do.
    }
  }

  @Override
  public String describe() {
    return bundle == null ? "bundle (not resolved)" : "bundle " + bundle.getBundleId();
  }

  private static String stateName(int state) {
    return switch (state) {
      case Bundle.INSTALLED -> "installed (not resolved)";
      case Bundle.RESOLVED -> "resolved (stopped)";
      case Bundle.STOPPING -> "stopping";
      case Bundle.UNINSTALLED -> "uninstalled";
      default -> Integer.toString(state);
    };
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.strip();
    int newline = line.indexOf('\n');
    return newline < 0 ? line : line.substring(0, newline);
  }
}

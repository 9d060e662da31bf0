package ${package};

import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import io.citadel.sdk.ServiceSettings;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * The ${serviceName} service. The Warden starts its bundle once the services it depends on run,
 * polls {@link #health()}, and writes its memory budget, port and dependencies into its
 * configuration (PID {@value #PID}).
 */
@Component(
    property = CitadelService.SERVICE_NAME + "=" + ${serviceClass}.NAME,
    configurationPid = ${serviceClass}.PID)
public final class ${serviceClass} implements CitadelService {

  static final String NAME = "${serviceName}";
  static final String PID = "io.citadel.${serviceName}";

  /** The memory it uses when started outside a Warden, in MiB. */
  static final long DEFAULT_MEMORY_MB = 64;

  private volatile ServiceSettings settings;
  private volatile ServiceHealth health = ServiceHealth.starting("starting");

  @Activate
  public ${serviceClass}(Map<String, Object> configuration) {
    apply(configuration);
    // Start the service's threads and sockets here, within settings.memoryBudgetBytes(...).
    health = ServiceHealth.running();
  }

  @Modified
  void modified(Map<String, Object> configuration) {
    apply(configuration);
  }

  private void apply(Map<String, Object> configuration) {
    try {
      settings = ServiceSettings.from(configuration, NAME);
    } catch (IllegalArgumentException e) {
      // Keep the settings in force; say what was wrong where operators look.
      health = ServiceHealth.degraded("configuration rejected: " + e.getMessage());
    }
  }

  @Deactivate
  void deactivate() {
    // Release every thread, socket and file the service holds.
  }

  /** The memory this service may use, in bytes. */
  long memoryBudgetBytes() {
    return settings.memoryBudgetBytes(DEFAULT_MEMORY_MB);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    return health;
  }
}

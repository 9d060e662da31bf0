package io.citadel.sdk;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A service run by the Warden, registered as an OSGi service by its bundle (typically a Declarative
 * Services component) with the property {@value #SERVICE_NAME}.
 *
 * <pre>{@code
 * @Component(property = CitadelService.SERVICE_NAME + "=hoststats",
 *            configurationPid = "io.citadel.hoststats")
 * public final class HostStats implements CitadelService { ... }
 * }</pre>
 *
 * <p>The Warden polls {@link #health()} as its monitor: it must answer at once, from state the
 * service keeps, never by doing I/O on the caller's thread.
 */
@ConsumerType
public interface CitadelService {

  /**
   * Service property naming the service; it equals the {@code <name>} of its {@code
   * warden.<name>.conf} file and of its triplet {@code <name>:<count>:<dependencies>}.
   */
  String SERVICE_NAME = "citadel.service.name";

  /** The service's name, equal to its {@value #SERVICE_NAME} property. */
  String name();

  /** The service's health now. */
  ServiceHealth health();
}

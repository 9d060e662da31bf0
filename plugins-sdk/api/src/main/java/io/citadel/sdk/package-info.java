/**
 * The Citadel plugin API: what a service implements to be run by the Warden.
 *
 * <p>A pluggable service is an OSGi bundle plus a file {@code etc/conf.d/warden.<name>.conf}. The
 * bundle registers a {@link io.citadel.sdk.CitadelService} whose {@link
 * io.citadel.sdk.CitadelService#SERVICE_NAME} property is the {@code <name>} of that file. The
 * Warden starts the bundle once the services it depends on run, reads the service's {@link
 * io.citadel.sdk.ServiceHealth} to decide whether it runs, restarts it when it fails, and hands it
 * its share of the node's memory, its port and its dependencies through the service's ConfigAdmin
 * configuration (PID {@code io.citadel.<name>}), read with {@link
 * io.citadel.sdk.ServiceSettings#from}.
 */
@Export
@Version("1.4.0")
package io.citadel.sdk;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

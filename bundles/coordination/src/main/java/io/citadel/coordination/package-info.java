/**
 * The coordination API of Citadel: one {@link io.citadel.coordination.Coordination} service gives
 * every bundle the node's ZooKeeper session (through Apache Curator), the cluster name and the
 * paths under {@code /citadel/<cluster>}, and tells it when the session is suspended or lost.
 */
@Export
@Version("1.0.0")
package io.citadel.coordination;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

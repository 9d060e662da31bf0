/**
 * What the fileserver offers the engine beside it: a {@link io.citadel.fileserver.api.FileServer}
 * to which the engine attaches its table fragments as the containers of a volume, and which refuses
 * writes that a volume's quota leaves no room for.
 */
@Export
@Version("1.0.0")
package io.citadel.fileserver.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

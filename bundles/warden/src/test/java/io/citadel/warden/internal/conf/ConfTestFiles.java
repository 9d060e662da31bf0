package io.citadel.warden.internal.conf;

import java.nio.file.Path;

/** Conf files made in memory, each under the name the Warden would read it from. */
final class ConfTestFiles {

  private ConfTestFiles() {}

  static ConfFile service(String name, String... lines) {
    return ConfFile.parse(Path.of("etc/conf.d/warden." + name + ".conf"), String.join("\n", lines));
  }

  static ConfFile bundleService(String triplet) {
    String name = triplet.substring(0, triplet.indexOf(':'));
    return service(name, "services=" + triplet, "service.bundle=io.citadel." + name);
  }

  static ConfFile warden(String... lines) {
    return ConfFile.parse(Path.of("etc/warden.conf"), String.join("\n", lines));
  }
}

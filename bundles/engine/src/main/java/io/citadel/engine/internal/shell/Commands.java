package io.citadel.engine.internal.shell;

import io.citadel.engine.internal.osgi.EngineService;
import io.citadel.engine.internal.sql.Engine;

/** What the engine's commands share. */
final class Commands {
  private Commands() {}

  /** The open database, or an error saying why there is none. */
  static Engine engine(EngineService service) {
    Engine engine = service.engine();
    if (engine == null) {
      throw new IllegalStateException(
          "the engine is not open: " + service.health().state() + " " + service.health().detail());
    }
    return engine;
  }

  static String mib(long bytes) {
    return String.format("%.1f", bytes / (1024.0 * 1024.0));
  }
}

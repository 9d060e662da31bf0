package io.citadel.engine.internal.referee;

import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchServers {
  @Test
  void serve() throws Exception {
    Path dir = Files.createTempDirectory("scratch");
    try (PostgresServer pg = PostgresServer.start();
        Engine engine =
            Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000))) {
      PgServer server = PgServer.start(engine, PgServer.Settings.loopback(0));
      String pw = Files.readString(dir.resolve("db").resolve("initial-password")).strip();
      Files.writeString(
          Path.of("/tmp/scratch-ports"), pg.port() + " " + server.port() + " " + pw + "\n");
      Thread.sleep(Long.parseLong(System.getProperty("scratch.ms", "1800000")));
      server.close();
    }
  }
}

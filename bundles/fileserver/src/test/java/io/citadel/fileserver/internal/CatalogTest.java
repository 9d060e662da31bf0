package io.citadel.fileserver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container catalog: what a round asks of the master, and what survives a restart. */
class CatalogTest {
  private final ObjectMapper json = new ObjectMapper();

  private static Catalog.Key k(String volume, String table, int fragment) {
    return new Catalog.Key(volume, table, fragment);
  }

  @Test
  void newFragmentsAskForContainersAndGoneOnesAreRemovedOnlyForAttachedVolumes(@TempDir Path dir)
      throws Exception {
    Catalog c = Catalog.open(dir, json);
    Catalog.Plan first = c.plan(Set.of(k("v", "t", 0), k("v", "t", 1)), Set.of("v"));
    assertEquals(
        List.of(k("v", "t", 0), k("v", "t", 1)), first.create().stream().sorted().toList());
    assertTrue(first.remove().isEmpty());
    c.put(k("v", "t", 0), 2);
    c.put(k("v", "t", 1), 3);
    c.put(k("w", "u", 0), 4);
    // t's fragment 1 went (a TRUNCATE); w has no source now: its container stays on record
    Catalog.Plan next = c.plan(Set.of(k("v", "t", 0)), Set.of("v"));
    assertTrue(next.create().isEmpty());
    assertEquals(List.of(new Catalog.Entry(3, "v", "t", 1)), next.remove());
    assertTrue(c.forget(4));
    assertNull(c.id(k("w", "u", 0)));
  }

  @Test
  void theCatalogSurvivesARestartAndAnUnreadableOneIsSetAsideNotTrusted(@TempDir Path dir)
      throws Exception {
    Catalog c = Catalog.open(dir, json);
    c.put(k("v", "t", 0), 7);
    c.put(k("v", "t", 1), 8);
    c.save();
    Catalog again = Catalog.open(dir, json);
    assertEquals(7L, again.id(k("v", "t", 0)));
    assertEquals(2, again.size());

    Files.writeString(dir.resolve(Catalog.FILE), "[{\"id\": 7, \"volume\": \"v\", \"tab");
    Catalog torn = Catalog.open(dir, json);
    assertEquals(0, torn.size());
    try (var files = Files.list(dir)) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().startsWith(Catalog.FILE + ".unreadable-")),
          "the unreadable file is kept for the operator");
    }
    // and the next save writes a good one
    torn.put(k("v", "t", 0), 7);
    torn.save();
    assertEquals(7L, Catalog.open(dir, json).id(k("v", "t", 0)));
  }
}

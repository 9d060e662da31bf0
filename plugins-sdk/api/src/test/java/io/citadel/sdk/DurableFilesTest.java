package io.citadel.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replaceCreatesThenReplacesAndLeavesNothingBehind() throws IOException {
    Path target = dir.resolve("state.properties");
    DurableFiles.replace(target, "a=1\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("a=1\n", Files.readString(target));
    DurableFiles.replace(target, "a=2\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("a=2\n", Files.readString(target));
    assertEquals(List.of("state.properties"), names());
  }

  @Test
  void replaceMakesTheFoldersItNeeds() throws IOException {
    Path target = dir.resolve("x").resolve("y").resolve("z.bin");
    DurableFiles.replace(target, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
  }

  @Test
  void aFailedReplaceKeepsTheOldContentAndNoTemporary() throws IOException {
    Path target = dir.resolve("keep");
    DurableFiles.replace(target, "old".getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(dir.resolve("blocked"));
    Files.writeString(dir.resolve("blocked").resolve("inside"), "x");
    // a non-empty folder cannot be replaced by a file: the rename fails
    assertThrows(
        IOException.class, () -> DurableFiles.replace(dir.resolve("blocked"), new byte[1]));
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("blocked", "keep"), names());
  }

  @Test
  void moveRenamesOverTheTarget() throws IOException {
    Path from = Files.writeString(dir.resolve("part"), "new");
    Path to = Files.writeString(dir.resolve("final"), "old");
    DurableFiles.move(from, to);
    assertEquals("new", Files.readString(to));
    assertFalse(Files.exists(from));
  }
}

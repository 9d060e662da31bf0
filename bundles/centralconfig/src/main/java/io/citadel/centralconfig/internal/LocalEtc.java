package io.citadel.centralconfig.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * This node's {@code etc/} as the puller sees it. A file is replaced by writing the new content
 * beside it and renaming it over the old one, so FileInstall and the Warden see the old file or the
 * new one, never a mixture.
 *
 * <p>A {@code .cfg} file is compared by its keys and values, not its bytes: FileInstall writes
 * ConfigAdmin's view back into the file, and the Warden's own keys ({@code citadel.*}: the memory
 * budget, the node's name) belong to this node. Those keys are carried over into an installed file
 * that does not set them, so a pulled file never takes a service's memory budget away.
 */
final class LocalEtc {
  static final String WARDEN_KEYS = "citadel.";

  private final Path etc;
  private final Function<String, Map<String, String>> liveWardenKeys;

  LocalEtc(Path etc) {
    this(etc, pid -> Map.of());
  }

  /**
   * @param liveWardenKeys the Warden's keys in force for a PID (from ConfigAdmin): a service whose
   *     configuration has no file yet has them only there
   */
  LocalEtc(Path etc, Function<String, Map<String, String>> liveWardenKeys) {
    this.etc = etc;
    this.liveWardenKeys = liveWardenKeys;
  }

  Path root() {
    return etc;
  }

  Optional<byte[]> read(String path) throws IOException {
    Path file = etc.resolve(path);
    return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
  }

  /** Whether installing {@code content} would change nothing the node reads. */
  boolean same(String path, byte[] content) throws IOException {
    Optional<byte[]> local = read(path);
    if (local.isEmpty()) {
      return false;
    }
    if (!path.endsWith(".cfg")) {
      return java.util.Arrays.equals(local.get(), content);
    }
    Map<String, String> mine = properties(local.get());
    Map<String, String> theirs = properties(content);
    mine.keySet().removeIf(k -> k.startsWith(WARDEN_KEYS) && !theirs.containsKey(k));
    return mine.equals(theirs);
  }

  /** Replaces (or makes) {@code path} with {@code content}, atomically. */
  void install(String path, byte[] content) throws IOException {
    Path target = etc.resolve(path);
    byte[] bytes = content;
    if (path.endsWith(".cfg")) {
      Map<String, String> kept = new TreeMap<>();
      if (!path.contains("/")) {
        kept.putAll(liveWardenKeys.apply(path.substring(0, path.length() - ".cfg".length())));
      }
      Optional<byte[]> local = read(path);
      if (local.isPresent()) {
        properties(local.get()).forEach(kept::putIfAbsent);
      }
      bytes = withWardenKeys(content, kept);
    }
    AtomicFiles.replace(target, bytes);
  }

  boolean remove(String path) throws IOException {
    return Files.deleteIfExists(etc.resolve(path));
  }

  private static byte[] withWardenKeys(byte[] content, Map<String, String> local)
      throws IOException {
    Map<String, String> theirs = properties(content);
    StringBuilder kept = new StringBuilder();
    for (Map.Entry<String, String> e : local.entrySet()) {
      if (e.getKey().startsWith(WARDEN_KEYS) && !theirs.containsKey(e.getKey())) {
        kept.append(e.getKey()).append(" = ").append(escape(e.getValue())).append('\n');
      }
    }
    if (kept.length() == 0) {
      return content;
    }
    String text = new String(content, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      out.append('\n');
    }
    out.append("# Set by this node's Warden, kept by the central configuration puller\n");
    out.append(kept);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n");
  }

  static Map<String, String> properties(byte[] content) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(new String(content, StandardCharsets.UTF_8)));
    Map<String, String> map = new TreeMap<>();
    p.forEach((k, v) -> map.put(k.toString(), v.toString()));
    return map;
  }
}

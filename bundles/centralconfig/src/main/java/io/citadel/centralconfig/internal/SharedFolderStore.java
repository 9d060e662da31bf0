package io.citadel.centralconfig.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The store as a folder on the shared data location, as MapR keeps it in a cluster volume: {@code
 * <store>/default/...} and {@code <store>/nodes/<host>/...}. Links are followed only where they
 * stay inside the store; a link that leads out is listed as refused, never read.
 */
final class SharedFolderStore implements CentralStore {
  private static final int MAX_DEPTH = 4;
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private final Path root;

  SharedFolderStore(Path root) {
    this.root = root;
  }

  /** Makes {@code default/} and {@code nodes/} (for the store the node owns by default). */
  void create() throws IOException {
    Files.createDirectories(root.resolve(DEFAULT));
    Files.createDirectories(root.resolve("nodes"));
  }

  @Override
  public String describe() {
    return root.toString();
  }

  @Override
  public Map<String, StoredFile> list(String scope) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "the store folder does not exist");
    }
    Path realRoot = root.toRealPath();
    Path dir = root.resolve(scope);
    Map<String, StoredFile> files = new TreeMap<>();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    if (!inside(realRoot, dir)) {
      files.put("", refused(scope + " leads out of the store"));
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH)) {
      for (Path file : (Iterable<Path>) walk::iterator) {
        String relative = dir.relativize(file).toString().replace('\\', '/');
        if (relative.isEmpty() || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (!inside(realRoot, file)) {
          files.put(relative, refused("is a link that leads out of the store"));
        } else if (!Files.isRegularFile(file)) {
          files.put(relative, refused("is not a regular file"));
        } else {
          files.put(relative, read(file));
        }
      }
    }
    return files;
  }

  private static boolean inside(Path realRoot, Path file) {
    try {
      return file.toRealPath().startsWith(realRoot);
    } catch (IOException e) {
      return false; // a dangling link
    }
  }

  private static StoredFile refused(String why) {
    return new StoredFile(new byte[0], 0, true, why);
  }

  private static StoredFile read(Path file) throws IOException {
    BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
    if (before.size() > MAX_FILE_BYTES) {
      return refused("is larger than " + MAX_FILE_BYTES + " bytes");
    }
    byte[] content = Files.readAllBytes(file);
    BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
    boolean stable =
        before.lastModifiedTime().equals(after.lastModifiedTime())
            && after.size() == content.length;
    return new StoredFile(content, after.lastModifiedTime().toMillis(), stable, "");
  }

  @Override
  public void put(String scope, String path, byte[] content) throws IOException {
    Path target = root.resolve(scope).resolve(path).normalize();
    if (!target.startsWith(root.normalize())) {
      throw new IOException(scope + "/" + path + " is outside the store");
    }
    AtomicFiles.replace(target, content);
  }
}

package io.citadel.replication.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The folder every member of the group sees at the same path ({@code ha-shared-data}): COPY FROM
 * reads only files under it, so that only the path travels through the log; the rows of a COPY FROM
 * STDIN are staged under {@code .citadel-copy/<group>}; snapshots for members that must bootstrap
 * live under {@code .citadel-snapshots/<group>/<offset>}.
 */
final class SharedData {
  private static final String SNAPSHOTS = ".citadel-snapshots";

  /** Where COPY FROM STDIN's rows are staged, as files every member loads. */
  static final String STAGING = ".citadel-copy";

  private SharedData() {}

  /**
   * What a COPY's writer read: the file's size and SHA-256, logged in the record's {@link
   * LogRecords#COPY_HEADER} so that every member loads the same bytes or none.
   */
  record Content(long size, String sha256) {
    static Content of(Path file) throws IOException {
      java.security.MessageDigest md = LogHistory.sha256();
      long size = 0;
      byte[] buffer = new byte[1 << 16];
      try (java.io.InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
          size += n;
        }
      }
      return new Content(size, java.util.HexFormat.of().formatHex(md.digest()));
    }

    /** Reads {@link #header()}; null when it is not one. */
    static Content parse(String header) {
      String[] f = header.split(" ");
      try {
        return f.length == 2 ? new Content(Long.parseLong(f[0]), f[1]) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    String header() {
      return size + " " + sha256;
    }

    /**
     * Why {@code file} is not what the writer logged as {@code logged} (a header), in an operator's
     * words; null when it is the same.
     */
    static String differs(Path file, String logged) {
      Content expected = parse(logged);
      if (expected == null) {
        return "the COPY's record carries an unreadable content header \"" + logged + "\"";
      }
      Content now;
      try {
        now = of(file);
      } catch (IOException e) {
        return "the COPY's file \""
            + file
            + "\" cannot be read here ("
            + e
            + "); the writer read "
            + expected.size()
            + " bytes with SHA-256 "
            + expected.sha256();
      }
      if (now.equals(expected)) {
        return null;
      }
      return "the COPY's file \""
          + file
          + "\" is "
          + now.size()
          + " bytes with SHA-256 "
          + now.sha256()
          + " here, but the writer logged "
          + expected.size()
          + " bytes with SHA-256 "
          + expected.sha256()
          + ": it was changed after the COPY was logged, and loading it would load other rows"
          + " than the other members did";
    }
  }

  /**
   * Why this member must not read {@code file} for a COPY, or null when it may: the file, with
   * every link resolved, must lie under the shared folder (itself resolved).
   */
  static String copyRefusal(Path shared, Path file) {
    if (shared == null) {
      return "COPY FROM a file is refused in an HA group without ha-shared-data: every member must"
          + " read the same file, so it must lie on storage they all share";
    }
    if (!file.isAbsolute()) {
      return "COPY needs an absolute file path under ha-shared-data (" + shared + "), got " + file;
    }
    Path real;
    Path root;
    try {
      root = shared.toRealPath();
      real = resolve(file);
    } catch (IOException e) {
      return "cannot resolve \"" + file + "\": " + e.getMessage();
    }
    if (!real.startsWith(root)) {
      return "COPY FROM \""
          + file
          + "\" is refused: in an HA group a COPY may read only files under ha-shared-data ("
          + shared
          + "), which every member sees at the same path";
    }
    return null;
  }

  /** The real path of a file, or of its parent folder plus its name when it does not exist. */
  private static Path resolve(Path file) throws IOException {
    Path f = file.normalize();
    if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
      return f.toRealPath();
    }
    Path parent = f.getParent();
    return parent == null || !Files.exists(parent)
        ? f
        : parent.toRealPath().resolve(f.getFileName());
  }

  static Path snapshots(Path shared, String group) {
    return shared.resolve(SNAPSHOTS).resolve(group);
  }

  /** A complete snapshot: its folder and the offset it holds. */
  record Snapshot(Path dir, long offset) {}

  /** The complete snapshots of the group, newest offset first. */
  static List<Snapshot> list(Path shared, String group) throws IOException {
    Path dir = snapshots(shared, group);
    List<Snapshot> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (name.matches("\\d+") && Files.isRegularFile(p.resolve("MANIFEST"))) {
          out.add(new Snapshot(p, Long.parseLong(name)));
        }
      }
    }
    out.sort(Comparator.comparingLong(Snapshot::offset).reversed());
    return out;
  }

  /** The newest snapshot at or past {@code offset}. */
  static Optional<Snapshot> reaching(Path shared, String group, long offset) throws IOException {
    return list(shared, group).stream().filter(s -> s.offset() >= offset).findFirst();
  }

  /** Deletes all but the newest {@code keep} snapshots. */
  static void prune(Path shared, String group, int keep) throws IOException {
    List<Snapshot> all = list(shared, group);
    for (int i = keep; i < all.size(); i++) {
      deleteTree(all.get(i).dir());
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}

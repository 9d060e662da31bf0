package io.citadel.centralconfig.internal;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which files of the store are pulled: relative paths under {@code etc/} made of plain names (no
 * {@code ..}, no hidden files, no absolute paths), matching one of the configured glob patterns.
 */
public final class FileRules {
  static final String DEFAULT = "*.cfg,warden.conf,conf.d/warden.*.conf,roles";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");

  private final List<String> patterns;
  private final List<PathMatcher> matchers = new ArrayList<>();

  FileRules(List<String> patterns) {
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("names no file");
    }
    for (String pattern : patterns) {
      if (pattern.startsWith("/") || pattern.contains("..") || pattern.contains("\\")) {
        throw new IllegalArgumentException(
            "'" + pattern + "' must be a pattern relative to etc/, without '..'");
      }
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
    }
    this.patterns = List.copyOf(patterns);
  }

  public List<String> patterns() {
    return patterns;
  }

  /** Whether a relative path (separator {@code /}) is one of the pulled files. */
  public boolean allows(String path) {
    if (!isSafePath(path)) {
      return false;
    }
    Path p = Path.of(path);
    return matchers.stream().anyMatch(m -> m.matches(p));
  }

  /** A relative path of plain names: what may be written under etc/. */
  static boolean isSafePath(String path) {
    if (path.isEmpty() || path.startsWith("/")) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (!isSafeName(segment)) {
        return false;
      }
    }
    return true;
  }

  /** One plain name: letters, digits, '.', '-', '_', not starting with '.'. */
  static boolean isSafeName(String name) {
    return NAME.matcher(name).matches() && !name.equals("..");
  }

  @Override
  public String toString() {
    return String.join(",", patterns);
  }
}

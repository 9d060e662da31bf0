package io.citadel.warden.internal.conf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code etc/roles}: the services this node has a role for, one a line; {@code #} starts a comment
 * and {@code *} gives every role.
 */
public final class RolesFile {
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  private RolesFile() {}

  /** The roles the text gives, or null for every role (no file, or a {@code *} line). */
  public static Set<String> roles(String text) {
    if (text == null) {
      return null;
    }
    Set<String> roles = new HashSet<>();
    for (String line : text.split("\r?\n")) {
      String role = line.strip();
      if (role.isEmpty() || role.startsWith("#")) {
        continue;
      }
      if (role.equals("*")) {
        return null;
      }
      roles.add(role);
    }
    return roles;
  }

  /** Every line that names no service, as {@code roles:<line>: why}. */
  public static List<String> problems(String text) {
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String role = lines[i].strip();
      if (role.isEmpty() || role.startsWith("#") || role.equals("*")) {
        continue;
      }
      if (!SERVICE_NAME.matcher(role).matches()) {
        problems.add(
            "roles:"
                + (i + 1)
                + ": '"
                + role
                + "' is not a service name (lower case letters, digits, '-' or '_'), nor *");
      }
    }
    return problems;
  }
}

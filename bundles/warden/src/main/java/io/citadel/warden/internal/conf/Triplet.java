package io.citadel.warden.internal.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A service triplet {@code <service>:<count>:<dependencies>}: the service, how many instances the
 * cluster runs ({@link #ALL} for every node with the role, 1 for a singleton), and the services it
 * needs running first.
 *
 * @param service the service's name
 * @param count the number of instances, or {@link #ALL}
 * @param dependencies the services it depends on, in the order written
 */
public record Triplet(String service, int count, List<String> dependencies) {

  /** The count of a service that runs on every node with its role. */
  public static final int ALL = -1;

  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  public Triplet {
    dependencies = List.copyOf(dependencies);
  }

  /** Whether exactly one instance may run in the cluster. */
  public boolean singleton() {
    return count == 1;
  }

  /**
   * Parses the value of a {@code services} key: triplets separated by {@code ;}.
   *
   * @param value the value
   * @return the triplets
   * @throws IllegalArgumentException saying which triplet is malformed and why
   */
  public static List<Triplet> parseAll(String value) {
    List<Triplet> triplets = new ArrayList<>();
    for (String part : value.split(";", -1)) {
      String text = part.trim();
      if (text.isEmpty()) {
        if (value.trim().isEmpty()) {
          throw new IllegalArgumentException("names no service");
        }
        continue; // a trailing ';'
      }
      triplets.add(parse(text));
    }
    return triplets;
  }

  /**
   * Parses one triplet.
   *
   * @throws IllegalArgumentException saying what is malformed
   */
  public static Triplet parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "'" + text + "' is not <service>:<count>:<dependencies> (dependencies may be empty)");
    }
    String service = parts[0].trim();
    if (!NAME.matcher(service).matches()) {
      throw new IllegalArgumentException(
          "'" + service + "' in '" + text + "' is not a service name (a-z, 0-9, '-', '_')");
    }
    String countText = parts[1].trim();
    int count;
    if ("all".equalsIgnoreCase(countText)) {
      count = ALL;
    } else {
      try {
        count = Integer.parseInt(countText);
      } catch (NumberFormatException e) {
        count = 0;
      }
      if (count < 1) {
        throw new IllegalArgumentException(
            "count '" + countText + "' in '" + text + "' is neither 'all' nor a positive number");
      }
    }
    List<String> dependencies = new ArrayList<>();
    for (String dependency : parts[2].split(",", -1)) {
      String name = dependency.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "dependency '" + name + "' in '" + text + "' is not a service name");
      }
      if (name.equals(service)) {
        throw new IllegalArgumentException("'" + service + "' depends on itself");
      }
      if (dependencies.contains(name)) {
        throw new IllegalArgumentException("dependency '" + name + "' is named twice");
      }
      dependencies.add(name);
    }
    return new Triplet(service, count, dependencies);
  }

  @Override
  public String toString() {
    return service + ":" + (count == ALL ? "all" : count) + ":" + String.join(",", dependencies);
  }
}

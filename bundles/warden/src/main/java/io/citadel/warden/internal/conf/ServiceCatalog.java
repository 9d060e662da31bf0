package io.citadel.warden.internal.conf;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Every service the Warden's files describe, checked against each other: unknown dependencies,
 * dependency cycles (named in full), bundles that are not installed, two files for one service. A
 * service with any problem is left out; the others are ordered so that each starts after its
 * dependencies.
 *
 * @param settings the cluster-wide settings (the defaults when warden.conf has problems)
 * @param services the services that can run, by name
 * @param startOrder their names, dependencies first
 * @param problems every problem found, in every file
 */
public record ServiceCatalog(
    WardenSettings settings,
    Map<String, ServiceDefinition> services,
    List<String> startOrder,
    List<ConfProblem> problems) {

  public ServiceCatalog {
    services = Map.copyOf(services);
    startOrder = List.copyOf(startOrder);
    problems = List.copyOf(problems);
  }

  /**
   * Builds the catalog.
   *
   * @param wardenConf {@code warden.conf}, or null when there is none
   * @param serviceFiles the {@code conf.d/warden.*.conf} files
   * @param bundleInstalled whether a bundle with this symbolic name is installed
   * @param builtIn services that run outside the Warden (e.g. coordination) and may be named as
   *     dependencies
   */
  public static ServiceCatalog build(
      ConfFile wardenConf,
      List<ConfFile> serviceFiles,
      Predicate<String> bundleInstalled,
      Set<String> builtIn) {
    List<ConfProblem> problems = new ArrayList<>();
    WardenSettings settings = WardenSettings.DEFAULTS;
    if (wardenConf != null) {
      ConfParser.Parsed<WardenSettings> parsed = ConfParser.warden(wardenConf);
      problems.addAll(parsed.problems());
      settings = parsed.value().orElse(WardenSettings.DEFAULTS);
    }

    Map<String, ServiceDefinition> defined = new TreeMap<>();
    Map<String, Path> firstFile = new HashMap<>();
    Map<Path, ConfFile> files = new HashMap<>();
    for (ConfFile file : serviceFiles) {
      files.put(file.path(), file);
      ConfParser.Parsed<ServiceDefinition> parsed = ConfParser.service(file, settings);
      problems.addAll(parsed.problems());
      if (parsed.value().isEmpty()) {
        continue;
      }
      ServiceDefinition definition = parsed.value().get();
      String name = definition.name();
      if (builtIn.contains(name)) {
        problems.add(
            problem(
                files,
                definition,
                ConfParser.SERVICES,
                "'" + name + "' is built in: the Warden does not run it"));
        continue;
      }
      if (firstFile.containsKey(name)) {
        problems.add(
            problem(
                files,
                definition,
                ConfParser.SERVICES,
                "'" + name + "' is also described by " + firstFile.get(name).getFileName()));
        defined.remove(name);
        continue;
      }
      firstFile.put(name, definition.file());
      if (definition.bundle().isPresent()
          && !definition.bundle().get().startsWith("mvn:")
          && !bundleInstalled.test(definition.bundle().get())) {
        problems.add(
            problem(
                files,
                definition,
                ConfParser.BUNDLE,
                "bundle '"
                    + definition.bundle().get()
                    + "' is not installed (drop its jar into deploy/ or give a mvn: location)"));
        continue;
      }
      defined.put(name, definition);
    }

    // warden.conf may list triplets; each needs a conf.d file to say what runs.
    if (wardenConf != null) {
      int line = wardenConf.get(ConfParser.SERVICES).map(ConfFile.Entry::line).orElse(0);
      for (String listed : settings.triplets().keySet()) {
        if (!firstFile.containsKey(listed)
            && serviceFiles.stream().noneMatch(f -> named(f, listed))) {
          problems.add(
              new ConfProblem(
                  wardenConf.path(),
                  line,
                  ConfParser.SERVICES,
                  "lists '" + listed + "' but no conf.d/warden." + listed + ".conf describes it"));
        }
      }
    }

    // All names that a dependency may refer to, good or not: a dependency on a service whose
    // own file has problems is not "unknown", it waits until that file is fixed.
    Set<String> known = new HashSet<>(builtIn);
    known.addAll(firstFile.keySet());
    for (ServiceDefinition definition : List.copyOf(defined.values())) {
      for (String dependency : definition.dependencies()) {
        if (!known.contains(dependency)) {
          problems.add(
              problem(
                  files,
                  definition,
                  ConfParser.SERVICES,
                  "depends on '" + dependency + "', which no file describes"));
          defined.remove(definition.name());
          break;
        }
      }
    }

    for (List<String> cycle : cycles(defined)) {
      String text = String.join(" -> ", cycle) + " -> " + cycle.get(0);
      for (String member : cycle) {
        ServiceDefinition definition = defined.get(member);
        if (definition != null) {
          problems.add(problem(files, definition, ConfParser.SERVICES, "dependency cycle " + text));
        }
      }
      cycle.forEach(defined::remove);
    }
    return new ServiceCatalog(settings, defined, order(defined), problems);
  }

  private static boolean named(ConfFile file, String service) {
    Path name = file.path().getFileName();
    return name != null && name.toString().equals("warden." + service + ".conf");
  }

  /** The problems reported for one file. */
  public List<ConfProblem> problemsOf(Path file) {
    return problems.stream().filter(p -> p.file().equals(file)).toList();
  }

  /** The services that depend on {@code service}, directly or not, dependents first. */
  public List<String> dependentsOf(String service) {
    List<String> dependents = new ArrayList<>();
    List<String> reverse = new ArrayList<>(startOrder);
    java.util.Collections.reverse(reverse);
    Set<String> affected = new HashSet<>(Set.of(service));
    for (String name : startOrder) {
      ServiceDefinition definition = services.get(name);
      if (definition.dependencies().stream().anyMatch(affected::contains)) {
        affected.add(name);
      }
    }
    for (String name : reverse) {
      if (affected.contains(name) && !name.equals(service)) {
        dependents.add(name);
      }
    }
    return dependents;
  }

  private static ConfProblem problem(
      Map<Path, ConfFile> files, ServiceDefinition definition, String key, String message) {
    ConfFile file = files.get(definition.file());
    int line = file == null ? 0 : file.get(key).map(ConfFile.Entry::line).orElse(0);
    return new ConfProblem(definition.file(), line, key, message);
  }

  /** Every cycle among the services, each listed once, starting from its smallest name. */
  static List<List<String>> cycles(Map<String, ServiceDefinition> services) {
    List<List<String>> cycles = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> seen = new TreeSet<>();
    for (String start : services.keySet()) {
      Deque<String> path = new ArrayDeque<>();
      walk(start, services, path, new HashSet<>(), done, cycles, seen);
    }
    return cycles;
  }

  private static void walk(
      String node,
      Map<String, ServiceDefinition> services,
      Deque<String> path,
      Set<String> onPath,
      Set<String> done,
      List<List<String>> cycles,
      Set<String> seen) {
    if (done.contains(node) || !services.containsKey(node)) {
      return;
    }
    if (onPath.contains(node)) {
      List<String> cycle = new ArrayList<>();
      boolean in = false;
      for (String step : (Iterable<String>) path::descendingIterator) {
        if (step.equals(node)) {
          in = true;
        }
        if (in) {
          cycle.add(step);
        }
      }
      int smallest = cycle.indexOf(new TreeSet<>(cycle).first());
      List<String> rotated = new ArrayList<>(cycle.subList(smallest, cycle.size()));
      rotated.addAll(cycle.subList(0, smallest));
      if (seen.add(String.join(",", rotated))) {
        cycles.add(rotated);
      }
      return;
    }
    onPath.add(node);
    path.push(node);
    for (String dependency : services.get(node).dependencies()) {
      walk(dependency, services, path, onPath, done, cycles, seen);
    }
    path.pop();
    onPath.remove(node);
    done.add(node);
  }

  /** Kahn's algorithm, taking names in alphabetical order among those ready, for stability. */
  public static List<String> order(Map<String, ServiceDefinition> services) {
    Map<String, Integer> waiting = new LinkedHashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (ServiceDefinition definition : services.values()) {
      int count = 0;
      for (String dependency : definition.dependencies()) {
        if (services.containsKey(dependency)) {
          count++;
          dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(definition.name());
        }
      }
      waiting.put(definition.name(), count);
    }
    TreeSet<String> ready = new TreeSet<>();
    waiting.forEach(
        (name, count) -> {
          if (count == 0) {
            ready.add(name);
          }
        });
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String next = ready.pollFirst();
      order.add(next);
      for (String dependent : dependents.getOrDefault(next, List.of())) {
        if (waiting.merge(dependent, -1, Integer::sum) == 0) {
          ready.add(dependent);
        }
      }
    }
    return order;
  }
}

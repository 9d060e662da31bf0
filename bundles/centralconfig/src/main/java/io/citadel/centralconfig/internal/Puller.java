package io.citadel.centralconfig.internal;

import io.citadel.centralconfig.internal.CentralStore.StoredFile;
import io.citadel.centralconfig.internal.PullReport.FileResult;
import io.citadel.centralconfig.internal.PullReport.Outcome;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's pull: for every allowed file in the store, the node's own copy ({@code nodes/<host>/})
 * wins over the cluster's ({@code default/}); a file that is being written waits, one that fails
 * validation or is not safe to read raises an alarm and leaves the local copy as it is, one that
 * says what the local copy says is not touched, and the rest replace the local copies atomically.
 * What it installed is remembered (in {@code installed.properties} beside its data), so that a file
 * removed from the store can be told from one the operator made here.
 */
final class Puller {
  private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
  static final String STORE = "(store)";

  /** Checks a file before it is installed; an empty answer lets it in. */
  interface Validator {
    List<String> validate(String path, byte[] content);
  }

  private final LocalEtc etc;
  private final Path stateFile;
  private final Validator validator;
  private final Clock clock;
  private final Map<String, String> installed = new TreeMap<>();
  private final Map<String, Alarm> alarms = new LinkedHashMap<>();

  Puller(LocalEtc etc, Path stateFile, Validator validator, Clock clock) throws IOException {
    this.etc = etc;
    this.stateFile = stateFile;
    this.validator = validator;
    this.clock = clock;
    if (Files.isRegularFile(stateFile)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      p.forEach((k, v) -> installed.put(k.toString(), v.toString()));
    }
  }

  synchronized List<Alarm> alarms() {
    return List.copyOf(alarms.values());
  }

  /** The files this puller installed and their checksums. */
  synchronized Map<String, String> installed() {
    return Map.copyOf(installed);
  }

  synchronized PullReport pull(CentralStore store, PullSettings settings) {
    Instant now = clock.instant();
    String nodeScope = CentralStore.node(settings.host());
    Map<String, StoredFile> defaults;
    Map<String, StoredFile> own;
    try {
      defaults = store.list(CentralStore.DEFAULT);
      own = store.list(nodeScope);
    } catch (IOException | RuntimeException e) {
      String why = "cannot read the store " + store.describe() + ": " + e.getMessage();
      raise(new Alarm(STORE, "", why, now));
      return new PullReport(now, store.describe(), settings.host(), List.of(), why);
    }
    clear(STORE);
    List<FileResult> results = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(defaults.keySet());
    paths.addAll(own.keySet());
    for (String path : paths) {
      boolean mine = own.containsKey(path);
      String source = mine ? nodeScope : CentralStore.DEFAULT;
      StoredFile file = mine ? own.get(path) : defaults.get(path);
      if (!settings.files().allows(path)) {
        if (!file.refused().isEmpty() && path.isEmpty()) {
          // the node's folder itself leads out of the store
          results.add(refuse(path, source, file.refused(), now));
        }
        continue;
      }
      results.add(one(path, source, file, settings, now));
    }
    for (String path : new ArrayList<>(installed.keySet())) {
      if (!paths.contains(path) || !settings.files().allows(path)) {
        results.add(goneFromStore(path, settings.removeDeleted()));
      }
    }
    // alarms of files no longer looked at (gone from the store, no longer allowed) end with them
    java.util.Set<String> considered = new java.util.HashSet<>();
    results.forEach(r -> considered.add(r.path()));
    alarms.keySet().removeIf(key -> !key.equals(STORE) && !considered.contains(key));
    saveState();
    return new PullReport(now, store.describe(), settings.host(), results, "");
  }

  private FileResult one(
      String path, String source, StoredFile file, PullSettings settings, Instant now) {
    if (!file.refused().isEmpty()) {
      return refuse(path, source, file.refused(), now);
    }
    String checksum = checksum(file.content());
    long age = now.toEpochMilli() - file.modifiedMillis();
    if (!file.stable() || age < settings.settleMs()) {
      return new FileResult(
          path,
          source,
          checksum,
          Outcome.PENDING,
          "changed " + Math.max(age, 0) + " ms ago; may still be being written");
    }
    List<String> problems = check(path, file.content(), validator);
    if (!problems.isEmpty()) {
      String why = String.join("; ", problems);
      raise(new Alarm(path, source, why, now));
      return new FileResult(path, source, checksum, Outcome.REJECTED, why);
    }
    try {
      if (etc.same(path, file.content())) {
        clear(path);
        return new FileResult(path, source, checksum, Outcome.UNCHANGED, "");
      }
      etc.install(path, file.content());
      installed.put(path, checksum);
      clear(path);
      LOG.info("Central configuration: installed {} from {} ({})", path, source, checksum);
      return new FileResult(path, source, checksum, Outcome.INSTALLED, "");
    } catch (IOException | RuntimeException e) {
      String why = "cannot write etc/" + path + ": " + e.getMessage();
      raise(new Alarm(path, source, why, now));
      return new FileResult(path, source, checksum, Outcome.FAILED, why);
    }
  }

  /**
   * Every check a file gets before it is installed (or pushed): UTF-8 text, a {@code .cfg}'s
   * syntax, then the validators, which see only files that passed the first two.
   */
  static List<String> check(String path, byte[] content, Validator validator) {
    List<String> problems = new ArrayList<>();
    Optional<String> text = TextChecks.utf8(content);
    if (text.isEmpty()) {
      problems.add(path + ": is not UTF-8 text");
      return problems;
    }
    if (path.endsWith(".cfg")) {
      problems.addAll(TextChecks.cfg(path, text.get()));
    }
    if (problems.isEmpty()) {
      try {
        problems.addAll(validator.validate(path, content));
      } catch (RuntimeException e) {
        problems.add(path + ": its validator failed: " + e);
      }
    }
    return problems;
  }

  private FileResult refuse(String path, String source, String why, Instant now) {
    String detail = "refused: " + why;
    raise(new Alarm(path.isEmpty() ? source : path, path.isEmpty() ? "" : source, detail, now));
    return new FileResult(path.isEmpty() ? source : path, source, "", Outcome.REFUSED, detail);
  }

  private FileResult goneFromStore(String path, boolean remove) {
    clear(path);
    if (!remove) {
      installed.remove(path);
      return new FileResult(
          path, "", "", Outcome.LEFT, "removed from the store; the local copy stays");
    }
    try {
      etc.remove(path);
      installed.remove(path);
      LOG.info("Central configuration: removed {} (gone from the store)", path);
      return new FileResult(path, "", "", Outcome.REMOVED, "removed from the store");
    } catch (IOException e) {
      return new FileResult(
          path, "", "", Outcome.FAILED, "cannot remove etc/" + path + ": " + e.getMessage());
    }
  }

  private void raise(Alarm alarm) {
    String key = alarm.path();
    Alarm before = alarms.get(key);
    if (before != null && before.error().equals(alarm.error())) {
      return; // raised already: keep its first time, log it once
    }
    alarms.put(key, alarm);
    LOG.error("Central configuration alarm: {}", alarm);
  }

  private void clear(String key) {
    Alarm cleared = alarms.remove(key);
    if (cleared != null) {
      LOG.info("Central configuration: alarm cleared for {}", key);
    }
  }

  private void saveState() {
    Properties p = new Properties();
    p.putAll(installed);
    try {
      java.io.StringWriter w = new java.io.StringWriter();
      p.store(w, "Files the central configuration puller installed, with their SHA-256");
      io.citadel.sdk.DurableFiles.replace(stateFile, w.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("Central configuration: cannot save {}: {}", stateFile, e.getMessage());
    }
  }

  static String checksum(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

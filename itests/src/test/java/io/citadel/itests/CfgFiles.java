package io.citadel.itests;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/** Edits {@code .cfg} files as an operator's editor would: keys set in place, the rest kept. */
final class CfgFiles {

  private CfgFiles() {}

  static void set(Path file, Map<String, String> values) throws IOException {
    long before = Files.getLastModifiedTime(file).toMillis();
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    for (Map.Entry<String, String> entry : values.entrySet()) {
      Pattern key = Pattern.compile("^\\s*" + Pattern.quote(entry.getKey()) + "\\s*[=:].*$");
      String line = entry.getKey() + " = " + entry.getValue();
      boolean replaced = false;
      for (int i = 0; i < lines.size(); i++) {
        if (key.matcher(lines.get(i)).matches()) {
          lines.set(i, line);
          replaced = true;
        }
      }
      if (!replaced) {
        lines.add(line);
      }
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    // FileInstall notices a change by modification time and length only: two edits of equal
    // length within one millisecond tick would look like none. Make every edit visible.
    if (Files.getLastModifiedTime(file).toMillis() <= before) {
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(before + 1000));
    }
  }

  /** The keys and values of a {@code .cfg} file, comments left out. */
  static Map<String, String> read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, String> values = new HashMap<>();
    properties.forEach((key, value) -> values.put((String) key, (String) value));
    return values;
  }
}

package io.citadel.example.hoststats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSampleTest {

  @TempDir Path disk;

  @Test
  void aSampleReadsTheRealMachine() throws Exception {
    HostSample sample = HostSample.take("node-1", disk);
    assertTrue(sample.cores() >= 1);
    assertTrue(sample.memoryTotalBytes() > 0, "total memory");
    assertTrue(sample.memoryFreeBytes() <= sample.memoryTotalBytes());
    assertTrue(sample.diskTotalBytes() > 0, "disk size");
    assertTrue(sample.diskUsableBytes() <= sample.diskTotalBytes());
    String json = sample.toJson();
    assertTrue(json.startsWith("{\"host\":\"node-1\""), json);
    assertTrue(json.contains("\"cpu\":{\"cores\":" + sample.cores()), json);
  }

  @Test
  void stringsAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", HostSample.quote("a\"b\\c\n\u0001"));
  }
}

package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * The distribution's engine, in a JVM of 768 MB, answers a query of 50 million rows to psql (with
 * {@code FETCH_COUNT}, through a cursor, and as {@code COPY ... TO STDOUT}) and to pgjdbc ({@code
 * setFetchSize}, through a portal read in parts): the result alone would take 800 MB of arrays, so
 * it can only have streamed. The heap the JVM uses is sampled with jcmd throughout and printed. A
 * GROUP BY that would need gigabytes fails with 53200 naming the limit, the session goes on, and a
 * new limit set in the engine's configuration file is the one the next query is told about.
 */
public class EngineStreamingIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String HEAP = "768m";
  private static final int A = 1000;
  private static final int B = 50_000;
  private static final long ROWS = (long) A * B;
  private static final String QUERY = "SELECT a.x, b.y FROM a CROSS JOIN b";

  private CitadelNode node;
  private Path base;
  private int pgPort;

  @Before
  public void startNode() throws Exception {
    node = CitadelNode.standalone("engine-streaming-it", "stream1");
    base = node.home().getParent().getParent();
    Files.writeString(
        node.home().resolve("bin/setenv"),
        "\nexport EXTRA_JAVA_OPTS=\"-Xmx" + HEAP + "\"\n",
        java.nio.file.StandardOpenOption.APPEND);
    pgPort = Integer.parseInt(node.cfgValue("io.citadel.engine.cfg", "port"));
    node.start(WAIT);
    awaitEngine();
  }

  @After
  public void killWhatWasStarted() throws Exception {
    node.close();
  }

  private String password() throws IOException {
    return node.enginePassword();
  }

  private Connection connect() throws SQLException, IOException {
    return node.engineConnection(300);
  }

  private void awaitEngine() throws Exception {
    node.awaitEngine(WAIT);
  }

  /** Samples the node JVM's used heap with jcmd, once a second, until closed; keeps the most. */
  private static final class HeapSampler implements AutoCloseable {
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private final long pid;
    private final AtomicLong most = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;

    HeapSampler(long pid) {
      this.pid = pid;
      thread = new Thread(this::run, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      while (!stop) {
        try {
          Process p =
              new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info")
                  .redirectErrorStream(true)
                  .start();
          String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          if (p.waitFor(20, TimeUnit.SECONDS)) {
            Matcher m = USED.matcher(out);
            if (m.find()) {
              most.accumulateAndGet(Long.parseLong(m.group(1)) << 10, Math::max);
              samples.incrementAndGet();
            }
          } else {
            p.destroyForcibly();
          }
          Thread.sleep(1000);
        } catch (IOException e) {
          return;
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long mostMb() {
      return most.get() >> 20;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(30_000);
    }

    String report() {
      return mostMb() + " MB used at most over " + samples.get() + " samples";
    }
  }

  private void load() throws Exception {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE a (x INTEGER)");
      st.execute("CREATE TABLE b (y INTEGER)");
      CopyManager copy = c.unwrap(BaseConnection.class).getCopyAPI();
      StringBuilder rows = new StringBuilder();
      for (int i = 1; i <= A; i++) rows.append(i).append('\n');
      assertEquals(A, copy.copyIn("COPY a FROM STDIN", new StringReader(rows.toString())));
      rows.setLength(0);
      for (int i = 1; i <= B; i++) rows.append(i).append('\n');
      assertEquals(B, copy.copyIn("COPY b FROM STDIN", new StringReader(rows.toString())));
    }
  }

  @Test
  public void fiftyMillionRowsStreamToPsqlAndJdbcAndAQueryPastItsLimitFails() throws Exception {
    load();
    long pid = node.pid().orElseThrow();
    System.out.println(
        "[streaming] node JVM "
            + pid
            + " runs with -Xmx"
            + HEAP
            + "; "
            + ROWS
            + " rows of two integers would take "
            + (ROWS * 16 >> 20)
            + " MB of arrays held whole");

    // psql with FETCH_COUNT: BEGIN; DECLARE _psql_cursor ...; FETCH FORWARD 100000 ...; COMMIT
    try (HeapSampler heap = new HeapSampler(pid)) {
      long t0 = System.nanoTime();
      String lines =
          shell(
              Psql.binary()
                  + " -X -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=100000 -h 127.0.0.1 -p "
                  + pgPort
                  + " -U citadel -d citadel -c '"
                  + QUERY
                  + "' | wc -l");
      heap.close();
      assertEquals(Long.toString(ROWS), lines.strip());
      System.out.printf(
          "[streaming] psql FETCH_COUNT=100000: %d rows in %.1f s; node heap %s%n",
          ROWS, (System.nanoTime() - t0) / 1e9, heap.report());
    }

    // psql's COPY (query) TO STDOUT: the rows as CopyData, made as they go out
    try (HeapSampler heap = new HeapSampler(pid)) {
      long t0 = System.nanoTime();
      String lines =
          shell(
              Psql.binary()
                  + " -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "
                  + pgPort
                  + " -U citadel -d citadel -c 'COPY ("
                  + QUERY
                  + ") TO STDOUT' | wc -l");
      heap.close();
      assertEquals(Long.toString(ROWS), lines.strip());
      System.out.printf(
          "[streaming] psql COPY (query) TO STDOUT: %d rows in %.1f s; node heap %s%n",
          ROWS, (System.nanoTime() - t0) / 1e9, heap.report());
    }

    // pgjdbc: a portal read 100,000 rows at a time (needs autocommit off, as in PostgreSQL)
    try (Connection c = connect();
        HeapSampler heap = new HeapSampler(pid)) {
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      long n = 0;
      long sumX = 0;
      try (Statement st = c.createStatement()) {
        st.setFetchSize(100_000);
        try (ResultSet rs = st.executeQuery(QUERY)) {
          while (rs.next()) {
            n++;
            sumX += rs.getInt(1);
          }
        }
      }
      c.commit();
      heap.close();
      assertEquals(ROWS, n);
      assertEquals((long) B * A * (A + 1) / 2, sumX);
      System.out.printf(
          "[streaming] pgjdbc setFetchSize(100000): %d rows in %.1f s; node heap %s%n",
          n, (System.nanoTime() - t0) / 1e9, heap.report());

      // a GROUP BY of 50 million groups would need gigabytes: 53200, and the session goes on
      c.setAutoCommit(true);
      String group = "SELECT a.x, b.y, count(*) FROM a CROSS JOIN b GROUP BY a.x, b.y";
      String message = failsWithOutOfMemory(c, group);
      System.out.println("[streaming] " + message);
      assertTrue(message, message.contains("query-memory-percent=25"));
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM b")) {
        assertTrue(rs.next());
        assertEquals(B, rs.getLong(1));
      }

      // the limit is live: the configuration file's new share is the one the next query meets
      node.cfg("io.citadel.engine.cfg", Map.of("query-memory-percent", "2"));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!(message = failsWithOutOfMemory(c, group)).contains("query-memory-percent=2 ")) {
        if (System.nanoTime() > deadline) {
          fail("the new query-memory-percent was not applied within " + WAIT + ": " + message);
        }
        Thread.sleep(500);
      }
      System.out.println("[streaming] after the change: " + message);
    }
    assertTrue("the node must still be running", node.running());
  }

  private static String failsWithOutOfMemory(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        // drained: it must fail before the end
      }
      throw new AssertionError(sql + " did not fail");
    } catch (SQLException e) {
      assertEquals(e.getMessage(), "53200", e.getSQLState());
      return e.getMessage();
    }
  }

  /** Runs a bash pipeline with the engine's password, failing unless it exits 0 in 5 minutes. */
  private String shell(String pipeline) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", "set -o pipefail; " + pipeline).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", password());
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Path output = Files.createTempFile(base, "shell", ".out");
    pb.redirectOutput(output.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(pipeline + " did not finish within 300 s");
    }
    String text = Files.readString(output);
    assertEquals(text, 0, p.exitValue());
    return text;
  }
}

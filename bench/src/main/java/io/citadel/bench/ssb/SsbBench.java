package io.citadel.bench.ssb;

import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import io.citadel.itests.ResultRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The Star Schema Benchmark, Citadel's engine against DuckDB in the same run, on the same CSV files
 * and the same number of threads: load times and rows per second, then the 13 queries, each warmed
 * up once and timed {@code runs} times, the median kept. Citadel is queried through its PostgreSQL
 * protocol with the real JDBC driver (on loopback); DuckDB in-process through its JDBC driver.
 * Every answer is compared between the two before a time counts.
 *
 * <pre>bench/ssb.sh [scale-factor=10] [threads=2] [runs=7]</pre>
 */
public final class SsbBench {

  static final String SCHEMA =
      String.join(
          "\n",
          "CREATE TABLE lineorder (lo_orderkey BIGINT, lo_linenumber INTEGER, lo_custkey INTEGER,",
          " lo_partkey INTEGER, lo_suppkey INTEGER, lo_orderdate INTEGER, lo_orderpriority TEXT,",
          " lo_shippriority TEXT, lo_quantity INTEGER, lo_extendedprice INTEGER,",
          " lo_ordtotalprice INTEGER, lo_discount INTEGER, lo_revenue INTEGER,",
          " lo_supplycost INTEGER, lo_tax INTEGER, lo_commitdate INTEGER, lo_shipmode TEXT);",
          "CREATE TABLE customer (c_custkey INTEGER, c_name TEXT, c_address TEXT, c_city TEXT,",
          " c_nation TEXT, c_region TEXT, c_phone TEXT, c_mktsegment TEXT);",
          "CREATE TABLE supplier (s_suppkey INTEGER, s_name TEXT, s_address TEXT, s_city TEXT,",
          " s_nation TEXT, s_region TEXT, s_phone TEXT);",
          "CREATE TABLE part (p_partkey INTEGER, p_name TEXT, p_mfgr TEXT, p_category TEXT,",
          " p_brand1 TEXT, p_color TEXT, p_type TEXT, p_size INTEGER, p_container TEXT);",
          "CREATE TABLE dwdate (d_datekey INTEGER, d_date TEXT, d_dayofweek TEXT, d_month TEXT,",
          " d_year INTEGER, d_yearmonthnum INTEGER, d_yearmonth TEXT, d_daynuminweek INTEGER,",
          " d_daynuminmonth INTEGER, d_daynuminyear INTEGER, d_monthnuminyear INTEGER,",
          " d_weeknuminyear INTEGER, d_sellingseason TEXT, d_lastdayinweekfl INTEGER,",
          " d_lastdayinmonthfl INTEGER, d_holidayfl INTEGER, d_weekdayfl INTEGER);");

  /** The 13 SSB queries, as the specification writes them (the date table named dwdate). */
  static final Map<String, String> QUERIES = new LinkedHashMap<>();

  static {
    QUERIES.put(
        "Q1.1",
        "SELECT SUM(lo_extendedprice * lo_discount) AS revenue FROM lineorder, dwdate"
            + " WHERE lo_orderdate = d_datekey AND d_year = 1993"
            + " AND lo_discount BETWEEN 1 AND 3 AND lo_quantity < 25");
    QUERIES.put(
        "Q1.2",
        "SELECT SUM(lo_extendedprice * lo_discount) AS revenue FROM lineorder, dwdate"
            + " WHERE lo_orderdate = d_datekey AND d_yearmonthnum = 199401"
            + " AND lo_discount BETWEEN 4 AND 6 AND lo_quantity BETWEEN 26 AND 35");
    QUERIES.put(
        "Q1.3",
        "SELECT SUM(lo_extendedprice * lo_discount) AS revenue FROM lineorder, dwdate"
            + " WHERE lo_orderdate = d_datekey AND d_weeknuminyear = 6 AND d_year = 1994"
            + " AND lo_discount BETWEEN 5 AND 7 AND lo_quantity BETWEEN 26 AND 35");
    QUERIES.put(
        "Q2.1",
        "SELECT SUM(lo_revenue) AS revenue, d_year, p_brand1"
            + " FROM lineorder, dwdate, part, supplier"
            + " WHERE lo_orderdate = d_datekey AND lo_partkey = p_partkey"
            + " AND lo_suppkey = s_suppkey AND p_category = 'MFGR#12' AND s_region = 'AMERICA'"
            + " GROUP BY d_year, p_brand1 ORDER BY d_year, p_brand1");
    QUERIES.put(
        "Q2.2",
        "SELECT SUM(lo_revenue) AS revenue, d_year, p_brand1"
            + " FROM lineorder, dwdate, part, supplier"
            + " WHERE lo_orderdate = d_datekey AND lo_partkey = p_partkey"
            + " AND lo_suppkey = s_suppkey AND p_brand1 BETWEEN 'MFGR#2221' AND 'MFGR#2228'"
            + " AND s_region = 'ASIA' GROUP BY d_year, p_brand1 ORDER BY d_year, p_brand1");
    QUERIES.put(
        "Q2.3",
        "SELECT SUM(lo_revenue) AS revenue, d_year, p_brand1"
            + " FROM lineorder, dwdate, part, supplier"
            + " WHERE lo_orderdate = d_datekey AND lo_partkey = p_partkey"
            + " AND lo_suppkey = s_suppkey AND p_brand1 = 'MFGR#2239' AND s_region = 'EUROPE'"
            + " GROUP BY d_year, p_brand1 ORDER BY d_year, p_brand1");
    QUERIES.put(
        "Q3.1",
        "SELECT c_nation, s_nation, d_year, SUM(lo_revenue) AS revenue"
            + " FROM customer, lineorder, supplier, dwdate"
            + " WHERE lo_custkey = c_custkey AND lo_suppkey = s_suppkey"
            + " AND lo_orderdate = d_datekey AND c_region = 'ASIA' AND s_region = 'ASIA'"
            + " AND d_year >= 1992 AND d_year <= 1997 GROUP BY c_nation, s_nation, d_year"
            + " ORDER BY d_year ASC, revenue DESC");
    QUERIES.put(
        "Q3.2",
        "SELECT c_city, s_city, d_year, SUM(lo_revenue) AS revenue"
            + " FROM customer, lineorder, supplier, dwdate"
            + " WHERE lo_custkey = c_custkey AND lo_suppkey = s_suppkey"
            + " AND lo_orderdate = d_datekey AND c_nation = 'UNITED STATES'"
            + " AND s_nation = 'UNITED STATES' AND d_year >= 1992 AND d_year <= 1997"
            + " GROUP BY c_city, s_city, d_year ORDER BY d_year ASC, revenue DESC");
    QUERIES.put(
        "Q3.3",
        "SELECT c_city, s_city, d_year, SUM(lo_revenue) AS revenue"
            + " FROM customer, lineorder, supplier, dwdate"
            + " WHERE lo_custkey = c_custkey AND lo_suppkey = s_suppkey"
            + " AND lo_orderdate = d_datekey AND (c_city = 'UNITED KI1' OR c_city = 'UNITED KI5')"
            + " AND (s_city = 'UNITED KI1' OR s_city = 'UNITED KI5')"
            + " AND d_year >= 1992 AND d_year <= 1997"
            + " GROUP BY c_city, s_city, d_year ORDER BY d_year ASC, revenue DESC");
    QUERIES.put(
        "Q3.4",
        "SELECT c_city, s_city, d_year, SUM(lo_revenue) AS revenue"
            + " FROM customer, lineorder, supplier, dwdate"
            + " WHERE lo_custkey = c_custkey AND lo_suppkey = s_suppkey"
            + " AND lo_orderdate = d_datekey AND (c_city = 'UNITED KI1' OR c_city = 'UNITED KI5')"
            + " AND (s_city = 'UNITED KI1' OR s_city = 'UNITED KI5') AND d_yearmonth = 'Dec1997'"
            + " GROUP BY c_city, s_city, d_year ORDER BY d_year ASC, revenue DESC");
    QUERIES.put(
        "Q4.1",
        "SELECT d_year, c_nation, SUM(lo_revenue - lo_supplycost) AS profit"
            + " FROM dwdate, customer, supplier, part, lineorder"
            + " WHERE lo_custkey = c_custkey AND lo_suppkey = s_suppkey"
            + " AND lo_partkey = p_partkey AND lo_orderdate = d_datekey"
            + " AND c_region = 'AMERICA' AND s_region = 'AMERICA'"
            + " AND (p_mfgr = 'MFGR#1' OR p_mfgr = 'MFGR#2')"
            + " GROUP BY d_year, c_nation ORDER BY d_year, c_nation");
    QUERIES.put(
        "Q4.2",
        "SELECT d_year, s_nation, p_category, SUM(lo_revenue - lo_supplycost) AS profit"
            + " FROM dwdate, customer, supplier, part, lineorder"
            + " WHERE lo_custkey = c_custkey AND lo_suppkey = s_suppkey"
            + " AND lo_partkey = p_partkey AND lo_orderdate = d_datekey"
            + " AND c_region = 'AMERICA' AND s_region = 'AMERICA'"
            + " AND (d_year = 1997 OR d_year = 1998) AND (p_mfgr = 'MFGR#1' OR p_mfgr = 'MFGR#2')"
            + " GROUP BY d_year, s_nation, p_category ORDER BY d_year, s_nation, p_category");
    QUERIES.put(
        "Q4.3",
        "SELECT d_year, s_city, p_brand1, SUM(lo_revenue - lo_supplycost) AS profit"
            + " FROM dwdate, customer, supplier, part, lineorder"
            + " WHERE lo_custkey = c_custkey AND lo_suppkey = s_suppkey"
            + " AND lo_partkey = p_partkey AND lo_orderdate = d_datekey"
            + " AND s_nation = 'UNITED STATES' AND (d_year = 1997 OR d_year = 1998)"
            + " AND p_category = 'MFGR#14'"
            + " GROUP BY d_year, s_city, p_brand1 ORDER BY d_year, s_city, p_brand1");
  }

  private static final String[] TABLES = {"dwdate", "customer", "supplier", "part", "lineorder"};
  private static final Map<String, String> FILES =
      Map.of(
          "dwdate", "date.csv",
          "customer", "customer.csv",
          "supplier", "supplier.csv",
          "part", "part.csv",
          "lineorder", "lineorder.csv");

  public static void main(String[] args) throws Exception {
    int scale = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    Path work = Path.of(args.length > 3 ? args[3] : "target/ssb").toAbsolutePath();
    Path csv = work.resolve("sf" + scale);
    say(
        "SSB scale factor %d, %d threads, %d timed runs per query; data in %s",
        scale, threads, runs, csv);

    long t0 = System.nanoTime();
    new SsbGenerator(scale, csv)
        .generate((file, rows) -> say("  generated %s: %,d rows (%.0f s)", file, rows, secs(t0)));

    Path db = work.resolve("citadel-db");
    deleteTree(db);
    try (Engine engine =
            Engine.open(
                db,
                new Engine.Options(
                    threads, 32_000_000, Runtime.getRuntime().maxMemory() / 2, 64L << 20, 1000));
        PgServer server = PgServer.start(engine, PgServer.Settings.loopback(0));
        Connection citadel = citadel(server, db);
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement s = duck.createStatement()) {
        s.execute("SET threads = " + threads);
        s.execute("SET memory_limit = '6GB'");
        s.execute("SET preserve_insertion_order = false");
      }
      Map<String, double[]> loads = new LinkedHashMap<>();
      for (String ddl : SCHEMA.split(";\n?")) {
        if (!ddl.isBlank()) {
          run(citadel, ddl);
          run(duck, ddl.replace("TEXT", "VARCHAR"));
        }
      }
      for (String table : TABLES) {
        String file = csv.resolve(FILES.get(table)).toString();
        long rows = Files.lines(csv.resolve(FILES.get(table))).count();
        double c = time(() -> run(citadel, "COPY " + table + " FROM '" + file + "'")) / 1000;
        double d =
            time(() -> run(duck, "COPY " + table + " FROM '" + file + "' (HEADER false)")) / 1000;
        loads.put(table, new double[] {rows, c, d});
        say(
            "  loaded %-9s %,12d rows: Citadel %7.1f s (%,.0f rows/s), DuckDB %7.1f s (%,.0f rows/s)",
            table, rows, c, rows / c, d, rows / d);
      }

      List<Result> results = new ArrayList<>();
      for (Map.Entry<String, String> q : QUERIES.entrySet()) {
        List<String> a = rows(citadel, q.getValue());
        List<String> b = rows(duck, q.getValue());
        if (!a.equals(b)) {
          throw new IllegalStateException(
              q.getKey() + ": answers differ\n Citadel: " + head(a) + "\n DuckDB:  " + head(b));
        }
        double[] ct = new double[runs];
        double[] dt = new double[runs];
        for (int i = 0; i < runs; i++) {
          ct[i] = time(() -> rows(citadel, q.getValue()));
          dt[i] = time(() -> rows(duck, q.getValue()));
        }
        Result r = new Result(q.getKey(), median(ct), median(dt), a.size());
        results.add(r);
        say(
            "  %-5s Citadel %8.1f ms   DuckDB %8.1f ms   ratio %5.2f   (%d rows, answers equal)",
            r.query, r.citadelMs, r.duckMs, r.ratio(), r.rows);
      }
      report(scale, threads, runs, results, loads, work);
    }
  }

  private record Result(String query, double citadelMs, double duckMs, int rows) {
    double ratio() {
      return citadelMs / duckMs;
    }
  }

  private static void report(
      int scale,
      int threads,
      int runs,
      List<Result> results,
      Map<String, double[]> loads,
      Path work)
      throws IOException {
    double logSum = 0;
    for (Result r : results) {
      logSum += Math.log(r.ratio());
    }
    double geomean = Math.exp(logSum / results.size());
    long lineorderRows = (long) loads.get("lineorder")[0];
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "SSB SF%d, %d threads, median of %d: Citadel/DuckDB geometric mean ratio %.2f%n",
        scale,
        threads,
        runs,
        geomean);
    System.out.println("| query | Citadel ms | DuckDB ms | ratio | Citadel lineorder rows/s |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %.2f | %,.0f |%n",
          r.query,
          r.citadelMs,
          r.duckMs,
          r.ratio(),
          lineorderRows / (r.citadelMs / 1000));
    }
    double[] lo = loads.get("lineorder");
    System.out.printf(
        Locale.ROOT,
        "load lineorder: Citadel %,.0f rows/s, DuckDB %,.0f rows/s (ratio %.2f)%n",
        lo[0] / lo[1],
        lo[0] / lo[2],
        lo[1] / lo[2]);
    Path svg = work.resolve("ssb-sf" + scale + ".svg");
    Files.writeString(svg, chart(scale, threads, results, geomean));
    System.out.println("chart: " + svg);
  }

  /** A bar chart of the medians, two bars per query. */
  private static String chart(int scale, int threads, List<Result> results, double geomean) {
    double max = results.stream().mapToDouble(r -> Math.max(r.citadelMs, r.duckMs)).max().orElse(1);
    int barWidth = 14;
    int group = 2 * barWidth + 14;
    int height = 300;
    int left = 60;
    int width = left + group * results.size() + 20;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'"
                + " font-size='11'>%n",
            width,
            height + 70));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='16' font-size='13'>SSB SF%d, %d threads: median ms per query"
                + " (geometric mean ratio Citadel/DuckDB %.2f)</text>%n",
            left,
            scale,
            threads,
            geomean));
    int top = 30;
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      int x = left + i * group;
      double hc = height * r.citadelMs / max;
      double hd = height * r.duckMs / max;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x='%d' y='%.1f' width='%d' height='%.1f' fill='#c0392b'><title>Citadel %.1f"
                  + " ms</title></rect>%n",
              x,
              top + height - hc,
              barWidth,
              hc,
              r.citadelMs));
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x='%d' y='%.1f' width='%d' height='%.1f' fill='#2c3e50'><title>DuckDB %.1f"
                  + " ms</title></rect>%n",
              x + barWidth,
              top + height - hd,
              barWidth,
              hd,
              r.duckMs));
      s.append(
          String.format(
              Locale.ROOT, "<text x='%d' y='%d'>%s</text>%n", x, top + height + 14, r.query));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x='4' y='%d'>%.0f ms</text><line x1='%d' y1='%d' x2='%d' y2='%d'"
                + " stroke='#999'/>%n",
            top + 10,
            max,
            left - 4,
            top,
            width,
            top));
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x='%d' y='%d' width='10' height='10' fill='#c0392b'/><text x='%d' y='%d'>Citadel"
                + "</text><rect x='%d' y='%d' width='10' height='10' fill='#2c3e50'/><text x='%d'"
                + " y='%d'>DuckDB</text>%n",
            left,
            top + height + 30,
            left + 14,
            top + height + 39,
            left + 80,
            top + height + 30,
            left + 94,
            top + height + 39));
    s.append("</svg>\n");
    return s.toString();
  }

  private static Connection citadel(PgServer server, Path db) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "citadel");
    p.setProperty("password", Files.readString(db.resolve("initial-password")).strip());
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/citadel", p);
  }

  private interface Work {
    void run() throws Exception;
  }

  private static double time(Work w) throws Exception {
    long t = System.nanoTime();
    w.run();
    return (System.nanoTime() - t) / 1e6;
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The answer, as text two databases' answers can be compared by. */
  static List<String> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return ResultRows.text(s.executeQuery(sql));
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String head(List<String> rows) {
    return rows.size() <= 5 ? rows.toString() : rows.subList(0, 5) + " ... (" + rows.size() + ")";
  }

  private static double secs(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
    System.out.flush();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

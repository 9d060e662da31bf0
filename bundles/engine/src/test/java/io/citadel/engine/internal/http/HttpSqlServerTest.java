package io.citadel.engine.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.sql.Engine;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /sql's contract: the documented JSON or explicit text, bound parameters, exact numbers. */
class HttpSqlServerTest {
  @TempDir Path dir;
  Engine engine;
  HttpSqlServer server;
  String auth;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    engine = Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000));
    server = HttpSqlServer.start(engine, InetAddress.getLoopbackAddress(), 0, 2);
    String password =
        Files.readString(dir.resolve("db").resolve(UserStore.INITIAL_PASSWORD_FILE)).strip();
    auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (UserStore.ADMIN + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    engine.close();
  }

  private HttpResponse<String> post(String contentType, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/sql"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", auth)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBodyThatIsNotTheDocumentedJsonIsRefusedWithWhatWasWrong() throws Exception {
    for (String[] bad :
        new String[][] {
          {null, ""},
          {"application/json", "   "},
          {null, "SELECT 1"},
          {"application/json", "SELECT 1"},
          {"application/json", "{\"sql\": 1}"},
          {"application/json", "{\"query\": \"SELECT 1\"}"},
          {"application/json", "{\"sql\": \"SELECT 1\"} trailing"},
          {"application/json", "{\"sql\": \"SELECT 1\", \"params\": {\"a\": 1}}"},
          {"application/json", "[\"SELECT 1\"]"},
          {"application/json", "{\"sql\": \"SELECT 1"}
        }) {
      HttpResponse<String> r = post(bad[0], bad[1]);
      assertEquals(400, r.statusCode(), bad[1] + " -> " + r.body());
      assertTrue(r.body().contains("\"code\":\"08P01\""), r.body());
    }
    // the server goes on
    assertEquals(200, post("application/json", "{\"sql\": \"SELECT 1\"}").statusCode());
  }

  @Test
  void parametersAreBoundAsValuesNeverAsSql() throws Exception {
    assertEquals(
        200, post("text/plain", "CREATE TABLE p (id BIGINT, name TEXT, ok BOOLEAN)").statusCode());
    String hostile = "x'); DROP TABLE p; --";
    HttpResponse<String> ins =
        post(
            "application/json",
            "{\"sql\": \"INSERT INTO p VALUES ($1, $2, $3), ($4, $2, NULL)\", \"params\": [9007199254740993, \""
                + hostile.replace("\"", "\\\"")
                + "\", true, -5]}");
    assertEquals(200, ins.statusCode(), ins.body());
    HttpResponse<String> sel =
        post(
            "application/json",
            "{\"sql\": \"SELECT id, name, ok, 7 AS seven FROM p WHERE name = $1 ORDER BY id\", \"params\": [\""
                + hostile.replace("\"", "\\\"")
                + "\"]}");
    assertEquals(200, sel.statusCode(), sel.body());
    // BIGINT as a string of its exact digits (2^53 + 1 survives), INTEGER as a number
    assertTrue(sel.body().contains("[\"-5\",\"x'); DROP TABLE p; --\",null,7]"), sel.body());
    assertTrue(
        sel.body().contains("[\"9007199254740993\",\"x'); DROP TABLE p; --\",true,7]"), sel.body());
    // a numeric of any size, and a bound number with more digits than a double holds, exactly
    HttpResponse<String> wide =
        post(
            "application/json",
            "{\"sql\": \"SELECT $1::numeric * 2, 1.0 / 3\", \"params\":"
                + " [12345678901234567890.0123456789]}");
    assertEquals(200, wide.statusCode(), wide.body());
    assertTrue(
        wide.body().contains("[\"24691357802469135780.0246913578\",\"0.33333333333333333333\"]"),
        wide.body());
    HttpResponse<String> missing =
        post("application/json", "{\"sql\": \"SELECT $2\", \"params\": [1]}");
    assertEquals(400, missing.statusCode());
    assertTrue(missing.body().contains("42P02"), missing.body());
  }

  @Test
  void documentsComeBackAsJsonValuesAndOtherTypesAsText() throws Exception {
    assertEquals(
        200,
        post("text/plain", "CREATE TABLE d (id UUID, doc JSONB, data BYTEA, at TIMESTAMPTZ)")
            .statusCode());
    HttpResponse<String> ins =
        post(
            "application/json",
            "{\"sql\": \"INSERT INTO d VALUES ($1, $2, $3, $4)\", \"params\":"
                + " [\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\", \"{\\\"b\\\": [1, 2], \\\"a\\\": null}\","
                + " \"\\\\x00ff\", \"2024-03-10 14:30:00+02\"]}");
    assertEquals(200, ins.statusCode(), ins.body());
    HttpResponse<String> sel = post("text/plain", "SELECT id, doc, data, at FROM d");
    assertEquals(200, sel.statusCode(), sel.body());
    assertTrue(
        sel.body()
            .contains(
                "[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",{\"a\": null, \"b\": [1, 2]},"
                    + "\"\\\\x00ff\",\"2024-03-10 12:30:00+00\"]"),
        sel.body());
  }

  @Test
  void theOpenApiDocumentDescribesTheEndpoint() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/openapi.json"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    assertEquals("3.0.3", tree.path("openapi").asText());
    assertTrue(tree.path("paths").has("/sql"));
  }

  @Test
  void aLargeResultStreamsInChunksAndASmallOneKeepsItsLength() throws Exception {
    post("text/plain", "CREATE TABLE many (n BIGINT, label TEXT)");
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      csv.append(i).append(",label-").append(i % 97).append('\n');
    }
    Path file = dir.resolve("many.csv");
    Files.writeString(file, csv);
    assertEquals(200, post("text/plain", "COPY many FROM '" + file + "'").statusCode());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/sql"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", auth)
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString("SELECT n, label FROM many"))
            .build();
    HttpResponse<java.io.InputStream> r =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-length").isEmpty(), r.headers().toString());
    com.fasterxml.jackson.databind.JsonNode json;
    try (java.io.InputStream in = r.body()) {
      json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
    }
    assertEquals(60_000, json.get("rows").size());
    assertEquals(60_000, json.get("rowCount").asLong());
    assertEquals("SELECT 60000", json.get("tag").asText());
    long sum = 0;
    for (com.fasterxml.jackson.databind.JsonNode row : json.get("rows")) {
      sum += Long.parseLong(row.get(0).asText());
    }
    assertEquals(60_000L * 59_999 / 2, sum);

    HttpResponse<String> small = post("text/plain", "SELECT count(*) FROM many");
    assertEquals(200, small.statusCode());
    assertTrue(small.headers().firstValue("content-length").isPresent());
    assertTrue(small.body().contains("\"rows\":[[\"60000\"]]"), small.body());
  }
}

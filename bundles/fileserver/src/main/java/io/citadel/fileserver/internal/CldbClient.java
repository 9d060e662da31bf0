package io.citadel.fileserver.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.coordination.Coordination;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.zookeeper.KeeperException;

/**
 * Talks to the master CLDB's HTTP/JSON API. The master is whoever holds {@code
 * /citadel/<cluster>/masters/cldb}; its znode names its API address. A call that cannot reach it,
 * or that a CLDB answers as no longer master, forgets it, and the next call reads the znode again.
 */
final class CldbClient {

  /** No master can be reached now: the call may succeed later. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  /** The master refused the request (bad input, unknown volume, ...): retrying will not help. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Refused(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** The master as its znode names it. */
  record Master(String host, String address, long epoch) {}

  private final Coordination coordination;
  private final ObjectMapper json;
  private final HttpClient http;
  private final String masterPath;
  private volatile Master master;

  CldbClient(Coordination coordination, ObjectMapper json) {
    this.coordination = coordination;
    this.json = json;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.masterPath = coordination.clusterPath("masters", "cldb");
  }

  /** The master last reached, or null. */
  Master master() {
    return master;
  }

  void forgetMaster() {
    master = null;
  }

  private Master findMaster() throws Unavailable {
    Master m = master;
    if (m != null) {
      return m;
    }
    try {
      JsonNode n = json.readTree(coordination.curator().getData().forPath(masterPath));
      m = new Master(n.path("host").asText(), n.path("address").asText(), n.path("epoch").asLong());
    } catch (KeeperException.NoNodeException e) {
      throw new Unavailable("no CLDB is master now (" + masterPath + " does not exist)");
    } catch (Exception e) {
      throw new Unavailable("cannot read " + masterPath + ": " + e);
    }
    if (m.address().isEmpty()) {
      throw new Unavailable("the CLDB master " + m.host() + " has not published its address yet");
    }
    master = m;
    return m;
  }

  /** Sends {@code body} (or nothing) to the master and answers its JSON reply. */
  JsonNode call(String method, String path, Object body) throws Unavailable, Refused {
    Master m = findMaster();
    HttpResponse<byte[]> r;
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://" + m.address() + path))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json");
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      forgetMaster();
      throw new Unavailable("the CLDB master " + m.host() + " at " + m.address() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
    JsonNode reply;
    try {
      reply = json.readTree(r.body());
    } catch (IOException e) {
      forgetMaster();
      throw new Unavailable(
          "the CLDB at " + m.address() + " answered " + r.statusCode() + " with no JSON");
    }
    int status = r.statusCode();
    if (status / 100 == 2) {
      return reply;
    }
    String code = reply.path("error").asText("");
    String message = reply.path("message").asText(reply.toString());
    if (status == 421 || status == 503 || status >= 500 && status != 507) {
      // no longer master, not started, or failing: ask the znode again next time
      forgetMaster();
      throw new Unavailable("the CLDB at " + m.address() + ": " + message);
    }
    throw new Refused(status, code, message);
  }
}

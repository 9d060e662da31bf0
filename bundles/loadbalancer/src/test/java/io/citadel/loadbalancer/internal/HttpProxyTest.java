package io.citadel.loadbalancer.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side without servers to send to: garbage gets 400 naming the problem, a request gets 503
 * naming why, and the balancer keeps serving.
 */
class HttpProxyTest {
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Backends backends;
  private HttpProxy proxy;

  @BeforeEach
  void start() throws Exception {
    // no servers at all; both listeners on ports the system picks
    LbSettings settings =
        new LbSettings(
            "test", "127.0.0.1", 0, 0, Algorithm.ROUND_ROBIN, "", List.of(), 500, 2, 2, 500);
    boss = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(1);
    backends = new Backends(null, settings);
    backends.start();
    proxy =
        new HttpProxy(new Router(backends, null, settings.algorithm()), settings, boss, workers);
  }

  @AfterEach
  void stop() {
    proxy.close();
    backends.close();
    boss.shutdownGracefully();
    workers.shutdownGracefully();
  }

  private String exchange(String raw) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void garbageIsRefusedWithTheReasonAndTheBalancerGoesOn() throws Exception {
    String garbage = exchange("\u0001\u0002 this is not HTTP at all\r\n\r\n");
    assertTrue(garbage.startsWith("HTTP/1.1 400"), garbage);
    assertTrue(garbage.contains("not an HTTP request"), garbage);
    String none =
        exchange(
            "POST /sql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 8\r\n\r\n"
                + "SELECT 1");
    assertTrue(none.startsWith("HTTP/1.1 503"), none);
    assertTrue(none.contains("no server of the HA group is available"), none);
  }
}

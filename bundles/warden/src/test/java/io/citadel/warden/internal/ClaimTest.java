package io.citadel.warden.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.coordination.Coordination;
import io.citadel.coordination.CoordinationState;
import io.citadel.coordination.CoordinationStateListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claims in a real ZooKeeper server: one holder a slot, and fencing tokens that only grow. */
class ClaimTest {
  private TestingServer server;
  private final List<CuratorFramework> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    for (CuratorFramework c : clients) {
      c.close();
    }
    server.close();
  }

  /** A node: a client with a session of its own, seen through the Coordination service. */
  private Coordination node() throws Exception {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(200));
    c.start();
    assertTrue(c.blockUntilConnected(30, TimeUnit.SECONDS));
    clients.add(c);
    return new Coordination() {
      @Override
      public CuratorFramework curator() {
        return c;
      }

      @Override
      public String clusterName() {
        return "test";
      }

      @Override
      public String connectString() {
        return server.getConnectString();
      }

      @Override
      public boolean embeddedServer() {
        return false;
      }

      @Override
      public CoordinationState state() {
        return c.getZookeeperClient().isConnected()
            ? CoordinationState.CONNECTED
            : CoordinationState.SUSPENDED;
      }

      @Override
      public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return c.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
      }

      @Override
      public String clusterPath(String... segments) {
        return Coordination.ROOT + "/test/" + String.join("/", segments);
      }

      @Override
      public void addStateListener(CoordinationStateListener listener) {}

      @Override
      public void removeStateListener(CoordinationStateListener listener) {}
    };
  }

  /**
   * Each later hold of a singleton's slot, by another node or on this node's next session, has a
   * larger fencing token than every earlier one; a hold keeps its token while it lasts.
   */
  @Test
  void eachLaterHoldHasALargerFencingToken() throws Exception {
    Claim first = new Claim(node(), "svc", 1, "n1");
    assertTrue(first.acquire(e -> {}));
    long t1 = first.token();
    assertTrue(t1 > 0, "a token: " + t1);

    Claim second = new Claim(node(), "svc", 1, "n2");
    assertFalse(second.acquire(e -> {}), "one holder at a time");
    first.release();
    assertEquals(0, first.token());
    assertTrue(second.acquire(e -> {}));
    long t2 = second.token();
    assertTrue(t2 > t1, t2 + " after " + t1);
    assertTrue(second.acquire(e -> {}));
    assertEquals(t2, second.token(), "the same hold, the same token");

    // the node's coordination settings change: the slot moves to its new session
    Claim moved = second.moveTo(node(), Duration.ofSeconds(10));
    assertNotNull(moved);
    assertEquals(0, second.token());
    assertTrue(moved.token() > t2, moved.token() + " after " + t2);
  }
}

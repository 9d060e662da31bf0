package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.citadel.coordination.Coordination;
import io.citadel.sdk.CitadelService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The citadel distribution, booted as built, driven as an operator would. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CitadelDistributionIT extends CitadelTestSupport {

  @Inject private ServiceComponentRuntime scr;

  /** The deploy/ and feature tests install hoststats by hand: the Warden must not run it. */
  @Override
  protected String rolesFile() {
    return "roles-without-hoststats";
  }

  private static final String COORDINATION_CFG = "io.citadel.coordination.cfg";
  private static final String HOSTSTATS = "io.citadel.example.hoststats";

  @Test
  public void everyBundleIsActiveAndNoneFailed() throws Exception {
    await(
        "every bundle Active (fragments Resolved)",
        () -> {
          for (Bundle bundle : bundleContext.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
              return false;
            }
          }
          return true;
        });
    List<String> citadel = new ArrayList<>();
    for (Bundle bundle : bundleContext.getBundles()) {
      if (bundle.getSymbolicName().startsWith("io.citadel.")) {
        citadel.add(bundle.getSymbolicName());
        assertEquals(bundle.getSymbolicName(), Bundle.ACTIVE, bundle.getState());
      }
    }
    assertTrue(
        citadel.toString(),
        citadel.containsAll(
            List.of(
                "io.citadel.coordination", "io.citadel.sdk", "io.citadel.thirdparty.zookeeper")));
    // Karaf's own view: no bundle Installed, none in Failure (e.g. a DS or extender failure).
    String list = executeCommand("bundle:list -t 0 --no-format");
    for (String line : list.split("\n")) {
      String[] columns = line.split("\t");
      if (columns.length > 1) {
        String state = columns[1].trim();
        assertFalse(line, state.equals("Failure") || state.equals("Installed"));
      }
    }
    // Every Citadel component is satisfied and active, none failed to activate.
    List<String> components = new ArrayList<>();
    for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
      if (!description.bundle.symbolicName.startsWith("io.citadel.")) {
        continue;
      }
      components.add(description.name);
      for (ComponentConfigurationDTO configuration :
          scr.getComponentConfigurationDTOs(description)) {
        assertEquals(
            description.name + " " + configuration.failure,
            ComponentConfigurationDTO.ACTIVE,
            configuration.state);
      }
    }
    assertTrue(
        components.toString(),
        components.contains("io.citadel.coordination.internal.CoordinationManager"));
  }

  /**
   * A node may run the balancer alone (its roles file says only {@code loadbalancer}), where the
   * Warden installs no engine or replication bundle: the balancer is wired to no package of theirs.
   */
  @Test
  public void theBalancerIsWiredToNoEngineOrReplicationBundle() throws Exception {
    await(
        "the load balancer's bundle is installed",
        () ->
            bundle("io.citadel.loadbalancer") != null
                && bundle("io.citadel.loadbalancer").getState() == Bundle.ACTIVE);
    org.osgi.framework.wiring.BundleWiring wiring =
        bundle("io.citadel.loadbalancer").adapt(org.osgi.framework.wiring.BundleWiring.class);
    List<String> wires = new ArrayList<>();
    for (org.osgi.framework.wiring.BundleWire wire :
        wiring.getRequiredWires(org.osgi.framework.namespace.PackageNamespace.PACKAGE_NAMESPACE)) {
      String provider = wire.getProvider().getSymbolicName();
      String pkg =
          (String)
              wire.getCapability()
                  .getAttributes()
                  .get(org.osgi.framework.namespace.PackageNamespace.PACKAGE_NAMESPACE);
      wires.add(pkg + " <- " + provider);
      assertFalse(
          pkg + " comes from " + provider,
          provider.equals("io.citadel.engine") || provider.equals("io.citadel.replication"));
    }
    assertFalse(wires.isEmpty());
  }

  private Bundle bundle(String symbolicName) {
    for (Bundle b : bundleContext.getBundles()) {
      if (symbolicName.equals(b.getSymbolicName())) {
        return b;
      }
    }
    return null;
  }

  @Test
  public void coordinationConnectsToTheEmbeddedServer() throws Exception {
    Coordination coordination = awaitService(Coordination.class, "(coordination.embedded=true)");
    assertTrue(coordination.awaitConnected(WAIT));
    assertTrue(coordination.embeddedServer());
    assertEquals("citadel", coordination.clusterName());
    String path = coordination.clusterPath("itest", "probe");
    coordination
        .curator()
        .create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(path, "hello".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "hello",
        new String(coordination.curator().getData().forPath(path), StandardCharsets.UTF_8));
    coordination.curator().delete().forPath(path);
    // The embedded server keeps its data under the distribution's data folder.
    Path data = Path.of(System.getProperty("karaf.data"), "zookeeper", "version-2");
    assertTrue(data.toString(), Files.isDirectory(data));
    // The registration tells its state, for target filters.
    awaitService(Coordination.class, "(coordination.state=CONNECTED)");
  }

  @Test
  public void theConsoleCommandsAnswer() throws Exception {
    Coordination coordination = awaitService(Coordination.class, null);
    assertTrue(coordination.awaitConnected(WAIT));
    coordination
        .curator()
        .create()
        .orSetData()
        .creatingParentsIfNeeded()
        .forPath(coordination.clusterPath("itest", "console"), "{\"a\":1}".getBytes());

    String ls = executeCommand("zk:ls /");
    assertTrue(ls, ls.contains("zookeeper"));
    assertTrue(ls, ls.contains("citadel"));
    assertTrue(ls, ls.contains("Children"));

    String tree = executeCommand("zk:ls -r /citadel");
    assertTrue(tree, tree.contains("/citadel/citadel/itest/console"));

    String get = executeCommand("zk:get --stat /citadel/citadel/itest/console");
    assertTrue(get, get.contains("{\"a\":1}"));
    assertTrue(get, get.contains("version"));

    String stat = executeCommand("zk:stat");
    assertTrue(stat, stat.contains("standalone"));
    assertTrue(stat, stat.contains("CONNECTED"));
    assertTrue(stat, stat.contains("Session id"));
    assertTrue(stat, stat.contains("Round trip"));

    String help = executeCommand("zk:ls --help");
    assertTrue(help, help.contains("DESCRIPTION"));
    assertTrue(help, help.contains("--recursive"));

    String missing = executeCommandExpectingError("zk:get /no/such/node");
    assertTrue(missing, missing.contains("No such znode: /no/such/node"));
  }

  @Test
  public void aChangedCfgFileTakesEffectLive() throws Exception {
    Coordination before = awaitService(Coordination.class, "(cluster.name=citadel)");
    assertTrue(before.awaitConnected(WAIT));
    try {
      editCfg(COORDINATION_CFG, Map.of("cluster.name", "live-change"));
      Coordination after = awaitService(Coordination.class, "(cluster.name=live-change)");
      assertTrue(after.awaitConnected(WAIT));
      assertEquals("/citadel/live-change/nodes", after.clusterPath("nodes"));
      assertTrue(executeCommand("zk:stat"), executeCommand("zk:stat").contains("live-change"));
    } finally {
      editCfg(COORDINATION_CFG, Map.of("cluster.name", "citadel"));
      awaitService(Coordination.class, "(cluster.name=citadel)");
    }
  }

  @Test
  public void aMalformedValueIsReportedAndTheConfigurationInForceStays() throws Exception {
    Coordination coordination = awaitService(Coordination.class, "(cluster.name=citadel)");
    assertTrue(coordination.awaitConnected(WAIT));
    long serviceId = serviceId(coordination);
    try {
      editCfg(COORDINATION_CFG, Map.of("session.timeout.ms", "thirty"));
      await(
          "zk:stat reports session.timeout.ms=thirty",
          () ->
              executeCommand("zk:stat")
                  .contains("session.timeout.ms=thirty: is not a whole number"));
      assertEquals(serviceId, serviceId(awaitService(Coordination.class, null)));
      assertTrue(coordination.state().isConnected());

      editCfg(
          COORDINATION_CFG,
          Map.of("session.timeout.ms", "20000", "zookeeper.connect", "zk1:notaport"));
      await(
          "zk:stat reports the bad connect string",
          () -> executeCommand("zk:stat").contains("zookeeper.connect=zk1:notaport"));
      assertEquals(serviceId, serviceId(awaitService(Coordination.class, null)));
      String ls = executeCommand("zk:ls /");
      assertTrue(ls, ls.contains("zookeeper"));
      String log = Files.readString(Path.of(System.getProperty("karaf.data"), "log", "karaf.log"));
      assertTrue(
          "the log names the key and the value",
          log.contains(
              "zookeeper.connect=zk1:notaport: the port of 'zk1:notaport' is not a number"));
    } finally {
      editCfg(COORDINATION_CFG, Map.of("session.timeout.ms", "20000", "zookeeper.connect", ""));
      await(
          "the problem clears", () -> !executeCommand("zk:stat").contains("Configuration problem"));
    }
    assertEquals(serviceId, serviceId(awaitService(Coordination.class, null)));
  }

  @Test
  public void changingTheConnectStringReconnectsWithoutARestart() throws Exception {
    Coordination embedded = awaitService(Coordination.class, "(coordination.embedded=true)");
    assertTrue(embedded.awaitConnected(WAIT));
    int embeddedPort = Integer.parseInt(embedded.connectString().split(":")[1]);
    String port = freePort();
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "zk-other");
    try (StandaloneZooKeeper other = StandaloneZooKeeper.start(Integer.parseInt(port), dir)) {
      // Back to the embedded server while the other one still runs, as an operator would: with
      // the other server gone first, every service would have to wait out its session.
      try {
        String connect = "127.0.0.1:" + port;
        editCfg(COORDINATION_CFG, Map.of("zookeeper.connect", connect));
        Coordination moved =
            awaitService(Coordination.class, "(zookeeper.connect=" + connect + ")");
        assertTrue(moved.awaitConnected(WAIT));
        assertFalse(moved.embeddedServer());
        moved
            .curator()
            .create()
            .creatingParentsIfNeeded()
            .forPath(moved.clusterPath("itest", "moved"), "there".getBytes());
        // Seen by a plain client of the other server: the node really wrote there.
        ZooKeeper plain = other.client(WAIT);
        try {
          assertNotNull(plain.exists("/citadel/citadel/itest/moved", false));
        } finally {
          plain.close();
        }
        // The embedded server stopped with the switch.
        await("embedded server closed", () -> !listening(embeddedPort));
      } finally {
        editCfg(COORDINATION_CFG, Map.of("zookeeper.connect", ""));
      }
      awaitService(Coordination.class, "(coordination.embedded=true)");
    }
    Coordination back = awaitService(Coordination.class, "(coordination.embedded=true)");
    assertTrue(back.awaitConnected(WAIT));
    assertNull(back.curator().checkExists().forPath("/citadel/citadel/itest/moved"));
  }

  @Test
  public void aBundleDroppedIntoDeployStartsWithoutARestart() throws Exception {
    Coordination coordination = awaitService(Coordination.class, "(cluster.name=citadel)");
    assertTrue(coordination.awaitConnected(WAIT));
    Path jar = Path.of(System.getProperty("citadel.hoststats.jar"));
    Path deployed =
        Path.of(System.getProperty("karaf.home"), "deploy", jar.getFileName().toString());
    String host = InetAddress.getLocalHost().getHostName();
    String node = coordination.clusterPath("nodes", host);
    try {
      Files.copy(jar, deployed, StandardCopyOption.REPLACE_EXISTING);
      await("hoststats Active", () -> bundleState(HOSTSTATS) == Bundle.ACTIVE);
      CitadelService service =
          awaitService(CitadelService.class, "(citadel.service.name=hoststats)");
      await("hoststats healthy", () -> service.health().isUsable());
      await(
          node + " holds a sample",
          () -> {
            Coordination live = awaitService(Coordination.class, "(cluster.name=citadel)");
            byte[] data = live.curator().getData().forPath(node);
            return new String(data, StandardCharsets.UTF_8).contains("\"memory\":{\"totalBytes\"");
          });
      String list = executeCommand("bundle:list");
      assertTrue(list, list.contains("hoststats"));
    } finally {
      Files.deleteIfExists(deployed);
    }
    await("hoststats uninstalled", () -> bundleState(HOSTSTATS) == -1);
    await(
        node + " gone with it",
        () -> awaitService(Coordination.class, null).curator().checkExists().forPath(node) == null);
  }

  @Test
  public void aThirdPartyFeatureDependsOnCitadelFeatures() throws Exception {
    String version = System.getProperty("citadel.version");
    String repository = "mvn:io.citadel/" + HOSTSTATS + "/" + version + "/xml/features";
    String added = executeCommand("feature:repo-add " + repository);
    try {
      String install = executeCommand("feature:install -r -v citadel-example-hoststats");
      String features = executeCommand("feature:list -i");
      assertTrue(added + install + features, features.contains("citadel-example-hoststats"));
      assertTrue(features, features.contains("citadel-coordination"));
      await("hoststats Active through its feature", () -> bundleState(HOSTSTATS) == Bundle.ACTIVE);
      executeCommand("feature:uninstall -r citadel-example-hoststats");
    } finally {
      executeCommand("feature:repo-remove " + repository);
    }
    await("hoststats uninstalled", () -> bundleState(HOSTSTATS) == -1);
  }

  private String executeCommandExpectingError(String command) throws Exception {
    try {
      return executeCommand(command);
    } catch (Exception e) {
      Throwable cause = e;
      StringBuilder messages = new StringBuilder();
      while (cause != null) {
        messages.append(cause.getMessage()).append('\n');
        cause = cause.getCause();
      }
      return messages.toString();
    }
  }

  private int bundleState(String symbolicName) {
    for (Bundle bundle : bundleContext.getBundles()) {
      if (symbolicName.equals(bundle.getSymbolicName())) {
        return bundle.getState();
      }
    }
    return -1;
  }

  private long serviceId(Coordination coordination) {
    ServiceReference<Coordination> reference =
        bundleContext.getServiceReference(Coordination.class);
    assertNotNull(reference);
    return (Long) reference.getProperty(Constants.SERVICE_ID);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

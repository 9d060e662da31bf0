package io.citadel.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots the citadel distribution built by this reactor in a fresh Karaf for each test class, with
 * every port free and on loopback, and offers what the tests share: shell commands, bounded waits,
 * service lookups and edits of {@code etc/} files as an operator makes them.
 */
public abstract class CitadelTestSupport {

  protected static final Duration WAIT = Duration.ofSeconds(60);

  /** How long an edited cfg file gets to reach ConfigAdmin, and then to stay there. */
  private static final Duration EDIT_SETTLE = Duration.ofSeconds(3);

  @Inject protected BundleContext bundleContext;

  @Inject protected SessionFactory sessionFactory;

  /** Injected only once the boot features are installed. */
  @Inject protected BootFinished bootFinished;

  private final ExecutorService commands = Executors.newCachedThreadPool();
  private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

  @Configuration
  public Option[] config() throws IOException {
    String distribution = requiredProperty("citadel.distribution");
    String karafVersion = requiredProperty("karaf.version");
    String localRepository = System.getProperty("maven.repo.local", "");
    List<Option> options =
        new ArrayList<>(
            List.of(
                karafDistributionConfiguration()
                    .frameworkUrl(new File(distribution).toURI().toString())
                    .name("Citadel")
                    .karafVersion(karafVersion)
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                editConfigurationFilePut(
                    "etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
                editConfigurationFilePut(
                    "etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
                editConfigurationFilePut(
                    "etc/io.citadel.coordination.cfg", "embedded.port", freePort()),
                editConfigurationFilePut("etc/io.citadel.engine.cfg", "port", freePort()),
                editConfigurationFilePut("etc/io.citadel.engine.cfg", "http-port", freePort()),
                editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository",
                    localRepository),
                editConfigurationFilePut(
                    "etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),
                systemProperty("citadel.hoststats.jar")
                    .value(requiredProperty("citadel.hoststats.jar")),
                systemProperty("citadel.version").value(requiredProperty("citadel.version")),
                replaceConfigurationFile("etc/roles", testResource("etc/" + rolesFile()))));
    options.addAll(jdk17Options(karafVersion));
    return options.toArray(new Option[0]);
  }

  /** The roles file the node boots with, from {@code src/test/resources/etc}. */
  protected String rolesFile() {
    return "roles-all";
  }

  private static File testResource(String name) {
    File file = new File("src/test/resources/" + name);
    if (!file.isFile()) {
      throw new IllegalStateException("missing test resource " + file.getAbsolutePath());
    }
    return file;
  }

  /**
   * Pax Exam starts Karaf's Main itself, not through bin/karaf, so it must pass the JVM options
   * that bin/karaf passes on Java 9 and later.
   */
  private static List<Option> jdk17Options(String karafVersion) {
    List<Option> options = new ArrayList<>();
    for (String option :
        List.of(
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module",
            "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
            "--patch-module",
            "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
            "--add-opens",
            "java.base/java.security=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.net=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.util=ALL-UNNAMED",
            "--add-opens",
            "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens",
            "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "-classpath",
            "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*",
            "-Xmx1g")) {
      options.add(new VMOption(option));
    }
    return options;
  }

  private static final List<String> PROBE_IMPORTS =
      List.of(
          "javax.inject",
          "javax.security.auth",
          "org.junit",
          "org.junit.runner",
          "org.ops4j.pax.exam",
          "org.ops4j.pax.exam.junit",
          "org.ops4j.pax.exam.karaf.options",
          "org.ops4j.pax.exam.options",
          "org.ops4j.pax.exam.options.extra",
          "org.ops4j.pax.exam.spi.reactors",
          "org.osgi.framework",
          "org.osgi.util.tracker",
          "org.osgi.service.cm",
          "org.osgi.service.component.runtime",
          "org.osgi.service.component.runtime.dto",
          "org.apache.karaf.features",
          "org.apache.karaf.jaas.boot.principal",
          "org.apache.karaf.shell.api.console",
          "io.citadel.coordination",
          "io.citadel.sdk",
          "org.apache.zookeeper",
          "org.apache.zookeeper.data",
          "org.apache.zookeeper.server",
          "org.apache.zookeeper.server.quorum",
          "org.apache.curator.framework",
          "org.apache.curator.framework.api");

  @ProbeBuilder
  public TestProbeBuilder probe(TestProbeBuilder probe) {
    // What the tests use is wired when the probe resolves. Left to dynamic imports, a class
    // first loaded while another bundle resolves (the Warden starting the engine, whose embedded
    // libraries make a long resolve) can fail: Felix does not wait for its global lock there.
    probe.setHeader(
        Constants.IMPORT_PACKAGE,
        String.join(",", PROBE_IMPORTS.stream().map(p -> p + ";resolution:=optional").toList()));
    // Anything else: whatever the container exports, Citadel's internals excepted.
    probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
    return probe;
  }

  @After
  public void closeTrackers() {
    trackers.forEach(ServiceTracker::close);
    trackers.clear();
    commands.shutdownNow();
  }

  /** Runs a console command as the console would, and returns what it printed. */
  protected String executeCommand(String command) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Session session = sessionFactory.create(System.in, out, out);
    Callable<String> run =
        () -> {
          Object result = session.execute(command);
          if (result != null) {
            session.getConsole().println(result.toString());
          }
          out.flush();
          return bytes.toString(StandardCharsets.UTF_8);
        };
    // As the console user would: Karaf's command ACLs hide e.g. feature:install from a
    // session without the admin role.
    Subject operator = new Subject();
    operator.getPrincipals().add(new UserPrincipal("karaf"));
    for (String role : List.of("admin", "manager", "viewer", "systembundles")) {
      operator.getPrincipals().add(new RolePrincipal(role));
    }
    Future<String> future =
        commands.submit(
            () -> Subject.doAs(operator, (PrivilegedExceptionAction<String>) run::call));
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError("'" + command + "' did not answer within " + WAIT, e);
    } finally {
      session.close();
    }
  }

  /** Waits for a service matching the LDAP filter, and returns it. */
  protected <T> T awaitService(Class<T> type, String filter) throws Exception {
    Filter osgiFilter = serviceFilter(type, filter);
    ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, osgiFilter, null);
    tracker.open(true);
    trackers.add(tracker);
    T service = tracker.waitForService(WAIT.toMillis());
    if (service == null) {
      throw new AssertionError("No service " + osgiFilter + " within " + WAIT);
    }
    return service;
  }

  private Filter serviceFilter(Class<?> type, String filter) throws InvalidSyntaxException {
    String objectClass = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
    return FrameworkUtil.createFilter(
        filter == null ? objectClass : "(&" + objectClass + filter + ")");
  }

  /** Polls until the condition holds, within {@link #WAIT}. */
  protected static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
        last = null;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(100);
    }
    AssertionError error = new AssertionError("Not true within " + WAIT + ": " + what);
    if (last != null) {
      error.initCause(last);
    }
    throw error;
  }

  /** An {@code etc/} file of the running container. */
  protected static Path etc(String name) {
    return Path.of(System.getProperty("karaf.etc"), name);
  }

  /**
   * Sets keys in a {@code .cfg} file the way an operator's editor would: the file is rewritten in
   * place, comments and other keys kept, and FileInstall hands it to ConfigAdmin.
   */
  protected void editCfg(String file, Map<String, String> values) throws Exception {
    String pid = file.substring(0, file.length() - ".cfg".length());
    ConfigurationAdmin configAdmin = awaitService(ConfigurationAdmin.class, null);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      CfgFiles.set(etc(file), values);
      // FileInstall writes ConfigAdmin's view back to the file after each update. A write-back
      // still in flight from an earlier edit can overwrite this one, so an edit counts only once
      // ConfigAdmin and the file both show it and keep showing it.
      if (Conditions.becomesTrue(EDIT_SETTLE, () -> applied(configAdmin, pid, file, values))
          && Conditions.staysTrue(EDIT_SETTLE, () -> applied(configAdmin, pid, file, values))) {
        return;
      }
    }
    throw new AssertionError("ConfigAdmin did not take " + values + " from " + file);
  }

  private static boolean applied(
      ConfigurationAdmin configAdmin, String pid, String file, Map<String, String> values)
      throws IOException, InvalidSyntaxException {
    org.osgi.service.cm.Configuration[] configurations =
        configAdmin.listConfigurations("(service.pid=" + pid + ")");
    if (configurations == null || configurations.length == 0) {
      return false;
    }
    Dictionary<String, Object> properties = configurations[0].getProperties();
    Map<String, String> onDisk = CfgFiles.read(etc(file));
    for (Map.Entry<String, String> entry : values.entrySet()) {
      Object value = properties == null ? null : properties.get(entry.getKey());
      if (!entry.getValue().equals(value == null ? "" : String.valueOf(value))
          || !entry.getValue().equals(onDisk.getOrDefault(entry.getKey(), ""))) {
        return false;
      }
    }
    return true;
  }

  /** A port free on loopback now, as configuration text. */
  protected static String freePort() throws IOException {
    return Integer.toString(Loopback.freePort());
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "System property " + name + " is not set: run the itests through Maven (failsafe)");
    }
    return value;
  }
}

package io.citadel.sdk;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Checks a configuration file before it replaces the node's copy under {@code etc/}: the central
 * configuration puller installs a pulled file only when every validator that claims it finds
 * nothing wrong. A bundle that reads a file of its own from {@code etc/} registers one, with the
 * service property {@value #FILES} naming the files it checks.
 *
 * <pre>{@code
 * @Component(property = ConfigFileValidator.FILES + "=conf.d/warden.*.conf")
 * public final class MyValidator implements ConfigFileValidator { ... }
 * }</pre>
 *
 * <p>Validation must not change anything: it answers from the text it is given and from what the
 * service already knows.
 */
@ConsumerType
public interface ConfigFileValidator {

  /**
   * Service property: the files this validator checks, as glob patterns relative to {@code etc/}
   * ({@code warden.conf}, {@code conf.d/warden.*.conf}); a {@code String} or {@code String[]}.
   */
  String FILES = "citadel.config.files";

  /**
   * What is wrong with {@code text} as the new content of {@code path}.
   *
   * @param path the file, relative to {@code etc/}, with {@code /} as separator
   * @param text the proposed content
   * @return one line for each problem, naming line and key where it can; empty when the file is
   *     good
   */
  List<String> validate(String path, String text);
}

package io.citadel.fileserver.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** The data a {@link FileServer} keeps as containers: the engine's table fragments on this node. */
@ConsumerType
public interface ContainerSource {

  /** One fragment of one table and its size: on disk once written, in memory before. */
  record Fragment(String table, int fragment, long bytes) {}

  /** Where clients reach this data, host:port; the CLDB's lookups answer it. */
  String address();

  /** Every fragment held here now. Called once per heartbeat and on quota checks: keep it cheap. */
  List<Fragment> fragments();
}

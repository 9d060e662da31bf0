package io.citadel.warden.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(
    scope = "warden",
    name = "stop",
    description = "Stops a service, its dependents first, until warden:start.")
public class WardenStop extends WardenControl {

  @Override
  String control(String service) throws Exception {
    return warden.stop(service);
  }
}

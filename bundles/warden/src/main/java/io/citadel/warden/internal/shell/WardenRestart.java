package io.citadel.warden.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "warden", name = "restart", description = "Restarts a service.")
public class WardenRestart extends WardenControl {

  @Override
  String control(String service) throws Exception {
    return warden.restart(service);
  }
}

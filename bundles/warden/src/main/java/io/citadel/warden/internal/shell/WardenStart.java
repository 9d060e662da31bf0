package io.citadel.warden.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(
    scope = "warden",
    name = "start",
    description = "Starts a service stopped by warden:stop, or retries a failed one now.")
public class WardenStart extends WardenControl {

  @Override
  String control(String service) throws Exception {
    return warden.start(service);
  }
}

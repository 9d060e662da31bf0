package io.citadel.warden.internal.shell;

import io.citadel.warden.internal.WardenRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/** What warden:start, warden:stop and warden:restart share. */
abstract class WardenControl implements Action {

  @Reference WardenRuntime warden;

  @Argument(index = 0, name = "service", description = "The service.", required = true)
  @Completion(ServiceNameCompleter.class)
  String service;

  @Override
  public Object execute() throws Exception {
    System.out.println(control(service));
    return null;
  }

  abstract String control(String service) throws Exception;
}

package io.citadel.itests.failing;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of a bundle that cannot start: the Warden must retry it, then give up. */
public class ThrowingActivator implements BundleActivator {

  @Override
  public void start(BundleContext context) {
    throw new IllegalStateException("this bundle always fails to start");
  }

  @Override
  public void stop(BundleContext context) {}
}

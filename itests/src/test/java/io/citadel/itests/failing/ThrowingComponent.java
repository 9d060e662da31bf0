package io.citadel.itests.failing;

/**
 * A Declarative Services component whose activate method throws, declared by a hand-written
 * component description in the test bundle: SCR reports it as failed to activate.
 */
public class ThrowingComponent {

  public void activate() {
    throw new IllegalStateException("this component always fails to activate");
  }
}

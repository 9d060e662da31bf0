package io.citadel.warden.internal;

/** Runs one service: a bundle in this JVM, or a child process. */
interface ServiceRunner {

  /** What the runner sees of its service. */
  record Health(InstanceState state, String detail) {
    static Health running() {
      return new Health(InstanceState.RUNNING, "");
    }

    static Health starting(String detail) {
      return new Health(InstanceState.STARTING, detail);
    }

    static Health failed(String detail) {
      return new Health(InstanceState.FAILED, detail);
    }
  }

  /**
   * Starts the service with its memory budget and port.
   *
   * @throws Exception when it cannot even be started; the message is shown to operators
   */
  void start(long memoryMb, int port) throws Exception;

  /** The service's health now; called on the Warden's thread, must not block long. */
  Health health();

  /** Stops the service; bounded in time. */
  void stop();

  /** What runs, for the console: a bundle id, a process id. */
  String describe();
}

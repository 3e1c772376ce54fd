package io.github.genesystokens.cli;

/**
 * One promise of the library, shown by the demo with numbers measured in that run. A step starts
 * what it needs (usually its own emulator, so that its counts are its own) and stops it before
 * returning. Add a promise by implementing this and listing it in {@link Demo#standardSteps()}.
 */
interface DemoStep {

  /** The promise, in one line: "1000 concurrent callers share one token request". */
  String promise();

  /**
   * Checks the promise once.
   *
   * @return whether it held, and the measured lines to print under it
   * @throws Exception when the step could not run at all; the demo reports it as not held
   */
  Outcome check() throws Exception;

  /** The verdict and the evidence of one step. */
  record Outcome(boolean held, java.util.List<String> evidence) {
    static Outcome of(boolean held, String... evidence) {
      return new Outcome(held, java.util.List.of(evidence));
    }
  }
}

package io.github.genesystokens.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Runs the promises one after another and prints each with its evidence. */
final class Demo {

  private final List<DemoStep> steps;

  Demo(List<DemoStep> steps) {
    this.steps = List.copyOf(steps);
  }

  /** The promises the demo shows, in order. */
  static List<DemoStep> standardSteps() {
    return List.of(
        new SharedRequestStep(),
        new CacheHitStep(),
        new RefreshAheadStep(),
        new RetryAfterStep(),
        new ThrottleStep(),
        new InvalidClientStep(),
        new RevokedTokenStep());
  }

  /** Runs every step, even after one fails, so the output shows all that held and all that did not. */
  boolean run(PrintStream out) {
    long start = System.nanoTime();
    int held = 0;
    for (DemoStep step : steps) {
      DemoStep.Outcome outcome;
      try {
        outcome = step.check();
      } catch (Exception | AssertionError e) {
        outcome = DemoStep.Outcome.of(false, "could not run: " + e);
      }
      out.println((outcome.held() ? "[ok]   " : "[FAIL] ") + step.promise());
      for (String line : outcome.evidence()) {
        out.println("       " + line);
      }
      out.flush();
      if (outcome.held()) {
        held++;
      }
    }
    out.println();
    out.println(
        held + " of " + steps.size() + " promises held, in " + seconds(Duration.ofNanos(System.nanoTime() - start)) + ".");
    return held == steps.size();
  }

  /** {@code 1.3 s}. */
  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
  }

  /** {@code 212 ms}. */
  static String millis(Duration d) {
    return d.toMillis() + " ms";
  }
}

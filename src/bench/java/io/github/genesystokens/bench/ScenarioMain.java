package io.github.genesystokens.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Runs one or two scenarios of the suite by hand and prints their rows, for a before/after
 * comparison of one change without the whole suite (which writes {@code docs/benchmarks.md}).
 * Not run by {@code mvn -Pbench verify}; the suite's behaviour is unchanged.
 *
 * <p>Arguments: {@code coldHerd [rounds]} (the cold herd of 1000, as in the suite) or {@code
 * recovery [runs]} (the login outage on a cold cache at 8 to 13 s, {@link
 * Scenarios#outageRecovery}).
 */
public final class ScenarioMain {

  /**
   * Runs the named scenario.
   *
   * @param args the scenario and its repeat count
   */
  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "coldHerd";
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : LoadRun.ROUNDS;
    try (Scenarios sc = new Scenarios()) {
      if (which.equals("coldHerd")) {
        for (Row row : sc.coldHerd(1000, repeats)) {
          System.out.println(
              String.format(
                  Locale.ROOT,
                  "[cold herd] %-24s token requests %.0f, calls %.0f, failed %.0f, p50 %.1f ms, p99 %.1f"
                      + " ms, max %.1f ms, max auth wait %.2f ms",
                  row.contender(),
                  row.tokenRequests(),
                  row.calls(),
                  row.failed(),
                  row.p50Millis(),
                  row.p99Millis(),
                  row.maxMillis(),
                  row.maxAuthWaitMillis()));
        }
      } else if (which.equals("recovery")) {
        // This library at outages of 8 to 13 s (where the outage ends in the retries and the
        // cooldown moves with its length), the peer, which caches no failure, once.
        for (int run = 0; run < repeats; run++) {
          for (int seconds = 8; seconds <= 13; seconds++) {
            for (Scenarios.Recovery r :
                sc.outageRecovery(List.of(Contender.LIBRARY), Duration.ofSeconds(seconds))) {
              System.out.println("[recovery] " + r);
            }
          }
        }
        for (Scenarios.Recovery r :
            sc.outageRecovery(List.of(Contender.PEER), Duration.ofSeconds(12))) {
          System.out.println("[recovery] " + r);
        }
      } else {
        throw new IllegalArgumentException("unknown scenario " + which);
      }
    }
    System.exit(0);
  }

  private ScenarioMain() {}
}

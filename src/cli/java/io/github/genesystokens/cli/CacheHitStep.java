package io.github.genesystokens.cli;

import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/** Once a token is cached, calls cost microseconds and no request. */
final class CacheHitStep implements DemoStep {

  static final int CALLS = 100_000;

  @Override
  public String promise() {
    return "steady state: calls are served from the cache, no I/O";
  }

  @Override
  public Outcome check() {
    try (GenesysLoginEmulator emulator = GenesysLoginEmulator.start();
        TokenProvider provider = DemoSupport.provider(emulator)) {
      provider.token().block(DemoSupport.STEP_LIMIT);
      long[] nanos = new long[CALLS];
      Duration oneCallLimit = Duration.ofSeconds(5);
      for (int i = 0; i < CALLS; i++) {
        long start = System.nanoTime();
        provider.token().block(oneCallLimit);
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      double medianMicros = nanos[CALLS / 2] / 1000.0;
      double p99Micros = nanos[CALLS * 99 / 100] / 1000.0;
      long requests = emulator.tokenRequests();
      boolean held = requests == 1;
      return Outcome.of(
          held,
          String.format(
              Locale.ROOT,
              "%d calls after the first: %d more token requests; median %.2f us, p99 %.2f us per"
                  + " call (token().block())",
              CALLS,
              requests - 1,
              medianMicros,
              p99Micros));
    }
  }
}

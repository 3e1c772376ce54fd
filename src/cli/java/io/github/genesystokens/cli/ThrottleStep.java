package io.github.genesystokens.cli;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;

/**
 * The Genesys throttle (HTTP 400 {@code invalid_request}, "rate limit exceeded; ...") is retried
 * with backoff, although a 400 is normally final.
 */
final class ThrottleStep implements DemoStep {

  static final int THROTTLED = 2;

  @Override
  public String promise() {
    return "Genesys throttle (HTTP 400 \"rate limit exceeded\"): retried with backoff, recovers";
  }

  @Override
  public Outcome check() {
    try (GenesysLoginEmulator emulator = GenesysLoginEmulator.start();
        TokenProvider provider = DemoSupport.provider(emulator)) {
      emulator.failNextTokenRequests(THROTTLED, Fault.throttle());
      long start = System.nanoTime();
      AccessToken token = provider.token().block(DemoSupport.STEP_LIMIT);
      Duration took = DemoSupport.since(start);
      long requests = emulator.tokenRequests();
      boolean held = token != null && requests == THROTTLED + 1;
      return Outcome.of(
          held,
          THROTTLED + " throttled answers, then a token after " + Demo.seconds(took)
              + " of backoff; " + requests + " token requests, the caller saw no error");
    }
  }
}

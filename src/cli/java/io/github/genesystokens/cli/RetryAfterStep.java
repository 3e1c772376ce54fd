package io.github.genesystokens.cli;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;

/** HTTP 429 with {@code Retry-After}: the provider waits as long as asked, then succeeds. */
final class RetryAfterStep implements DemoStep {

  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  @Override
  public String promise() {
    return "HTTP 429 with Retry-After: waits as asked, then recovers";
  }

  @Override
  public Outcome check() {
    try (GenesysLoginEmulator emulator = GenesysLoginEmulator.start();
        TokenProvider provider = DemoSupport.provider(emulator)) {
      emulator.failNextTokenRequests(1, Fault.tooManyRequests(RETRY_AFTER));
      long start = System.nanoTime();
      AccessToken token = provider.token().block(DemoSupport.STEP_LIMIT);
      Duration took = DemoSupport.since(start);
      long requests = emulator.tokenRequests();
      // The backoff alone would retry after about 200 ms: waiting 1 s shows Retry-After was read.
      boolean held = token != null && requests == 2 && took.compareTo(RETRY_AFTER) >= 0;
      return Outcome.of(
          held,
          "first answer 429, Retry-After: " + RETRY_AFTER.toSeconds() + "; token after "
              + Demo.seconds(took) + ", " + requests + " token requests, the caller saw no error");
    }
  }
}

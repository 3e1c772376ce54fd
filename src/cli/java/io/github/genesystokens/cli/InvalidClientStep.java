package io.github.genesystokens.cli;

import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;

/**
 * A client id the login host does not know fails at once, without retries, and the error says the
 * region may be wrong: the usual cause, since an OAuth client exists in one region only.
 */
final class InvalidClientStep implements DemoStep {

  /** Far below the 1 s first backoff: proof that nothing was retried. */
  static final Duration FAST = Duration.ofMillis(500);

  @Override
  public String promise() {
    return "invalid_client fails fast, no retries, with the region hint";
  }

  @Override
  public Outcome check() {
    try (GenesysLoginEmulator emulator = GenesysLoginEmulator.start();
        TokenProvider provider = DemoSupport.provider(emulator, "client-from-another-region")) {
      long start = System.nanoTime();
      TokenException failure = null;
      try {
        provider.token().block(DemoSupport.STEP_LIMIT);
      } catch (TokenException e) {
        failure = e;
      }
      Duration took = DemoSupport.since(start);
      long requests = emulator.tokenRequests();
      if (failure == null) {
        return Outcome.of(false, "an unknown client got a token");
      }
      String message = failure.getMessage();
      boolean hinted = message.contains("region may be wrong");
      boolean held =
          requests == 1 && took.compareTo(FAST) < 0 && hinted && !failure.isRetryable();
      return Outcome.of(
          held,
          "failed in " + Demo.millis(took) + " after " + requests + " token request, with:",
          "  " + firstPart(message));
    }
  }

  /** The message up to the correlation id and body, which vary from run to run. */
  private static String firstPart(String message) {
    int cut = message.indexOf(" [correlation id");
    return cut > 0 ? message.substring(0, cut) : message;
  }
}

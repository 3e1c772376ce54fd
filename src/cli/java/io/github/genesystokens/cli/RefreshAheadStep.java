package io.github.genesystokens.cli;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A token is renewed in the background before it expires, and nobody waits for the renewal.
 *
 * <p>The emulator issues 4-second tokens, so the provider's refresh margin is capped at half the
 * lifetime: the token is renewed 2 s after it was requested. Callers keep calling every 20 ms
 * throughout; the login service is made slow (300 ms) so that a caller that did wait for the
 * renewal would show it.
 */
final class RefreshAheadStep implements DemoStep {

  static final Duration LIFETIME = Duration.ofSeconds(4);
  static final Duration CALL_EVERY = Duration.ofMillis(20);
  static final int CALLS = 150; // 3 s of calls: past the renewal, before the first token expires
  /** Served from the cache a call takes microseconds; waiting for the 300 ms login would show. */
  static final Duration WAITED = Duration.ofMillis(100);

  private record Sample(long atNanos, AccessToken token, Duration took) {}

  @Override
  public String promise() {
    return "background refresh before expiry: callers never wait for it";
  }

  @Override
  public Outcome check() {
    try (GenesysLoginEmulator emulator =
            GenesysLoginEmulator.builder()
                .client(
                    GenesysLoginEmulator.DEFAULT_CLIENT_ID,
                    GenesysLoginEmulator.DEFAULT_CLIENT_SECRET,
                    LIFETIME)
                .start();
        TokenProvider provider = DemoSupport.provider(emulator)) {
      long start = System.nanoTime();
      AccessToken first = provider.token().block(DemoSupport.STEP_LIMIT);
      emulator.latency(Duration.ofMillis(300));
      List<Sample> samples =
          Flux.interval(CALL_EVERY)
              .take(CALLS)
              .concatMap(i -> timed(provider))
              .collectList()
              .block(DemoSupport.STEP_LIMIT);
      if (first == null || samples == null) {
        return Outcome.of(false, "no token");
      }
      long waited = samples.stream().filter(s -> s.took().compareTo(WAITED) > 0).count();
      Duration longest =
          samples.stream().map(Sample::took).max(Duration::compareTo).orElse(Duration.ZERO);
      Sample firstNew =
          samples.stream().filter(s -> !s.token().equals(first)).findFirst().orElse(null);
      long requests = emulator.tokenRequests();
      if (firstNew == null) {
        return Outcome.of(
            false, CALLS + " calls over 3 s never saw a new token (" + requests + " requests)");
      }
      Duration renewedAt = Duration.ofNanos(firstNew.atNanos() - start);
      boolean held = waited == 0 && requests == 2 && renewedAt.compareTo(LIFETIME) < 0;
      return Outcome.of(
          held,
          "token lifetime " + Demo.seconds(LIFETIME) + "; new token in use "
              + Demo.seconds(renewedAt) + " after the first request, before it expired at "
              + Demo.seconds(LIFETIME),
          CALLS + " calls, one every " + Demo.millis(CALL_EVERY) + ": " + waited
              + " waited for the refresh (longest call " + micros(longest) + "); "
              + requests + " token requests in all");
    }
  }

  private static Mono<Sample> timed(TokenProvider provider) {
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return provider
              .token()
              .map(token -> new Sample(start, token, Duration.ofNanos(System.nanoTime() - start)));
        });
  }

  private static String micros(Duration d) {
    return d.toNanos() < 1_000_000 ? d.toNanos() / 1000 + " us" : Demo.millis(d);
  }
}

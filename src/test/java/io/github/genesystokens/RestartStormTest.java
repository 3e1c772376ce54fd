package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A small restart storm against the emulator's token-creation throttle: 20 providers of one client
 * start at once and the throttle allows 10 tokens (its window outlasts the test). The backoff is
 * scaled down to milliseconds ({@code retryBackoff(10 ms, 90 ms)}: throttle waits of 30 ms to 90
 * ms), so the schedule runs in real time within the test's bounds.
 */
class RestartStormTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final List<TokenProvider> fleet = new ArrayList<>();
  private GenesysLoginEmulator emulator;

  @AfterEach
  void close() {
    fleet.forEach(TokenProvider::close);
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void throttledInstancesRetryOnTheThrottleScheduleAndThenFailRetryable() {
    emulator = GenesysLoginEmulator.builder().tokenRateLimit(10, Duration.ofHours(1)).start();
    for (int i = 0; i < 20; i++) {
      fleet.add(
          GenesysTokenProvider.builder()
              .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
              .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
              .tokenUri(emulator.tokenUri())
              .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(90))
              .build());
    }
    AtomicInteger holding = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> failedAfterNanos = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    for (TokenProvider instance : fleet) {
      instance
          .token()
          .subscribe(
              t -> holding.incrementAndGet(),
              e -> {
                failedAfterNanos.add(System.nanoTime() - start);
                failures.add(e);
              });
    }
    Poll.until(failures::size, n -> n == 10, WAIT);

    assertThat(holding.get()).isEqualTo(10);
    // Each throttled fetch: 4 attempts (maxRetries 3), and nothing more once it failed.
    assertThat(emulator.tokenRequests()).isEqualTo(20 + 10 * 3);
    assertThat(emulator.tokensIssued()).isEqualTo(10);
    assertThat(failures)
        .allSatisfy(
            e ->
                assertThat(e)
                    .isInstanceOf(TokenException.class)
                    .hasMessageContaining("rate limit exceeded")
                    .hasMessageContaining("gave up after 4 attempts")
                    .satisfies(t -> assertThat(((TokenException) t).isRetryable()).isTrue()));
    // Three waits of at least a third of maxBackoff (30 ms) each, not the 10, 20, 40 ms of the
    // exponential backoff for other transient failures.
    assertThat(failedAfterNanos).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(90_000_000L));
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The wait after a failed fetch, to the millisecond of virtual time: the cooldown, or the server's
 * {@code Retry-After} when that is longer, never the shorter of the two.
 */
class TokenCacheCooldownTest {

  private static final Duration COOLDOWN = Duration.ofSeconds(5);
  private static final Duration LATENCY = Duration.ofMillis(100);
  private static final Duration MILLI = Duration.ofMillis(1);

  private VirtualTimeScheduler time;
  private FakeTokenEndpoint endpoint;
  private TokenCache cache;

  @BeforeEach
  void virtualTime() {
    time = VirtualTimeScheduler.create();
    TestClock clock = TestClock.following(time);
    endpoint = new FakeTokenEndpoint(clock, time).latency(LATENCY);
    cache =
        new TokenCache(
            endpoint,
            new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60)),
            clock,
            time,
            COOLDOWN,
            "test",
            () -> {});
  }

  @AfterEach
  void close() {
    cache.close();
  }

  private static TokenEndpointException throttled(Duration retryAfter) {
    return new TokenEndpointException("HTTP 429", 429, null, null, retryAfter, null, true);
  }

  /** Fails the first fetch with {@code failure}, then calls at {@code wait - 1 ms} and at it. */
  private void assertNextRequestExactlyAfter(Exception failure, Duration wait) {
    endpoint.thenFail(failure);
    cache.token().subscribe(null, e -> {});
    time.advanceTimeBy(LATENCY);
    assertThat(endpoint.fetches()).isEqualTo(1);

    time.advanceTimeBy(wait.minus(MILLI));
    cache.token().subscribe(null, e -> {});
    assertThat(endpoint.fetches()).as("a call 1 ms before the wait ends").isEqualTo(1);

    time.advanceTimeBy(MILLI);
    cache.token().subscribe(null, e -> {});
    assertThat(endpoint.fetches()).as("a call when the wait ends").isEqualTo(2);
  }

  @Test
  void aRetryAfterLongerThanTheCooldownIsWaitedOutExactly() {
    assertNextRequestExactlyAfter(throttled(Duration.ofSeconds(30)), Duration.ofSeconds(30));
  }

  @Test
  void aRetryAfterShorterThanTheCooldownDoesNotShortenIt() {
    assertNextRequestExactlyAfter(throttled(Duration.ofSeconds(1)), COOLDOWN);
  }

  @Test
  void aFailureWithoutRetryAfterWaitsTheCooldown() {
    assertNextRequestExactlyAfter(throttled(null), COOLDOWN);
  }

  @Test
  void aFailureThatIsNotAnEndpointReplyWaitsTheCooldown() {
    assertNextRequestExactlyAfter(FakeTokenEndpoint.transientFailure("connection reset"), COOLDOWN);
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The Genesys throttle's long retry waits (a third of {@code maxBackoff} to all of it, to span the
 * throttle's window of about a minute) are spent in the background: the callers waiting for that
 * fetch are answered at once with a retryable failure, later callers get the same answer without
 * a request, and the fetch's token, when the throttle lets it through, is cached for everyone.
 */
class ThrottledFetchTest {

  private static final Duration LATENCY = Duration.ofMillis(100);
  private static final TokenEndpointException THROTTLE =
      new TokenEndpointException(
          "HTTP 400 invalid_request (rate limit exceeded; try again later)",
          400,
          "invalid_request",
          "rate limit exceeded; try again later",
          null,
          null,
          true);

  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
  private final TestClock clock = TestClock.following(time);
  private final FakeTokenEndpoint endpoint = new FakeTokenEndpoint(clock, time).latency(LATENCY);
  private final RetryRules rules =
      new RetryRules(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(180), time);
  private final TokenCache cache =
      new TokenCache(
          () -> endpoint.get().retryWhen(rules.retry("test")),
          new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60)),
          clock,
          time,
          Duration.ofSeconds(5),
          "test",
          () -> {});

  @AfterEach
  void close() {
    cache.close();
  }

  /** What one caller got, with no virtual time passing after it subscribed. */
  private Object callNow() {
    AtomicReference<Object> got = new AtomicReference<>();
    cache.token().subscribe(got::set, got::set);
    time.advanceTime(); // the waiters resume on the scheduler: run what is due now
    return got.get();
  }

  @Test
  void waitersOfAThrottledFetchAreAnsweredAtOnceWhileItRetriesInTheBackground() {
    endpoint.thenFail(THROTTLE);
    AtomicReference<Object> first = new AtomicReference<>();
    cache.token().subscribe(first::set, first::set);

    time.advanceTimeBy(LATENCY); // the throttle's answer arrives
    assertThat(first.get())
        .isInstanceOfSatisfying(
            TokenEndpointException.class,
            e -> {
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.getMessage()).contains("throttles token creation").contains("background");
            });
    assertThat(endpoint.fetches()).isEqualTo(1);

    // While the fetch waits (10 to 30 s), callers get the same answer at once and send nothing.
    time.advanceTimeBy(Duration.ofSeconds(5));
    assertThat(callNow()).isInstanceOf(TokenEndpointException.class);
    assertThat(endpoint.fetches()).isEqualTo(1);

    // Past the longest throttle wait the retry has gone out and its token is cached.
    time.advanceTimeBy(Duration.ofSeconds(26));
    assertThat(endpoint.fetches()).isEqualTo(2);
    assertThat(callNow()).isInstanceOfSatisfying(
        AccessToken.class, t -> assertThat(t.value()).isEqualTo("token-2"));
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void aFetchThatTheThrottleOutlastsIsNotProbedDuringItsCooldown() {
    TokenCache probing =
        new TokenCache(
            () -> endpoint.get().retryWhen(rules.retry("probing")),
            new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60)),
            clock,
            time,
            Duration.ofSeconds(5),
            "probing",
            () -> {},
            null,
            rules::backoff);
    try {
      endpoint.failAlways(THROTTLE);
      probing.token().subscribe(t -> {}, e -> {});
      // 4 attempts, 3 throttle waits of at most 30 s: the fetch fails within 91 s.
      for (int i = 0; i < 910 && probing.status().fetching(); i++) {
        time.advanceTimeBy(Duration.ofMillis(100));
      }
      assertThat(probing.status().fetching()).isFalse();
      assertThat(endpoint.fetches()).isEqualTo(4);

      // Callers refused every 100 ms through 4 s of the 5 s cooldown: a 503 would be probed on
      // the backoff schedule (1 s, then 2 s); the throttle is not.
      for (int i = 0; i < 40; i++) {
        probing.token().subscribe(t -> {}, e -> {});
        time.advanceTimeBy(Duration.ofMillis(100));
      }
      assertThat(endpoint.fetches()).isEqualTo(4);
    } finally {
      probing.close();
    }
  }

  @Test
  void otherTransientFailuresStillKeepTheirWaitersUntilTheRetryAnswers() {
    endpoint.thenFail(new TokenEndpointException("HTTP 503", 503, null, null, null, null, true));
    AtomicReference<Object> first = new AtomicReference<>();
    cache.token().subscribe(first::set, first::set);

    time.advanceTimeBy(LATENCY);
    assertThat(first.get()).as("a 503's short backoff is waited out by the caller").isNull();
    time.advanceTimeBy(Duration.ofMillis(1500).plus(LATENCY));
    assertThat(first.get())
        .isInstanceOfSatisfying(AccessToken.class, t -> assertThat(t.value()).isEqualTo("token-2"));
    assertThat(endpoint.fetches()).isEqualTo(2);
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class RetryRulesTest {

  /** The waits between attempts elapse on this scheduler alone: no global scheduler is swapped. */
  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

  private final RetryRules defaults =
      new RetryRules(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(180), time);

  @ParameterizedTest(name = "HTTP {0} {1} ({2}) retryable: {3}")
  @CsvSource(
      nullValues = "-",
      value = {
        "429, -, -, true",
        "500, -, -, true",
        "502, -, -, true",
        "503, -, -, true",
        "504, -, -, true",
        "400, invalid_request, 'rate limit exceeded; try again in a minute', true",
        "400, invalid_request, 'Rate Limit Exceeded', true",
        "400, invalid_request, 'missing grant_type', false",
        "400, invalid_client, 'client not found', false",
        "401, invalid_client, 'authentication failed', false",
        "400, invalid_grant, -, false",
        "403, -, -, false",
        "404, -, -, false",
        "501, -, -, false",
        "200, -, -, false",
      })
  void classifiesRepliesAsTransientOrPermanent(
      int status, String error, String description, boolean retryable) {
    assertThat(RetryRules.isRetryableReply(status, error, description)).isEqualTo(retryable);
  }

  @Test
  void readsRetryAfterAsSecondsOrAsAnHttpDate() {
    Instant now = Instant.parse("2026-11-24T10:00:00Z");
    assertThat(RetryRules.parseRetryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
    assertThat(RetryRules.parseRetryAfter(" 0 ", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryRules.parseRetryAfter("Tue, 24 Nov 2026 10:00:42 GMT", now))
        .isEqualTo(Duration.ofSeconds(42));
    assertThat(RetryRules.parseRetryAfter("Tue, 24 Nov 2026 09:00:00 GMT", now))
        .as("a date in the past means now")
        .isEqualTo(Duration.ZERO);
    assertThat(RetryRules.parseRetryAfter("99999999999999999999999", now)).isPositive();
    assertThat(RetryRules.parseRetryAfter("soon", now)).isNull();
    assertThat(RetryRules.parseRetryAfter("-5", now)).isNull();
    assertThat(RetryRules.parseRetryAfter(null, now)).isNull();
  }

  @Test
  void backoffDoublesFromTheMinimumUpToTheMaximumWithJitterThatNeverGoesBelowTheMinimum() {
    for (int i = 0; i < 1000; i++) {
      assertThat(defaults.backoff(0)).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1500));
      assertThat(defaults.backoff(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
      assertThat(defaults.backoff(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
      assertThat(defaults.backoff(10)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
      assertThat(defaults.backoff(Long.MAX_VALUE)).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void jitterSpreadsTheWaitsOfManyClients() {
    long distinct =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> defaults.backoff(3))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(50);
  }

  private static Mono<String> failing(AtomicInteger attempts, TokenException failure) {
    return Mono.defer(
        () -> {
          attempts.incrementAndGet();
          return Mono.error(failure);
        });
  }

  @Test
  void transientFailuresAreRetriedWithBackoffAndTheLastOneIsReportedWithTheAttemptCount() {
    AtomicInteger attempts = new AtomicInteger();
    TokenException down = new TokenException("HTTP 503", null, true);
    StepVerifier.withVirtualTime(() -> failing(attempts, down).retryWhen(defaults.retry("test")), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(999)) // the first wait is at least 1 s
        .then(() -> assertThat(attempts.get()).isEqualTo(1))
        .thenAwait(Duration.ofSeconds(1 + 3 + 6)) // the three waits are at most 1.5 + 3 + 6 s
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(TokenException.class)
                    .hasMessage("HTTP 503; gave up after 4 attempts")
                    .satisfies(t -> assertThat(((TokenException) t).isRetryable()).isTrue()))
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(4);
  }

  @Test
  void permanentFailuresAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    TokenEndpointException invalidClient =
        new TokenEndpointException("bad", 401, "invalid_client", null, null, null, false);
    StepVerifier.withVirtualTime(() -> failing(attempts, invalidClient).retryWhen(defaults.retry("test")), () -> time, Long.MAX_VALUE)
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(invalidClient))
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void retryAfterIsAFloorForTheNextWait() {
    AtomicInteger attempts = new AtomicInteger();
    TokenEndpointException throttled =
        new TokenEndpointException("429", 429, null, null, Duration.ofSeconds(20), null, true);
    Mono<String> source =
        Mono.defer(
            () ->
                attempts.incrementAndGet() == 1 ? Mono.error(throttled) : Mono.just("token"));
    StepVerifier.withVirtualTime(() -> source.retryWhen(defaults.retry("test")), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(19))
        .thenAwait(Duration.ofSeconds(1))
        .expectNext("token")
        .verifyComplete();
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void aRetryAfterLongerThanTheLimitFailsAtOnceWithTheWaitInTheError() {
    AtomicInteger attempts = new AtomicInteger();
    TokenEndpointException throttled =
        new TokenEndpointException("HTTP 429", 429, null, null, Duration.ofMinutes(10), "c-1", true);
    StepVerifier.withVirtualTime(() -> failing(attempts, throttled).retryWhen(defaults.retry("test")), () -> time, Long.MAX_VALUE)
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(TokenEndpointException.class)
                  .hasMessageContaining("retry after 10m")
                  .hasMessageContaining("maxRetryAfter (3m)");
              TokenEndpointException te = (TokenEndpointException) e;
              assertThat(te.retryAfter()).contains(Duration.ofMinutes(10));
              assertThat(te.statusCode()).isEqualTo(429);
              assertThat(te.correlationId()).isEqualTo("c-1");
            })
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void zeroRetriesReportsTheFirstFailureAsIs() {
    AtomicInteger attempts = new AtomicInteger();
    TokenException down = new TokenException("down", null, true);
    RetryRules none = new RetryRules(0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, time);
    StepVerifier.withVirtualTime(() -> failing(attempts, down).retryWhen(none.retry("test")), () -> time, Long.MAX_VALUE)
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(down))
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void theGenesysThrottleIsRetriedOverAboutItsMinuteWindowWithinTheRetryBudget() {
    AtomicInteger attempts = new AtomicInteger();
    TokenEndpointException throttled =
        new TokenEndpointException(
            "HTTP 400 invalid_request", 400, "invalid_request", "rate limit exceeded; slow down", null, null, true);
    StepVerifier.withVirtualTime(() -> failing(attempts, throttled).retryWhen(defaults.retry("test")), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        // Each of the three waits is at least 10 s (a third of maxBackoff)...
        .expectNoEvent(Duration.ofSeconds(9))
        .then(() -> assertThat(attempts.get()).isEqualTo(1))
        // ...and at most 30 s, so by 30 s the second attempt was made (a fourth would need three
        // waits of exactly 10 s each).
        .expectNoEvent(Duration.ofSeconds(21))
        .then(() -> assertThat(attempts.get()).isBetween(2, 3))
        .thenAwait(Duration.ofSeconds(60)) // all three within 90 s
        .expectErrorSatisfies(
            e -> assertThat(e).hasMessageContaining("gave up after 4 attempts"))
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(4);
  }

  @Test
  void throttleWaitsAreDrawnBetweenAThirdOfMaxBackoffAndMaxBackoff() {
    for (int i = 0; i < 1000; i++) {
      assertThat(defaults.throttleWait()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
    RetryRules narrow = new RetryRules(3, Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ZERO, time);
    assertThat(narrow.throttleWait()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));
  }
}

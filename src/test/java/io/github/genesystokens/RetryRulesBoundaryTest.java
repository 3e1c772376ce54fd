package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The edges of the retry rules: a {@code Retry-After} of exactly {@code maxRetryAfter}. */
class RetryRulesBoundaryTest {

  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

  private final RetryRules rules =
      new RetryRules(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(180), time);

  @Test
  void aRetryAfterOfExactlyMaxRetryAfterIsWaitedForNotGivenUpOn() {
    AtomicInteger attempts = new AtomicInteger();
    TokenEndpointException throttled =
        new TokenEndpointException("HTTP 429", 429, null, null, Duration.ofSeconds(180), null, true);
    Mono<String> source =
        Mono.defer(
            () -> attempts.incrementAndGet() == 1 ? Mono.error(throttled) : Mono.just("token"));

    StepVerifier.withVirtualTime(() -> source.retryWhen(rules.retry("test")), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(180).minusMillis(1))
        .thenAwait(Duration.ofMillis(1))
        .expectNext("token")
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void aJitterRangeOneNanosecondWideStillGivesAWaitWithinTheBounds() {
    RetryRules narrow =
        new RetryRules(3, Duration.ofNanos(2), Duration.ofNanos(3), Duration.ofSeconds(180), time);
    for (int i = 0; i < 100; i++) {
      assertThat(narrow.backoff(0)).isBetween(Duration.ofNanos(2), Duration.ofNanos(3));
    }
  }
}

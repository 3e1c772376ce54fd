package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.context.Context;

/**
 * The edges of the retry rules: a {@code Retry-After} of exactly {@code maxRetryAfter}, a throttle
 * wait of exactly the longest the callers wait out, jitter ranges one nanosecond wide.
 */
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

  @Test
  void aThrottleRangeOneNanosecondWideGivesBothOfItsWaits() {
    RetryRules narrow =
        new RetryRules(3, Duration.ofNanos(2), Duration.ofNanos(3), Duration.ofSeconds(180), time);
    Set<Duration> drawn = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      drawn.add(narrow.throttleWait());
    }
    assertThat(drawn).containsExactlyInAnyOrder(Duration.ofNanos(2), Duration.ofNanos(3));
  }

  /** The throttle's waiters are told when the wait, here exactly {@code wait}, is spent apart. */
  private TokenException toldOfAThrottleWaitOf(Duration wait) {
    RetryRules rules = new RetryRules(1, wait, wait, Duration.ofSeconds(180), time);
    TokenEndpointException throttled =
        new TokenEndpointException(
            "HTTP 400 invalid_request", 400, "invalid_request", "rate limit exceeded", null, null, true);
    AtomicReference<TokenException> told = new AtomicReference<>();
    Consumer<TokenException> waiters = told::set;
    AtomicInteger attempts = new AtomicInteger();
    Mono.defer(
            () -> {
              attempts.incrementAndGet();
              return Mono.<String>error(throttled);
            })
        .retryWhen(rules.retry("test"))
        .contextWrite(Context.of(RetryRules.THROTTLED, waiters))
        .subscribe(v -> {}, e -> {});
    time.advanceTimeBy(wait);
    assertThat(attempts.get()).as("the retry after the wait").isEqualTo(2);
    return told.get();
  }

  @Test
  void aThrottleWaitOfExactlyTheLongestForCallersIsWaitedOutByThem() {
    assertThat(toldOfAThrottleWaitOf(RetryRules.LONGEST_THROTTLE_WAIT_FOR_CALLERS)).isNull();
  }

  @Test
  void aThrottleWaitOneNanosecondLongerReleasesTheCallersAtOnce() {
    assertThat(toldOfAThrottleWaitOf(RetryRules.LONGEST_THROTTLE_WAIT_FOR_CALLERS.plusNanos(1)))
        .hasMessageContaining("the login service throttles token creation; trying again in")
        .satisfies(e -> assertThat(e.isRetryable()).isTrue());
  }
}

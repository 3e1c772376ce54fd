package io.github.genesystokens;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Stands in for the token request in cache tests: each fetch counts, takes {@code latency} of
 * (virtual) time, and then issues a numbered token or fails as scripted.
 */
final class FakeTokenEndpoint implements Supplier<Mono<IssuedToken>> {

  private final Clock clock;
  private final Scheduler scheduler;
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicInteger cancelled = new AtomicInteger();
  private final Deque<Throwable> scriptedFailures = new ArrayDeque<>();
  private volatile Duration lifetime = Duration.ofHours(24);
  private volatile Duration latency = Duration.ofMillis(100);
  private volatile Throwable failAlways;

  /** @param scheduler where the latency elapses: the test's virtual time, never a global swap */
  FakeTokenEndpoint(Clock clock, Scheduler scheduler) {
    this.clock = clock;
    this.scheduler = scheduler;
  }

  FakeTokenEndpoint lifetime(Duration lifetime) {
    this.lifetime = lifetime;
    return this;
  }

  FakeTokenEndpoint latency(Duration latency) {
    this.latency = latency;
    return this;
  }

  /** The next fetches fail with these, in order. */
  synchronized FakeTokenEndpoint thenFail(Throwable... failures) {
    for (Throwable failure : failures) {
      scriptedFailures.add(failure);
    }
    return this;
  }

  /** Every fetch fails with this until cleared with {@code null}. */
  FakeTokenEndpoint failAlways(Throwable failure) {
    this.failAlways = failure;
    return this;
  }

  int fetches() {
    return fetches.get();
  }

  int cancelled() {
    return cancelled.get();
  }

  private synchronized Throwable nextFailure() {
    Throwable always = failAlways;
    return always != null ? always : scriptedFailures.poll();
  }

  @Override
  public Mono<IssuedToken> get() {
    return Mono.defer(
        () -> {
          int n = fetches.incrementAndGet();
          var requestedAt = clock.instant();
          Throwable failure = nextFailure();
          Mono<IssuedToken> outcome =
              failure != null
                  ? Mono.error(failure)
                  : Mono.fromSupplier(
                      () ->
                          new IssuedToken(
                              new AccessToken(
                                  "token-" + n, "bearer", requestedAt.plus(lifetime)),
                              requestedAt));
          return Mono.delay(latency, scheduler).then(outcome).doOnCancel(cancelled::incrementAndGet);
        });
  }

  static TokenException transientFailure(String message) {
    return new TokenException(message, null, true);
  }
}

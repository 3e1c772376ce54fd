package io.github.genesystokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * The events of one fetch, delivered to each listener's {@link TokenListener.Fetch}: its token
 * requests, numbered and timed on the provider's clock, and its end.
 *
 * <p>The cache puts this object in the Reactor context of the fetch it subscribes; {@link
 * #eachAttempt(Mono)}, wrapped around the single token request before its retries, finds it there.
 * So the token request itself knows nothing of listeners, and a fetch without listeners has no
 * such object and no overhead.
 */
final class FetchEvents {

  private static final TokenListener.Fetch[] NOT_STARTED = new TokenListener.Fetch[0];

  private final Listeners owner;
  private final Clock clock;
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicBoolean ended = new AtomicBoolean();
  // Written by start(), before the fetch is subscribed; read by the fetch's own callbacks after.
  private volatile TokenListener.Fetch[] fetches = NOT_STARTED;
  private volatile Instant startedAt;

  FetchEvents(Listeners owner, Clock clock) {
    this.owner = owner;
    this.clock = clock;
  }

  /**
   * Tells the listeners that this fetch started. Called by the one thread whose compare-and-set
   * made it the fetch in flight, before it is subscribed: the losers of that race never report.
   * (A {@code close()} in the instant between the two finds no listener to tell yet; that fetch's
   * end is then not reported.)
   */
  void start(TokenListener.Trigger trigger) {
    startedAt = clock.instant();
    fetches = owner.fetchStarted(trigger);
  }

  /**
   * One token request, observed: each subscription (the first and every retry) is one attempt of
   * the fetch in whose context it runs, reported when it ends with a token or a failure.
   */
  static Mono<IssuedToken> eachAttempt(Mono<IssuedToken> attempt) {
    return Mono.deferContextual(
        context -> {
          FetchEvents events = context.getOrDefault(FetchEvents.class, null);
          return events == null ? attempt : events.observe(attempt);
        });
  }

  private Mono<IssuedToken> observe(Mono<IssuedToken> attempt) {
    int number = attempts.incrementAndGet();
    Instant sentAt = clock.instant();
    return attempt
        .doOnNext(issued -> requestSucceeded(number, since(sentAt)))
        .doOnError(error -> requestFailed(number, since(sentAt), error));
  }

  private Duration since(Instant from) {
    return Duration.between(from, clock.instant());
  }

  private void requestSucceeded(int number, Duration duration) {
    TokenListener.Fetch[] fetches = this.fetches;
    for (int i = 0; i < fetches.length; i++) {
      try {
        fetches[i].onRequestSucceeded(number, duration);
      } catch (Throwable e) {
        owner.failed(i, "onRequestSucceeded", e);
      }
    }
  }

  private void requestFailed(int number, Duration duration, Throwable error) {
    TokenException failure =
        error instanceof TokenException
            ? (TokenException) error
            : new TokenException("token request failed: " + error, error, false);
    TokenListener.Fetch[] fetches = this.fetches;
    for (int i = 0; i < fetches.length; i++) {
      try {
        fetches[i].onRequestFailed(number, duration, failure);
      } catch (Throwable e) {
        owner.failed(i, "onRequestFailed", e);
      }
    }
  }

  /** The fetch ended with a token; only the first end of a fetch is reported. */
  void issued(IssuedToken issued) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    TokenListener.Fetch[] fetches = this.fetches;
    Duration duration = since(startedAt);
    int count = attempts.get();
    for (int i = 0; i < fetches.length; i++) {
      try {
        fetches[i].onIssued(issued.token().expiresAt(), issued.lifetime(), count, duration);
      } catch (Throwable e) {
        owner.failed(i, "onIssued", e);
      }
    }
  }

  /** The fetch ended without a token (or was cut short by close()). */
  void failed(TokenException failure) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    TokenListener.Fetch[] fetches = this.fetches;
    if (fetches == NOT_STARTED) {
      return;
    }
    Duration duration = since(startedAt);
    int count = attempts.get();
    for (int i = 0; i < fetches.length; i++) {
      try {
        fetches[i].onFailed(failure, count, duration);
      } catch (Throwable e) {
        owner.failed(i, "onFailed", e);
      }
    }
  }
}

package io.github.genesystokens;

import io.github.genesystokens.RefreshPolicy.CacheState;
import io.github.genesystokens.TokenListener.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.Context;

/**
 * The token cache: FRESH/STALE/EXPIRED serving, single-flight fetching, compare-and-invalidate,
 * the failure cooldown and the refresh timer.
 *
 * <p>All state is one immutable {@link State} behind an {@link AtomicReference}; every transition
 * is a compare-and-set, so there is no lock and no thread of our own. At most one fetch exists at a
 * time: a fetch is started only by the compare-and-set that moves the state from "no fetch" to
 * "this fetch", and only that fetch's completion moves it back. Waiters subscribe to the fetch's
 * {@link CompletableFuture}, not to the request itself, so a waiter that cancels leaves the request
 * running for the others, and its result is cached all the same.
 *
 * <p>Why a {@code CompletableFuture} and not a {@code Sinks.One}: adding a waiter to a future is a
 * constant-time push, where a sink copies its array of subscribers on every add, which is
 * quadratic in a herd of ten thousand. Waiters resume on the thread that completes the fetch (the
 * event loop that read the reply), as they would with a sink.
 *
 * <p>Logging: a failure episode (the fetches that fail between two successes) is logged once at
 * WARN when it starts and once at INFO when a token ends it; everything else at DEBUG, so that an
 * outage does not log once per fetch, per retry or per caller.
 */
final class TokenCache {

  private static final Logger log = Loggers.getLogger(TokenCache.class);

  private final Supplier<Mono<IssuedToken>> fetcher;
  private final RefreshPolicy policy;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Duration failureCooldown;
  private final String name;
  private final Runnable onClose;
  /** The listeners, or {@code null} when there are none: the hot path's only extra cost. */
  private final Listeners listeners;

  private final AtomicReference<State> state = new AtomicReference<>(State.EMPTY);
  private final Disposable.Swap timer = Disposables.swap();
  private final Disposable.Swap request = Disposables.swap();
  private final Mono<AccessToken> token = Mono.defer(this::current);

  /**
   * @param fetcher one token request, retries included; subscribed once per fetch
   * @param scheduler runs the refresh timer
   * @param name what the logs and errors call this cache (endpoint and client id, no secret)
   * @param onClose releases what the owner created, run once by {@link #close()}
   */
  TokenCache(
      Supplier<Mono<IssuedToken>> fetcher,
      RefreshPolicy policy,
      Clock clock,
      Scheduler scheduler,
      Duration failureCooldown,
      String name,
      Runnable onClose) {
    this(fetcher, policy, clock, scheduler, failureCooldown, name, onClose, null);
  }

  /**
   * @param listeners told of every fetch, hit, invalidation, replay and close; {@code null} for
   *     none
   */
  TokenCache(
      Supplier<Mono<IssuedToken>> fetcher,
      RefreshPolicy policy,
      Clock clock,
      Scheduler scheduler,
      Duration failureCooldown,
      String name,
      Runnable onClose,
      Listeners listeners) {
    this.listeners = listeners;
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.failureCooldown = Objects.requireNonNull(failureCooldown, "failureCooldown");
    this.name = Objects.requireNonNull(name, "name");
    this.onClose = Objects.requireNonNull(onClose, "onClose");
  }

  /** See {@link io.github.genesystokens.TokenProvider#token()}. */
  Mono<AccessToken> token() {
    return token;
  }

  /**
   * The hot path, kept small so that it inlines into the caller's subscription and the clock's
   * {@code Instant} does not escape: a FRESH token, one state read, one clock read, no allocation.
   * Everything else is {@link #slowPath()}.
   */
  private Mono<AccessToken> current() {
    CachedToken cached = state.get().cached; // null when closed, empty or invalidated
    if (cached != null && clock.instant().isBefore(cached.staleAt())) {
      if (listeners != null) {
        listeners.cacheHit();
      }
      return cached.mono();
    }
    return slowPath();
  }

  private Mono<AccessToken> slowPath() {
    for (; ; ) {
      State s = state.get();
      if (s.closed) {
        return Mono.error(closedError());
      }
      Instant now = clock.instant();
      CachedToken cached = s.cached;
      if (cached != null) {
        CacheState phase = cached.stateAt(now);
        if (phase == CacheState.FRESH) {
          if (listeners != null) {
            listeners.cacheHit();
          }
          return cached.mono();
        }
        if (phase == CacheState.STALE) {
          refreshInBackground(Trigger.REFRESH_AHEAD);
          if (listeners != null) {
            listeners.cacheHit();
          }
          return cached.mono();
        }
      }
      if (s.fetch != null) {
        return await(s.fetch);
      }
      if (s.coolingDownAt(now)) {
        return s.failureMono;
      }
      Trigger trigger =
          cached != null ? Trigger.EXPIRED : s.invalidated ? Trigger.INVALIDATED : Trigger.FIRST_USE;
      State next = s.withFetch(new CompletableFuture<>(), newFetchEvents());
      if (state.compareAndSet(s, next)) {
        log.debug("{}: no usable token ({}), requesting one", name, trigger);
        launch(next, trigger);
        return await(next.fetch);
      }
    }
  }

  /**
   * Starts a background fetch if the cached token is no longer FRESH and no fetch or cooldown is
   * under way. Callers are served the cached token meanwhile.
   *
   * @param trigger a caller's {@link Trigger#REFRESH_AHEAD}, or the {@link Trigger#TIMER}
   * @return whether this call started a fetch
   */
  private boolean refreshInBackground(Trigger trigger) {
    for (; ; ) {
      State s = state.get();
      if (s.closed || s.fetch != null || s.cached == null) {
        return false;
      }
      Instant now = clock.instant();
      if (s.cached.stateAt(now) == CacheState.FRESH || s.coolingDownAt(now)) {
        return false;
      }
      State next = s.withFetch(new CompletableFuture<>(), newFetchEvents());
      if (state.compareAndSet(s, next)) {
        log.debug(
            "{}: refreshing ahead of expiry at {} ({})", name, s.cached.token().expiresAt(), trigger);
        launch(next, trigger);
        return true;
      }
    }
  }

  /** A waiter of {@code fetch}: cancelling it leaves the fetch alone. */
  private static Mono<AccessToken> await(CompletableFuture<AccessToken> fetch) {
    return Mono.fromFuture(fetch, true);
  }

  /**
   * The events of a fetch that may start, or {@code null} without listeners. Listeners hear of it
   * only in {@link #launch}, so a compare-and-set that loses reports nothing.
   */
  private FetchEvents newFetchEvents() {
    return listeners == null ? null : listeners.newFetch(clock);
  }

  private void launch(State started, Trigger trigger) {
    CompletableFuture<AccessToken> fetch = started.fetch;
    FetchEvents events = started.events;
    Mono<IssuedToken> attempts = Mono.defer(fetcher);
    if (events != null) {
      events.start(trigger);
      // FetchEvents.eachAttempt, around the single token request, finds the fetch's events here.
      attempts = attempts.contextWrite(Context.of(FetchEvents.class, events));
    }
    Disposable subscription =
        attempts
            // A fetch that completed empty would leave its waiters waiting forever.
            .switchIfEmpty(Mono.error(this::endedWithoutReply))
            .subscribe(
                issued -> onIssued(fetch, events, issued),
                error -> onFailed(fetch, events, error));
    // A fetch that completed synchronously is already disposed; holding it until the next one
    // replaces it is harmless. close() disposes whatever is held, cancelling a running request.
    request.update(subscription);
  }

  private void onIssued(
      CompletableFuture<AccessToken> fetch, FetchEvents events, IssuedToken issued) {
    CachedToken cached = policy.schedule(issued);
    State next = State.holding(cached);
    State previous;
    for (; ; ) {
      previous = state.get();
      if (previous.closed) {
        return; // close() has already failed the waiters
      }
      if (state.compareAndSet(previous, next)) {
        break;
      }
    }
    if (previous.failure != null) {
      log.info(
          "{}: token request succeeded again, after failures since {}; new token expires at {}",
          name,
          previous.failureSince,
          cached.token().expiresAt());
    } else {
      log.debug(
          "{}: new token, expires at {}, refresh from {}",
          name,
          cached.token().expiresAt(),
          cached.staleAt());
    }
    if (events != null) {
      events.issued(issued);
    }
    fetch.complete(cached.token());
    scheduleTimer(next);
  }

  private void onFailed(CompletableFuture<AccessToken> fetch, FetchEvents events, Throwable error) {
    TokenException failure = asTokenException(error);
    Instant now = clock.instant();
    Instant retryNotBefore = now.plus(cooldownFor(failure));
    State next;
    State previous;
    for (; ; ) {
      previous = state.get();
      if (previous.closed) {
        return;
      }
      next = previous.failed(failure, now, retryNotBefore);
      if (state.compareAndSet(previous, next)) {
        break;
      }
    }
    // One WARN when a failure episode starts; the fetches that fail after it, until a success,
    // at DEBUG: an outage must not log once per cooldown for hours.
    boolean episodeStarts = previous.failure == null;
    if (next.cached != null && next.cached.stateAt(now) != CacheState.EXPIRED) {
      // The failure's message names the client and the endpoint already.
      String line =
          "refresh failed; still serving the current token until {}, next attempt after {}: {}";
      if (episodeStarts) {
        log.warn(line, next.cached.expiredAt(), retryNotBefore, failure.getMessage());
      } else {
        log.debug(line, next.cached.expiredAt(), retryNotBefore, failure.getMessage());
      }
    } else if (episodeStarts) {
      log.warn("token request failed: {}", failure.getMessage());
    } else {
      log.debug("token request failed again: {}", failure.getMessage());
    }
    if (events != null) {
      events.failed(failure);
    }
    fetch.completeExceptionally(failure);
    scheduleTimer(next);
  }

  /**
   * A server that asked for a longer wait with {@code Retry-After} is not asked again before
   * then, even by a caller after the cooldown.
   */
  private Duration cooldownFor(TokenException failure) {
    if (failure instanceof TokenEndpointException) {
      Duration asked = ((TokenEndpointException) failure).retryAfter().orElse(Duration.ZERO);
      if (asked.compareTo(failureCooldown) > 0) {
        return asked;
      }
    }
    return failureCooldown;
  }

  /**
   * Wakes up when the cached token turns STALE, or when a failed refresh may be tried again while
   * the token is still valid, so the refresh happens even when nobody calls. An outdated wake-up
   * (a newer token arrived meanwhile) only re-reads the state and schedules the right one.
   */
  private void scheduleTimer(State s) {
    Instant wakeAt = nextWake(s);
    if (wakeAt == null) {
      return;
    }
    long delayNanos = Math.max(0, Duration.between(clock.instant(), wakeAt).toNanos());
    try {
      timer.update(scheduler.schedule(this::onTimer, delayNanos, TimeUnit.NANOSECONDS));
    } catch (RuntimeException rejected) {
      // The scheduler was shut down (application shutdown): callers still refresh on demand.
      log.debug("{}: could not schedule the background refresh: {}", name, rejected.toString());
    }
  }

  private static Instant nextWake(State s) {
    if (s.closed || s.fetch != null || s.cached == null) {
      return null;
    }
    if (s.failure != null && s.retryNotBefore.isAfter(s.cached.staleAt())) {
      return s.retryNotBefore.isBefore(s.cached.expiredAt()) ? s.retryNotBefore : null;
    }
    return s.cached.staleAt();
  }

  private void onTimer() {
    if (!refreshInBackground(Trigger.TIMER)) {
      State s = state.get();
      if (s.cached != null && s.fetch == null && !s.closed) {
        Instant now = clock.instant();
        // Only re-arm for a future instant: a timer that found nothing to do now must not spin.
        Instant wakeAt = nextWake(s);
        if (wakeAt != null && wakeAt.isAfter(now)) {
          scheduleTimer(s);
        }
      }
    }
  }

  /** See {@link io.github.genesystokens.TokenProvider#invalidate(AccessToken)}. */
  void invalidate(AccessToken rejected) {
    Objects.requireNonNull(rejected, "rejected token must not be null");
    for (; ; ) {
      State s = state.get();
      if (s.closed || s.cached == null || !s.cached.token().equals(rejected)) {
        // already replaced or dropped: someone else got here first
        if (listeners != null) {
          listeners.invalidation(false);
        }
        return;
      }
      if (state.compareAndSet(s, s.withoutToken())) {
        log.debug("{}: token rejected by a resource server, dropped from the cache", name);
        if (listeners != null) {
          listeners.invalidation(true);
        }
        return;
      }
    }
  }

  /** See {@link io.github.genesystokens.TokenProvider#reportReplay(boolean)}. */
  void replayed(boolean recovered) {
    if (listeners != null) {
      listeners.replay(recovered);
    }
  }

  /** See {@link io.github.genesystokens.TokenProvider#status()}: one read of the state. */
  TokenStatus status() {
    State s = state.get();
    if (s.closed) {
      return new TokenStatus(TokenStatus.Phase.CLOSED, null, false, null, null, null);
    }
    Instant now = clock.instant();
    TokenStatus.Phase phase = TokenStatus.Phase.EMPTY;
    Instant expiresAt = null;
    if (s.cached != null) {
      phase = TokenStatus.Phase.valueOf(s.cached.stateAt(now).name());
      expiresAt = s.cached.token().expiresAt();
    }
    Instant nextAttemptAt = null;
    if (s.fetch == null) {
      if (s.coolingDownAt(now)) {
        nextAttemptAt = s.retryNotBefore;
      } else if (phase == TokenStatus.Phase.FRESH) {
        nextAttemptAt = s.cached.staleAt();
      } else {
        nextAttemptAt = now;
      }
    }
    return new TokenStatus(
        phase, expiresAt, s.fetch != null, s.failure, s.failure == null ? null : s.failureAt, nextAttemptAt);
  }

  /** See {@link io.github.genesystokens.TokenProvider#close()}. */
  void close() {
    State s;
    do {
      s = state.get();
      if (s.closed) {
        return;
      }
    } while (!state.compareAndSet(s, State.CLOSED));
    timer.dispose();
    request.dispose();
    if (s.fetch != null) {
      TokenException closed = closedError();
      if (s.events != null) {
        s.events.failed(closed);
      }
      s.fetch.completeExceptionally(closed);
    }
    onClose.run();
    if (listeners != null) {
      listeners.closed();
    }
    log.debug("{}: closed", name);
  }

  /** The phase of the cached token now, for {@code toString()}; never the token itself. */
  String describe() {
    State s = state.get();
    if (s.closed) {
      return "closed";
    }
    if (s.cached == null) {
      return s.fetch != null ? "fetching" : "empty";
    }
    return s.cached.stateAt(clock.instant()) + " until " + s.cached.token().expiresAt();
  }

  private TokenException endedWithoutReply() {
    return new TokenException(name + ": the token request ended without a reply", null, true);
  }

  private TokenException closedError() {
    return new TokenException("token provider for " + name + " is closed");
  }

  private TokenException asTokenException(Throwable error) {
    if (error instanceof TokenException) {
      return (TokenException) error;
    }
    return new TokenException(
        "token request for " + name + " failed unexpectedly: " + error, error, false);
  }

  /** One immutable snapshot of the cache. */
  private static final class State {

    static final State EMPTY = new State(null, null, null, null, null, null, null, false, false);
    static final State CLOSED = new State(null, null, null, null, null, null, null, false, true);

    /** The last token, possibly expired; null when none was issued or it was invalidated. */
    final CachedToken cached;
    /** The fetch in flight, or null. */
    final CompletableFuture<AccessToken> fetch;
    /** The listeners' view of the fetch in flight, or null (no fetch, or no listeners). */
    final FetchEvents events;
    /** The last failed fetch, until a fetch succeeds. */
    final TokenException failure;
    /** When {@link #failure} happened. */
    final Instant failureAt;
    /** When the first failure since the last success happened: the start of the episode. */
    final Instant failureSince;

    final Mono<AccessToken> failureMono;
    final Instant retryNotBefore;
    /** Whether {@link #cached} is null because the last token was invalidated. */
    final boolean invalidated;
    final boolean closed;

    private State(
        CachedToken cached,
        CompletableFuture<AccessToken> fetch,
        FetchEvents events,
        TokenException failure,
        Instant failureAt,
        Instant failureSince,
        Instant retryNotBefore,
        boolean invalidated,
        boolean closed) {
      this.cached = cached;
      this.fetch = fetch;
      this.events = events;
      this.failure = failure;
      this.failureAt = failureAt;
      this.failureSince = failureSince;
      this.failureMono = failure == null ? null : Mono.error(failure);
      this.retryNotBefore = retryNotBefore;
      this.invalidated = invalidated;
      this.closed = closed;
    }

    static State holding(CachedToken cached) {
      return new State(cached, null, null, null, null, null, null, false, false);
    }

    State withFetch(CompletableFuture<AccessToken> next, FetchEvents nextEvents) {
      return new State(
          cached, next, nextEvents, failure, failureAt, failureSince, retryNotBefore, invalidated, false);
    }

    State withoutToken() {
      return new State(
          null, fetch, events, failure, failureAt, failureSince, retryNotBefore, true, false);
    }

    State failed(TokenException error, Instant at, Instant until) {
      return new State(
          cached,
          null,
          null,
          error,
          at,
          failure == null ? at : failureSince,
          until,
          invalidated,
          false);
    }

    boolean coolingDownAt(Instant now) {
      return failure != null && now.isBefore(retryNotBefore);
    }
  }
}

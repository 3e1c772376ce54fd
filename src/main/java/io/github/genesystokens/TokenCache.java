package io.github.genesystokens;

import io.github.genesystokens.RefreshPolicy.CacheState;
import io.github.genesystokens.TokenListener.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongFunction;
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
 * quadratic in a herd of ten thousand.
 *
 * <p>Waiters resume on the injected {@link Scheduler}, each one a task of its own, not on the
 * thread that completes the fetch: completing the future runs every waiter on that thread (the
 * event loop that read the reply), and a herd of a thousand then sent its API calls one after
 * another from it, each new connection registered on that same event loop. On {@code
 * Schedulers.parallel()} the tasks go round-robin over its workers. Only waiters pay for the hop;
 * a caller served a cached token never waits and never hops. A {@code VirtualTimeScheduler} runs a
 * task without delay at once, so tests in virtual time still see waiters resume synchronously.
 *
 * <p>Recovery probe: when a fetch fails transiently and no usable token is left during the
 * cooldown, callers are refused with the failure until it ends, as before; but on the backoff
 * schedule of the retry rules (step {@code n} waits {@code backoff(n)} after the last failure, or
 * after the moment the token served meanwhile expired or was invalidated, and never less than a
 * {@code Retry-After} after the failure) the cache sends one request of its own, a probe, if a
 * caller was refused since the last request. A probe that gets a token ends the cooldown at once;
 * one that fails leaves the end of the cooldown where it was (or later, for a longer {@code
 * Retry-After}). Non-retryable failures ({@code invalid_client}) and the Genesys throttle are
 * never probed. See docs/design.md, "Recovery probe".
 *
 * <p>Throttled fetches: when the retry rules go into a long wait of the Genesys throttle, they tell
 * the fetch's waiters at once (through the Reactor context, {@link RetryRules#THROTTLED}), while the
 * fetch goes on; see {@code releaseWaiters}.
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
  /** The wait before recovery probe {@code n} (0-based), or {@code null}: no probes. */
  private final LongFunction<Duration> probeBackoff;

  /**
   * Whether a caller was refused with a cached failure since the last fetch started: a probe is
   * sent only then. Written by refused callers (read first, so a cooldown under load does not
   * write it per call) and cleared by {@link #launch}; a lost update costs or saves one probe at
   * most, never a second request at once.
   */
  private volatile boolean refusedSinceLastRequest;

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
    this(fetcher, policy, clock, scheduler, failureCooldown, name, onClose, listeners, null);
  }

  /**
   * @param probeBackoff the wait before recovery probe {@code n} (0-based): the retry rules'
   *     jittered backoff; {@code null} for no recovery probes
   */
  TokenCache(
      Supplier<Mono<IssuedToken>> fetcher,
      RefreshPolicy policy,
      Clock clock,
      Scheduler scheduler,
      Duration failureCooldown,
      String name,
      Runnable onClose,
      Listeners listeners,
      LongFunction<Duration> probeBackoff) {
    this.listeners = listeners;
    this.probeBackoff = probeBackoff;
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
      if (cached != null && cached.stateAt(now) != CacheState.EXPIRED) {
        // STALE, or FRESH again (a fetch stored a token, or the clock went back, since the hot
        // path's read): served either way; refreshInBackground leaves a FRESH token alone.
        refreshInBackground(Trigger.REFRESH_AHEAD);
        if (listeners != null) {
          listeners.cacheHit();
        }
        return cached.mono();
      }
      if (s.fetch != null && !s.probing) {
        return await(s.fetch);
      }
      if (s.coolingDownAt(now)) {
        // A probe in flight does not hold refused callers: the cooldown promises a quick answer.
        if (!refusedSinceLastRequest) {
          refusedSinceLastRequest = true;
        }
        return s.failureMono;
      }
      if (s.fetch != null) {
        return await(s.fetch); // a probe that outlasted the cooldown: it is the one fetch
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
   */
  private void refreshInBackground(Trigger trigger) {
    for (; ; ) {
      State s = state.get();
      if (s.closed || s.fetch != null || s.cached == null) {
        return;
      }
      Instant now = clock.instant();
      if (s.cached.stateAt(now) == CacheState.FRESH || s.coolingDownAt(now)) {
        return;
      }
      State next = s.withFetch(new CompletableFuture<>(), newFetchEvents());
      if (state.compareAndSet(s, next)) {
        log.debug(
            "{}: refreshing ahead of expiry at {} ({})", name, s.cached.token().expiresAt(), trigger);
        launch(next, trigger);
        return;
      }
    }
  }

  /**
   * A waiter of {@code fetch}: cancelling it leaves the fetch alone. It resumes on the scheduler,
   * not on the thread that completes the fetch (see the class comment).
   */
  private Mono<AccessToken> await(CompletableFuture<AccessToken> fetch) {
    return Mono.fromFuture(fetch, true)
        .publishOn(scheduler)
        // A scheduler disposed under the provider (an application shutting down) refuses the
        // hop: the caller gets a TokenException that says so, not Reactor's rejection.
        .onErrorMap(RejectedExecutionException.class, this::schedulerRefused);
  }

  private TokenException schedulerRefused(RejectedExecutionException rejected) {
    return new TokenException(
        "token provider for " + name + ": its scheduler refused to resume a waiting caller (was it"
            + " disposed?)",
        rejected,
        false);
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
    refusedSinceLastRequest = false;
    if (started.probing) {
      // One request, not a fetch's retries: the probes themselves are on the backoff schedule.
      attempts = attempts.contextWrite(Context.of(RetryRules.SINGLE_ATTEMPT, Boolean.TRUE));
    }
    // In the Genesys throttle's long waits, the waiters are answered at once; see releaseWaiters.
    Consumer<TokenException> releaseWaiters = throttled -> releaseWaiters(fetch, throttled);
    attempts = attempts.contextWrite(Context.of(RetryRules.THROTTLED, releaseWaiters));
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

  /**
   * Answers the callers waiting for {@code fetch} with {@code throttled}, while the fetch itself
   * goes on: callers that come before it ends get the same answer at once (they await the same,
   * now completed, future), and the fetch's token, when it comes, is cached as usual. The fetch
   * stays single: no caller starts another while it runs.
   */
  private void releaseWaiters(CompletableFuture<AccessToken> fetch, TokenException throttled) {
    // At the fetch's first long wait this answers its waiters; at a later one they have their
    // answer already and this does nothing.
    fetch.completeExceptionally(throttled);
    log.debug("{}: token creation throttled; waiters answered, retrying in the background", name);
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
    Duration asked = retryAfterOf(failure);
    Instant retryNotBefore;
    State next;
    State previous;
    for (; ; ) {
      previous = state.get();
      if (previous.closed) {
        return;
      }
      // A failed probe leaves the cooldown's end where it was, unless the server asks for longer.
      boolean probe = previous.probing && previous.retryNotBefore != null;
      retryNotBefore = now.plus(cooldownFor(failure));
      if (probe) {
        Instant asks = now.plus(asked);
        retryNotBefore = asks.isAfter(previous.retryNotBefore) ? asks : previous.retryNotBefore;
      }
      int probes = probe ? previous.probes + 1 : 0;
      // A token still usable now is served until its expiry: the probe's schedule starts there.
      CachedToken kept = previous.cached;
      Instant from = kept != null && kept.expiredAt().isAfter(now) ? kept.expiredAt() : now;
      Instant nextProbe = probeAt(failure, now, from, probes, retryNotBefore);
      next = previous.failed(failure, now, retryNotBefore, probes, nextProbe);
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
    Duration asked = retryAfterOf(failure);
    return asked.compareTo(failureCooldown) > 0 ? asked : failureCooldown;
  }

  private static Duration retryAfterOf(TokenException failure) {
    return failure instanceof TokenEndpointException
        ? ((TokenEndpointException) failure).retryAfter().orElse(Duration.ZERO)
        : Duration.ZERO;
  }

  /**
   * When the next recovery probe may go, or {@code null} for none: only after a transient failure
   * other than the Genesys throttle, step {@code step} of the backoff after {@code from} (the
   * failure, or the later instant from which no usable token is left: the expiry of the token
   * served meanwhile, its invalidation), never before the failure's {@code Retry-After}, and only
   * before the cooldown ends (after it, callers start a fetch themselves, or the timer refreshes).
   */
  private Instant probeAt(
      TokenException failure, Instant failedAt, Instant from, int step, Instant cooldownEnd) {
    if (probeBackoff == null
        || failure == null
        || !failure.isRetryable()
        // The throttle's window is about a minute, and the fetch has just spent its retries
        // spanning it: a probe on the short backoff would only press on it.
        || RetryRules.isThrottle(failure)) {
      return null;
    }
    // Never counted from before the failure: a wall clock set back makes an invalidation's
    // instant read earlier than the failure it follows.
    Instant at = (from.isBefore(failedAt) ? failedAt : from).plus(probeBackoff.apply(step));
    Instant asked = failedAt.plus(retryAfterOf(failure));
    if (asked.isAfter(at)) {
      at = asked;
    }
    return at.isBefore(cooldownEnd) ? at : null;
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
    if (s.closed || s.fetch != null) {
      return null;
    }
    if (s.probeAt != null) {
      // Set only when no usable token is left before the cooldown ends: no refresh to wake for.
      return s.probeAt;
    }
    if (s.cached == null) {
      return null;
    }
    if (s.failure != null && s.retryNotBefore.isAfter(s.cached.staleAt())) {
      return s.retryNotBefore.isBefore(s.cached.expiredAt()) ? s.retryNotBefore : null;
    }
    return s.cached.staleAt();
  }

  private void onTimer() {
    if (state.get().probeAt != null) {
      probe();
      return;
    }
    refreshInBackground(Trigger.TIMER);
    // Re-armed when the refresh did not start (it was not due yet, or a cooldown lasts): a fetch
    // in flight, or a closed cache, has no wake-up, and a fetch that already ended armed the same
    // one. Only for a future instant: a timer that found nothing to do now must not spin.
    State s = state.get();
    Instant wakeAt = nextWake(s);
    if (wakeAt != null && wakeAt.isAfter(clock.instant())) {
      scheduleTimer(s);
    }
  }

  /**
   * The recovery probe's step: one request if a caller was refused since the last one, else none
   * and a timer for the next step. The cooldown's end is not moved: a probe can only end it early.
   */
  private void probe() {
    for (; ; ) {
      State s = state.get();
      if (s.closed || s.fetch != null || s.probeAt == null) {
        return;
      }
      Instant now = clock.instant();
      if (now.isBefore(s.probeAt)) {
        scheduleTimer(s); // woken early (the clock was set back): not before the step's instant
        return;
      }
      if (!s.coolingDownAt(now)) {
        return; // the cooldown is over: the next caller fetches
      }
      // No usable token is cached here: a step's instant is not before the expiry of the token it
      // was armed with (see probeAt), a new token clears it, and the clock is past it (above).
      if (!refusedSinceLastRequest) {
        // Nobody is waiting for a token: no request at this step, but keep the schedule, so that
        // a caller refused later is answered at the next step, not at the cooldown's end.
        int step = s.probes + 1;
        Instant at = now.plus(probeBackoff.apply(step));
        State next = s.withProbe(step, at.isBefore(s.retryNotBefore) ? at : null);
        if (state.compareAndSet(s, next)) {
          scheduleTimer(next);
          return;
        }
        continue;
      }
      State next = s.withProbeFetch(new CompletableFuture<>(), newFetchEvents());
      if (state.compareAndSet(s, next)) {
        log.debug("{}: probing the login service during the cooldown (step {})", name, s.probes);
        launch(next, Trigger.RECOVERY);
        return;
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
      State next = s.withoutToken();
      Instant now = clock.instant();
      if (s.cached.stateAt(now) != CacheState.EXPIRED) {
        // In a cooldown, its recovery probe was timed for this token's expiry: no usable token
        // is left from now on, so the schedule starts now (none outside a cooldown, see probeAt).
        next =
            next.withProbe(
                s.probes, probeAt(s.failure, s.failureAt, now, s.probes, s.retryNotBefore));
      }
      if (state.compareAndSet(s, next)) {
        log.debug("{}: token rejected by a resource server, dropped from the cache", name);
        scheduleTimer(next); // the probe's step, if one is due; nothing else without a token
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
        nextAttemptAt = s.probeAt != null ? s.probeAt : s.retryNotBefore;
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

    static final State EMPTY =
        new State(null, null, null, null, null, null, null, 0, null, false, false, false);
    static final State CLOSED =
        new State(null, null, null, null, null, null, null, 0, null, false, false, true);

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
    /** The recovery probes sent (or steps passed) since the cooldown began. */
    final int probes;
    /** When the next recovery probe is due, or null for none. */
    final Instant probeAt;
    /** Whether {@link #fetch} is a recovery probe: callers in the cooldown are not held by it. */
    final boolean probing;
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
        int probes,
        Instant probeAt,
        boolean probing,
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
      this.probes = probes;
      this.probeAt = probeAt;
      this.probing = probing;
      this.invalidated = invalidated;
      this.closed = closed;
    }

    static State holding(CachedToken cached) {
      return new State(cached, null, null, null, null, null, null, 0, null, false, false, false);
    }

    State withFetch(CompletableFuture<AccessToken> next, FetchEvents nextEvents) {
      return fetching(next, nextEvents, false);
    }

    State withProbeFetch(CompletableFuture<AccessToken> next, FetchEvents nextEvents) {
      return fetching(next, nextEvents, true);
    }

    /** This state with a fetch in flight, an ordinary one or a recovery probe. */
    private State fetching(
        CompletableFuture<AccessToken> next, FetchEvents nextEvents, boolean probe) {
      return new State(
          cached,
          next,
          nextEvents,
          failure,
          failureAt,
          failureSince,
          retryNotBefore,
          probes,
          null,
          probe,
          invalidated,
          false);
    }

    State withProbe(int step, Instant at) {
      return new State(
          cached,
          fetch,
          events,
          failure,
          failureAt,
          failureSince,
          retryNotBefore,
          step,
          at,
          probing,
          invalidated,
          false);
    }

    State withoutToken() {
      return new State(
          null,
          fetch,
          events,
          failure,
          failureAt,
          failureSince,
          retryNotBefore,
          probes,
          probeAt,
          probing,
          true,
          false);
    }

    State failed(
        TokenException error, Instant at, Instant until, int probesSent, Instant nextProbeAt) {
      return new State(
          cached,
          null,
          null,
          error,
          at,
          failure == null ? at : failureSince,
          until,
          probesSent,
          nextProbeAt,
          false,
          invalidated,
          false);
    }

    boolean coolingDownAt(Instant now) {
      return failure != null && now.isBefore(retryNotBefore);
    }
  }
}

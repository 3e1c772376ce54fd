package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The cache's promises over random schedules, in virtual time: random replies of the login service
 * (tokens living 2 s to 48 h, 429 with and without {@code Retry-After}, 5xx, the throttle, {@code
 * invalid_client}, malformed bodies, stalls), random outages, clock jumps forward and back,
 * invalidations of the current and of old tokens, herds of callers and callers that cancel. After
 * every step:
 *
 * <ul>
 *   <li>at most one token request is in flight, and at most one fetch;
 *   <li>no caller is served a cached token at or after its EXPIRED point (the callers who waited for
 *       a fetch get the token it brought, even when the clock jumped forward meanwhile: the server
 *       has just issued it, so only the cache's estimate of its expiry is behind);
 *   <li>no fetch starts while the cached token is FRESH, nor while a failure cooldown lasts (the
 *       configured cooldown, or a longer {@code Retry-After}), except a recovery probe;
 *   <li>a recovery probe starts only within a cooldown after a retryable failure, with no usable
 *       token (none, or an expired one), never before that failure's {@code Retry-After}, and one
 *       backoff step at the soonest after the last failure, or after the moment no usable token
 *       was left when that is later (the expiry of the token served through the cooldown, or its
 *       invalidation): step {@code n} (the probes since the cooldown began) waits at least {@code
 *       max(minBackoff, min(minBackoff * 2^n, maxBackoff) / 2)}; a probe makes one request; its
 *       failure moves the cooldown's end only to a longer {@code Retry-After};
 *   <li>a fetch makes at most {@code maxRetries + 1} requests;
 *   <li>every caller ends (a token, a {@link TokenException}, or its own cancel) within the longest
 *       a fetch can take: each attempt bounded by the request timeout, each wait by the larger of
 *       {@code maxBackoff} and {@code maxRetryAfter}.
 * </ul>
 *
 * <p>Each schedule is named by its seed; {@code -Dproperties.seed=S -Dproperties.schedules=1}
 * replays one. {@code -Dproperties.schedules=N} runs more (the {@code properties} profile runs
 * thousands).
 */
class TokenCachePropertiesTest {

  private static final int SCHEDULES = Integer.getInteger("properties.schedules", 300);
  private static final int STEPS = 120;

  @TestFactory
  Stream<DynamicTest> theCacheKeepsItsPromisesOverRandomSchedules() {
    long first = Long.getLong("properties.seed", new Random().nextLong() >>> 16);
    return LongStream.range(first, first + SCHEDULES)
        .mapToObj(seed -> dynamicTest("seed " + seed, () -> new Schedule(seed).run()));
  }

  /** One random schedule and the bookkeeping that checks the invariants as it runs. */
  private static final class Schedule {

    private final long seed;
    private final Random random;
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final TestClock clock = TestClock.following(time);
    private final ScriptedLoginService login;
    private final RefreshPolicy policy;
    private final Duration cooldown;
    private final int maxRetries;
    private final Duration longestFetch;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final TokenCache cache;

    private final List<String> violations = new ArrayList<>();
    /** The last steps and fetches, to read with a failure. */
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final Map<String, CachedToken> issued = new HashMap<>();
    private final List<Caller> callers = new ArrayList<>();
    /** The token the cache should hold: the last one issued and not invalidated. */
    private CachedToken current;
    private boolean fetching;
    private int attemptsBeforeFetch;
    private Instant noFetchBefore = Instant.MIN;
    /** Whether the fetch in flight is a recovery probe. */
    private boolean probing;
    /** The last failed fetch since the last token: when, whether retryable, its Retry-After. */
    private Instant lastFailureAt;
    private boolean lastFailureRetryable;
    private Duration lastRetryAfter = Duration.ZERO;
    /** From when no usable token is left after the last failure: the failure, or later. */
    private Instant noUsableTokenFrom;
    /** Probes since the current cooldown began. */
    private int probes;

    Schedule(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      this.login = new ScriptedLoginService(random, clock, time);
      Duration skew = Duration.ofSeconds(random.nextInt(121));
      this.policy = new RefreshPolicy(skew.plusSeconds(random.nextInt(600)), skew);
      this.cooldown = Duration.ofMillis(random.nextInt(10_001));
      this.maxRetries = random.nextInt(5);
      this.minBackoff = Duration.ofMillis(100 + random.nextInt(1900));
      this.maxBackoff = minBackoff.plusMillis(random.nextInt(28_000));
      Duration maxRetryAfter = Duration.ofSeconds(random.nextInt(61));
      RetryRules rules = new RetryRules(maxRetries, minBackoff, maxBackoff, maxRetryAfter, time);
      Duration longestWait = maxBackoff.compareTo(maxRetryAfter) >= 0 ? maxBackoff : maxRetryAfter;
      this.longestFetch =
          ScriptedLoginService.REQUEST_TIMEOUT
              .multipliedBy(maxRetries + 1L)
              .plus(longestWait.multipliedBy(maxRetries));
      this.cache =
          new TokenCache(
              () -> fetch(login.attempt().retryWhen(rules.retry("p"))),
              policy,
              clock,
              time,
              cooldown,
              "p",
              () -> {},
              null,
              rules::backoff);
    }

    void run() {
      try {
        for (int step = 0; step < STEPS; step++) {
          step();
          assertThat(login.mostInFlight()).as(context("token requests in flight at once")).isEqualTo(
              Math.min(1, login.attemptsStartedAt().size()));
        }
        login.failureRate(0);
        time.advanceTimeBy(longestFetch.plusSeconds(1));
        for (Caller caller : callers) {
          if (caller.endedAt < 0) {
            violation("a caller subscribed at " + caller.subscribedAt + " ns never ended");
          } else if (caller.endedAt - caller.subscribedAt > longestFetch.toNanos()) {
            violation(
                "a caller waited "
                    + Duration.ofNanos(caller.endedAt - caller.subscribedAt)
                    + ", longer than a fetch can take ("
                    + longestFetch
                    + ")");
          }
        }
        assertThat(violations).as(context("broken promises") + "\nevents before the first:\n" + traceAtFirstViolation).isEmpty();
      } finally {
        cache.close();
      }
    }

    private String context(String what) {
      return what
          + " (replay with -Dproperties.seed="
          + seed
          + " -Dproperties.schedules=1; policy "
          + policy
          + ", cooldown "
          + cooldown
          + ", maxRetries "
          + maxRetries
          + ")";
    }

    private String traceAtFirstViolation = "";

    private void violation(String what) {
      if (violations.isEmpty()) {
        traceAtFirstViolation = String.join("\n", trace);
      }
      violations.add(what);
    }

    private void note(String event) {
      if (trace.size() == 40) {
        trace.removeFirst();
      }
      trace.addLast(clock.instant() + " " + event);
    }

    private void step() {
      int action = random.nextInt(100);
      note("step " + action + (fetching ? " (fetching)" : ""));
      if (action < 35) {
        time.advanceTimeBy(randomPause());
      } else if (action < 60) {
        int herd = 1 + random.nextInt(random.nextInt(10) == 0 ? 200 : 5);
        for (int i = 0; i < herd; i++) {
          callers.add(subscribe());
        }
      } else if (action < 68) {
        callers.stream().filter(c -> c.endedAt < 0).filter(c -> random.nextBoolean()).forEach(Caller::cancel);
      } else if (action < 76) {
        invalidate();
      } else if (action < 84) {
        // The wall clock is corrected or the machine wakes from sleep: no timer fires for it.
        clock.jump(random.nextInt(4) == 0 ? Duration.ofSeconds(-random.nextInt(600)) : randomPause());
      } else if (action < 92) {
        double[] rates = {0, 0, 0.3, 0.7, 1};
        login.failureRate(rates[random.nextInt(rates.length)]);
      } else {
        time.advanceTimeBy(Duration.ofMillis(random.nextInt(1000)));
      }
    }

    private Duration randomPause() {
      switch (random.nextInt(4)) {
        case 0:
          return Duration.ofMillis(random.nextInt(1000));
        case 1:
          return Duration.ofSeconds(random.nextInt(60));
        case 2:
          return Duration.ofMinutes(random.nextInt(60));
        default:
          return Duration.ofHours(random.nextInt(30));
      }
    }

    private void invalidate() {
      if (current != null && random.nextBoolean()) {
        cache.invalidate(current.token());
        noTokenLeftNow();
        current = null;
      } else if (!issued.isEmpty()) {
        // An old token (or the current one again): compare-and-invalidate must ignore it unless
        // it is still the cached one.
        List<CachedToken> all = new ArrayList<>(issued.values());
        CachedToken old = all.get(random.nextInt(all.size()));
        cache.invalidate(old.token());
        if (old == current) {
          noTokenLeftNow();
          current = null;
        }
      }
    }

    /** The current token is invalidated: if it was still usable, none is left from now on. */
    private void noTokenLeftNow() {
      Instant now = clock.instant();
      if (noUsableTokenFrom != null && noUsableTokenFrom.isAfter(now)) {
        noUsableTokenFrom = now;
      }
    }

    private Caller subscribe() {
      Caller caller = new Caller(time.now(TimeUnit.NANOSECONDS));
      caller.subscribing = true;
      cache.token().subscribe(caller);
      caller.subscribing = false;
      return caller;
    }

    /** The fetch as the cache sees it, with the checks at its start and its end. */
    private Mono<IssuedToken> fetch(Mono<IssuedToken> attempts) {
      return Mono.deferContextual(
          context -> {
            Instant now = clock.instant();
            if (fetching) {
              violation("a second fetch started at " + now + " while one was running");
            }
            probing = context.hasKey(RetryRules.SINGLE_ATTEMPT);
            if (probing) {
              checkProbe(now);
            } else if (now.isBefore(noFetchBefore)) {
              violation("a fetch started at " + now + " during a cooldown until " + noFetchBefore);
            }
            if (current != null && current.stateAt(now) == RefreshPolicy.CacheState.FRESH) {
              violation("a fetch started at " + now + " while the token was FRESH: " + current);
            }
            note((probing ? "probe " + probes : "fetch") + " starts; current " + current);
            fetching = true;
            attemptsBeforeFetch = login.attemptsStartedAt().size();
            return attempts
                .doOnNext(this::onIssued)
                .doOnError(this::onFailed)
                .doFinally(signal -> onFetchEnded());
          });
    }

    private void checkProbe(Instant now) {
      if (lastFailureAt == null || !lastFailureRetryable) {
        violation("a probe started at " + now + " without a retryable failure before it");
        return;
      }
      if (!now.isBefore(noFetchBefore)) {
        violation("a probe started at " + now + ", after the cooldown ended at " + noFetchBefore);
      }
      if (current != null && current.stateAt(now) != RefreshPolicy.CacheState.EXPIRED) {
        violation("a probe started at " + now + " while the token was usable: " + current);
      }
      Duration earliest = lowestStep(probes);
      if (lastRetryAfter.compareTo(earliest) > 0) {
        earliest = lastRetryAfter;
      }
      probeNotSooner(now, earliest, "the failure", lastFailureAt);
      probeNotSooner(now, lowestStep(probes), "no usable token was left", noUsableTokenFrom);
    }

    /** A violation if the probe starting {@code now} is sooner than {@code wait} after {@code from}. */
    private void probeNotSooner(Instant now, Duration wait, String what, Instant from) {
      if (now.isBefore(from.plus(wait))) {
        violation(
            "probe " + probes + " started at " + now + ", sooner than " + wait + " after " + what
                + ", at " + from);
      }
    }

    /** The shortest jittered backoff of step {@code n} (RetryRules: half the base, at least min). */
    private Duration lowestStep(int n) {
      Duration base = minBackoff.multipliedBy(1L << Math.min(n, 30));
      if (base.compareTo(maxBackoff) > 0) {
        base = maxBackoff;
      }
      Duration half = base.dividedBy(2);
      return half.compareTo(minBackoff) < 0 ? minBackoff : half;
    }

    private void onIssued(IssuedToken token) {
      current = policy.schedule(token);
      noFetchBefore = Instant.MIN; // a success ends the failure and its cooldown
      lastFailureAt = null;
      probes = 0;
      note("issued " + current);
      issued.put(token.token().value(), current);
    }

    private void onFailed(Throwable error) {
      Instant now = clock.instant();
      Duration asked = Duration.ZERO;
      if (error instanceof TokenEndpointException) {
        asked = ((TokenEndpointException) error).retryAfter().orElse(Duration.ZERO);
      }
      if (probing) {
        // A probe's failure ends the cooldown no sooner than before, later only for a Retry-After.
        Instant asks = now.plus(asked);
        noFetchBefore = asks.isAfter(noFetchBefore) ? asks : noFetchBefore;
        probes++;
      } else {
        noFetchBefore = now.plus(asked.compareTo(cooldown) > 0 ? asked : cooldown);
        probes = 0;
      }
      lastFailureAt = now;
      noUsableTokenFrom =
          current != null && current.expiredAt().isAfter(now) ? current.expiredAt() : now;
      lastFailureRetryable = error instanceof TokenException && ((TokenException) error).isRetryable();
      lastRetryAfter = asked;
      note("fetch failed: " + error.getMessage() + "; no fetch before " + noFetchBefore);
    }

    private void onFetchEnded() {
      fetching = false;
      int attempts = login.attemptsStartedAt().size() - attemptsBeforeFetch;
      if (attempts > maxRetries + 1) {
        violation("a fetch made " + attempts + " requests; maxRetries is " + maxRetries);
      }
      if (probing && attempts > 1) {
        violation("a probe made " + attempts + " requests");
      }
    }

    /** A caller: checks what it is handed, and when it ends. */
    private final class Caller extends BaseSubscriber<AccessToken> {

      final long subscribedAt;
      long endedAt = -1;
      /** While true, a token comes from the cache itself; after, from a fetch the caller awaited. */
      boolean subscribing;

      Caller(long subscribedAt) {
        this.subscribedAt = subscribedAt;
      }

      @Override
      protected void hookOnNext(AccessToken token) {
        CachedToken cached = issued.get(token.value());
        Instant now = clock.instant();
        if (cached == null) {
          violation("a caller was handed a token the service never issued");
        } else if (subscribing && !now.isBefore(cached.expiredAt())) {
          violation("a caller was served, at " + now + ", a token EXPIRED at " + cached.expiredAt());
        }
      }

      @Override
      protected void hookOnError(Throwable error) {
        if (!(error instanceof TokenException)) {
          violation("a caller got an untyped error: " + error);
        }
      }

      @Override
      protected void hookFinally(SignalType type) {
        endedAt = time.now(TimeUnit.NANOSECONDS);
      }
    }
  }
}

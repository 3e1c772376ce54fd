package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The cache policy, single flight, the timer, the cooldown and compare-and-invalidate, on virtual
 * time: the clock and every Reactor timer read one {@link VirtualTimeScheduler}.
 */
class TokenCacheTest {

  private static final Duration DAY = Duration.ofHours(24);
  private static final RefreshPolicy DEFAULT_POLICY =
      new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60));

  private VirtualTimeScheduler time;
  private TestClock clock;
  private FakeTokenEndpoint endpoint;
  private final AtomicInteger releases = new AtomicInteger();
  private TokenCache cache;

  @BeforeEach
  void virtualTime() {
    time = VirtualTimeScheduler.create();
    clock = TestClock.following(time);
    endpoint = new FakeTokenEndpoint(clock, time);
    cache = newCache(DEFAULT_POLICY, Duration.ofSeconds(5));
  }

  @AfterEach
  void closeTheCache() {
    cache.close();
  }

  private TokenCache newCache(RefreshPolicy policy, Duration cooldown) {
    return new TokenCache(
        endpoint, policy, clock, time, cooldown, "test", releases::incrementAndGet);
  }

  /** Subscribes, lets {@code latency} of virtual time pass, and returns what was emitted. */
  private AccessToken awaitToken() {
    AtomicReference<AccessToken> got = new AtomicReference<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    cache.token().subscribe(got::set, failed::set);
    time.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(failed.get()).isNull();
    assertThat(got.get()).as("token emitted within 1 s of virtual time").isNotNull();
    return got.get();
  }

  /** The token emitted at once, with no time passing: proof that the caller did not wait. */
  private AccessToken immediateToken() {
    AtomicReference<AccessToken> got = new AtomicReference<>();
    cache.token().subscribe(got::set);
    assertThat(got.get()).as("served at once, without waiting").isNotNull();
    return got.get();
  }

  @Test
  void thousandConcurrentSubscribersOnAColdCacheShareOneFetchAndOneToken() throws Exception {
    int callers = 1000;
    Set<AccessToken> received = ConcurrentHashMap.newKeySet();
    AtomicInteger completed = new AtomicInteger();
    CountDownLatch subscribed = new CountDownLatch(callers);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < callers; i++) {
        threads.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              cache.token().subscribe(t -> {
                received.add(t);
                completed.incrementAndGet();
              });
              subscribed.countDown();
            });
      }
      start.countDown();
      assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      threads.shutdown();
    }
    assertThat(completed.get()).as("nobody served before the fetch completes").isZero();

    time.advanceTimeBy(Duration.ofMillis(100));

    assertThat(endpoint.fetches()).isEqualTo(1);
    assertThat(completed.get()).isEqualTo(callers);
    assertThat(received).hasSize(1);
  }

  @Test
  void aSubscriberThatCancelsDoesNotCancelTheSharedFetchAndItsResultIsCached() {
    Disposable impatient = cache.token().subscribe();
    AtomicReference<AccessToken> patient = new AtomicReference<>();
    cache.token().subscribe(patient::set);

    impatient.dispose();
    time.advanceTimeBy(Duration.ofMillis(100));

    assertThat(endpoint.cancelled()).isZero();
    assertThat(patient.get()).isNotNull();
    assertThat(immediateToken()).isEqualTo(patient.get());
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  @Test
  void theOnlySubscriberCancellingStillLetsTheFetchCompleteAndCacheItsToken() {
    cache.token().subscribe().dispose();
    time.advanceTimeBy(Duration.ofMillis(100));

    assertThat(endpoint.cancelled()).isZero();
    assertThat(immediateToken().value()).isEqualTo("token-1");
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  @Test
  void aFreshTokenIsServedAtOnceWithoutAnyRequest() {
    AccessToken first = awaitToken();
    time.advanceTimeBy(DAY.minusMinutes(5).minusSeconds(2)); // just before STALE

    for (int i = 0; i < 1000; i++) {
      assertThat(immediateToken()).isSameAs(first);
    }
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  @Test
  void aStaleTokenIsServedAtOnceWhileExactlyOneBackgroundRefreshRuns() {
    endpoint.latency(Duration.ofSeconds(2));
    AtomicReference<AccessToken> first = new AtomicReference<>();
    cache.token().subscribe(first::set);
    time.advanceTimeBy(Duration.ofSeconds(2));
    // The fetch took 2 s, so the token expires 24 h after it was requested: it is STALE at
    // 24 h - 5 min from the request. Stop the timer from refreshing by calling just before it.
    time.advanceTimeBy(DAY.minusMinutes(5).minusSeconds(2));
    assertThat(endpoint.fetches()).as("timer refresh at the STALE point").isEqualTo(2);

    // While the refresh runs, every caller gets the old token at once.
    for (int i = 0; i < 100; i++) {
      assertThat(immediateToken()).isSameAs(first.get());
    }
    assertThat(endpoint.fetches()).isEqualTo(2);

    time.advanceTimeBy(Duration.ofSeconds(2));
    assertThat(immediateToken().value()).isEqualTo("token-2");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void aCallerInTheStaleWindowStartsTheRefreshWhenTheTimerHasNotFired() {
    AccessToken first = awaitToken();
    clock.jump(DAY.minusMinutes(4)); // the clock moved; the scheduler's timer has not fired

    assertThat(immediateToken()).isSameAs(first);
    assertThat(immediateToken()).isSameAs(first);
    assertThat(endpoint.fetches()).as("one refresh, started by the first stale caller").isEqualTo(2);
    time.advanceTimeBy(Duration.ofMillis(100));
    assertThat(immediateToken().value()).isEqualTo("token-2");
  }

  @Test
  void aTimerThatFiresWhileTheClockSaysFreshReArmsInsteadOfRefreshing() {
    awaitToken();
    clock.jump(Duration.ofMinutes(-10)); // the wall clock was set back
    time.advanceTimeBy(DAY.minusMinutes(5)); // the timer fires; the clock reads 10 min earlier
    assertThat(endpoint.fetches()).isEqualTo(1);

    time.advanceTimeBy(Duration.ofMinutes(10));
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void theTimerRefreshesAtTheStalePointWhenNobodyCalls() {
    AccessToken first = awaitToken(); // requested at t=0, expires at 24 h
    time.advanceTimeBy(DAY.minusMinutes(5).minusSeconds(2));
    assertThat(endpoint.fetches()).isEqualTo(1);

    time.advanceTimeBy(Duration.ofSeconds(1)); // crosses 24 h - 5 min (+ the first second)
    assertThat(endpoint.fetches()).isEqualTo(2);
    time.advanceTimeBy(Duration.ofMillis(100));
    AccessToken second = immediateToken();
    assertThat(second).isNotEqualTo(first);
    assertThat(second.expiresAt()).isAfter(first.expiresAt());
  }

  @Test
  void anExpiredTokenMakesCallersWaitForOneSharedFetch() {
    // refreshAhead == expirySkew: no STALE window, the token goes from FRESH to EXPIRED.
    cache.close();
    cache = newCache(new RefreshPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60)), Duration.ZERO);
    endpoint.latency(Duration.ZERO);
    AccessToken first = awaitToken();
    endpoint.latency(Duration.ofSeconds(3));
    time.advanceTimeBy(DAY.minusSeconds(60).minusSeconds(1)); // timer fires: fetch starts

    List<AccessToken> served = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 50; i++) {
      cache.token().subscribe(served::add);
    }
    assertThat(served).as("an expired token is never served").isEmpty();
    time.advanceTimeBy(Duration.ofSeconds(3));

    assertThat(served).hasSize(50).allMatch(t -> t.value().equals("token-2"));
    assertThat(served.get(0)).isNotEqualTo(first);
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void expiryIsMeasuredFromTheRequestInstantOnTheInjectedClock() {
    endpoint.latency(Duration.ofSeconds(7));
    cache.token().subscribe();
    time.advanceTimeBy(Duration.ofSeconds(7));
    AccessToken token = immediateToken();

    assertThat(token.expiresAt()).isEqualTo(TestClock.ORIGIN.plus(DAY));
  }

  @Test
  void aTwoSecondTokenIsRefreshedOncePerHalfLifetimeNotOncePerCall() {
    endpoint.lifetime(Duration.ofSeconds(2)).latency(Duration.ofMillis(50));
    AtomicInteger served = new AtomicInteger();
    AtomicInteger waitedTooLong = new AtomicInteger();

    // One call every 10 ms for 20 s of virtual time.
    for (int i = 0; i < 2000; i++) {
      AtomicReference<AccessToken> got = new AtomicReference<>();
      cache.token().subscribe(got::set);
      time.advanceTimeBy(Duration.ofMillis(10));
      if (got.get() == null && i >= 5) { // the first 50 ms wait for the cold fetch
        waitedTooLong.incrementAndGet();
      } else {
        served.incrementAndGet();
      }
    }

    // FRESH for 1 s (half the lifetime), then renewed by the timer: the cold fetch at 0 s and one
    // each second from 1 s to 20 s, never one per call.
    assertThat(endpoint.fetches()).isEqualTo(21);
    assertThat(waitedTooLong.get()).as("calls after the cold start that waited").isZero();
    assertThat(served.get()).isEqualTo(2000);
  }

  @Test
  void lifetimesFromTwoSecondsToFortyEightHoursGetSensibleRefreshAndExpiryPoints() {
    for (Duration lifetime :
        List.of(Duration.ofSeconds(2), Duration.ofSeconds(300), DAY, Duration.ofHours(48))) {
      IssuedToken issued =
          new IssuedToken(
              new AccessToken("t", "bearer", TestClock.ORIGIN.plus(lifetime)),
              TestClock.ORIGIN);
      CachedToken cached = DEFAULT_POLICY.schedule(issued);
      Duration freshFor = Duration.between(TestClock.ORIGIN, cached.staleAt());
      Duration usableFor = Duration.between(TestClock.ORIGIN, cached.expiredAt());

      assertThat(freshFor).as("fresh for at least half of %s", lifetime)
          .isGreaterThanOrEqualTo(lifetime.dividedBy(2));
      assertThat(usableFor).as("stale window of %s", lifetime).isGreaterThan(freshFor);
      assertThat(usableFor).isGreaterThanOrEqualTo(lifetime.multipliedBy(9).dividedBy(10));
    }
    CachedToken day =
        DEFAULT_POLICY.schedule(
            new IssuedToken(new AccessToken("t", "bearer", TestClock.ORIGIN.plus(DAY)),
                TestClock.ORIGIN));
    assertThat(day.staleAt()).isEqualTo(TestClock.ORIGIN.plus(DAY).minusSeconds(300));
    assertThat(day.expiredAt()).isEqualTo(TestClock.ORIGIN.plus(DAY).minusSeconds(60));
  }

  @Test
  void aFailedRefreshWhileTheTokenIsValidIsInvisibleAndRetriedAfterTheCooldown() {
    AccessToken first = awaitToken();
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("login service down"));
    time.advanceTimeBy(DAY.minusMinutes(5)); // STALE: the timer's refresh fails

    int fetchesAtStale = endpoint.fetches();
    // Almost four minutes of the STALE window, with a caller every 100 ms: all served at once.
    for (int i = 0; i < 2350; i++) {
      assertThat(immediateToken()).isSameAs(first);
      time.advanceTimeBy(Duration.ofMillis(100));
    }
    int attempts = endpoint.fetches() - fetchesAtStale;
    // A 5 s cooldown after each attempt's 100 ms: one attempt every 5.1 s, 46 in 235 s, no tight
    // loop and none more for the 2350 callers.
    assertThat(attempts).isEqualTo(46);

    endpoint.failAlways(null);
    time.advanceTimeBy(Duration.ofSeconds(6));
    assertThat(immediateToken()).isNotEqualTo(first);
  }

  @Test
  void theTimerRetriesAFailedRefreshWhileTheTokenIsStillValidEvenWithoutCallers() {
    awaitToken();
    endpoint.thenFail(FakeTokenEndpoint.transientFailure("once"));
    time.advanceTimeBy(DAY.minusMinutes(5)); // STALE: refresh fails
    assertThat(endpoint.fetches()).isEqualTo(2);

    time.advanceTimeBy(Duration.ofSeconds(6)); // cooldown over: the timer tries again
    assertThat(endpoint.fetches()).isEqualTo(3);
    assertThat(immediateToken().value()).isEqualTo("token-3");
  }

  @Test
  void afterAFinalFailureCallersGetTheErrorForTheCooldownWithoutNewRequests() {
    TokenException down = FakeTokenEndpoint.transientFailure("login service down");
    endpoint.failAlways(down);
    StepVerifier.create(cache.token())
        .then(() -> time.advanceTimeBy(Duration.ofMillis(100)))
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(down))
        .verify(Duration.ofSeconds(5));

    for (int i = 0; i < 40; i++) { // 4 s of callers
      StepVerifier.create(cache.token()).expectErrorSatisfies(e -> assertThat(e).isSameAs(down))
          .verify(Duration.ofSeconds(5));
      time.advanceTimeBy(Duration.ofMillis(100));
    }
    assertThat(endpoint.fetches()).isEqualTo(1);

    endpoint.failAlways(null);
    time.advanceTimeBy(Duration.ofSeconds(1)); // the cooldown of 5 s is over
    assertThat(awaitToken().value()).isEqualTo("token-2");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void withoutACooldownAnErrorIsNotCachedAtAll() {
    cache.close();
    cache = newCache(DEFAULT_POLICY, Duration.ZERO);
    endpoint.thenFail(FakeTokenEndpoint.transientFailure("blip"));
    AtomicReference<Throwable> failed = new AtomicReference<>();
    cache.token().subscribe(null, failed::set);
    time.advanceTimeBy(Duration.ofMillis(100));
    assertThat(failed.get()).hasMessage("blip");

    assertThat(awaitToken().value()).isEqualTo("token-2");
  }

  @Test
  void aRetryAfterLongerThanTheCooldownDefersTheNextRequest() {
    endpoint.failAlways(
        new TokenEndpointException("throttled", 429, null, null, Duration.ofSeconds(30), null, true));
    cache.token().subscribe(null, e -> {});
    time.advanceTimeBy(Duration.ofMillis(100));
    time.advanceTimeBy(Duration.ofSeconds(20)); // past the 5 s cooldown, within Retry-After
    cache.token().subscribe(null, e -> {});
    assertThat(endpoint.fetches()).isEqualTo(1);

    time.advanceTimeBy(Duration.ofSeconds(10));
    cache.token().subscribe(null, e -> {});
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void hundredConcurrentInvalidationsOfOneTokenCauseOneNewFetch() throws Exception {
    AccessToken rejected = awaitToken();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(100);
    List<AccessToken> renewed = new CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < 100; i++) {
        threads.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              cache.invalidate(rejected);
              cache.token().subscribe(renewed::add);
              done.countDown();
            });
      }
      start.countDown();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      threads.shutdown();
    }
    time.advanceTimeBy(Duration.ofMillis(100));

    assertThat(endpoint.fetches()).isEqualTo(2);
    assertThat(renewed).hasSize(100).allMatch(t -> t.value().equals("token-2"));
  }

  @Test
  void invalidatingATokenThatWasAlreadyReplacedDoesNothing() {
    AccessToken old = awaitToken();
    cache.invalidate(old);
    AccessToken current = awaitToken();
    assertThat(endpoint.fetches()).isEqualTo(2);

    cache.invalidate(old);
    assertThat(immediateToken()).isSameAs(current);
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void invalidatingDuringAFetchKeepsTheSingleFlight() {
    AccessToken old = awaitToken();
    cache.invalidate(old);
    List<AccessToken> waiting = new CopyOnWriteArrayList<>();
    cache.token().subscribe(waiting::add);
    cache.invalidate(old);
    cache.token().subscribe(waiting::add);
    time.advanceTimeBy(Duration.ofMillis(100));

    assertThat(endpoint.fetches()).isEqualTo(2);
    assertThat(waiting).extracting(AccessToken::value).containsExactly("token-2", "token-2");
  }

  @Test
  void closeFailsWaitersStopsTheTimerAndFailsLaterCalls() {
    awaitToken();
    cache.invalidate(immediateToken());
    AtomicReference<Throwable> waiter = new AtomicReference<>();
    cache.token().subscribe(null, waiter::set);

    cache.close();
    cache.close(); // idempotent

    assertThat(waiter.get()).isInstanceOf(TokenException.class).hasMessageContaining("closed");
    assertThat(endpoint.cancelled()).as("the request in flight is cancelled").isEqualTo(1);
    assertThat(releases.get()).as("resources released once").isEqualTo(1);
    StepVerifier.create(cache.token()).expectError(TokenException.class).verify(Duration.ofSeconds(5));

    time.advanceTimeBy(DAY.multipliedBy(2));
    assertThat(endpoint.fetches()).as("no timer refresh after close").isEqualTo(2);
  }

  @Test
  void closeCancelsTheRefreshTimer() {
    awaitToken();
    cache.close();
    time.advanceTimeBy(DAY);
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  @Test
  void inVirtualTimeAStepVerifierSeesTheColdFetchAndThenTheCachedToken() {
    StepVerifier.withVirtualTime(() -> cache.token(), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(99))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(t -> assertThat(t.value()).isEqualTo("token-1"))
        .verifyComplete();
    StepVerifier.withVirtualTime(() -> cache.token(), () -> time, Long.MAX_VALUE)
        .assertNext(t -> assertThat(t.value()).isEqualTo("token-1"))
        .verifyComplete();
  }

  @Test
  void aFetchThatCompletesEmptyFailsItsWaitersInsteadOfLeavingThemWaiting() {
    cache.close();
    cache =
        new TokenCache(
            Mono::empty,
            DEFAULT_POLICY,
            clock,
            time,
            Duration.ZERO,
            "test",
            releases::incrementAndGet);
    StepVerifier.create(cache.token())
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(TokenException.class).hasMessageContaining("without a reply"))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void describeNamesThePhaseButNeverTheToken() {
    assertThat(cache.describe()).isEqualTo("empty");
    AccessToken token = awaitToken();
    assertThat(cache.describe()).startsWith("FRESH").doesNotContain(token.value());
    time.advanceTimeBy(DAY.minusMinutes(4));
    assertThat(cache.describe()).doesNotContain(token.value());
    cache.close();
    assertThat(cache.describe()).isEqualTo("closed");
  }

  @Test
  void errorsFromAFetcherThatIsNotOursArriveAsTokenExceptions() {
    endpoint.thenFail(new IllegalStateException("bug"));
    AtomicReference<Throwable> failed = new AtomicReference<>();
    cache.token().subscribe(null, failed::set);
    time.advanceTimeBy(Duration.ofMillis(100));
    assertThat(failed.get())
        .isInstanceOf(TokenException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }
}

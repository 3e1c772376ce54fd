package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The recovery probe, in virtual time: with no usable token and callers refused during a failure
 * cooldown, one request per backoff step finds out that the login service is back, without
 * undercutting a {@code Retry-After} and never for a non-retryable failure.
 */
class RecoveryProbeTest {

  private static final RefreshPolicy POLICY =
      new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60));
  private static final Duration LATENCY = Duration.ofMillis(100);
  private static final Duration CALLER_EVERY = Duration.ofMillis(100);

  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
  private final TestClock clock = TestClock.following(time);
  private final FakeTokenEndpoint endpoint = new FakeTokenEndpoint(clock, time).latency(LATENCY);
  /** When each token request (every attempt) was sent, on the virtual clock. */
  private final List<Instant> requests = new CopyOnWriteArrayList<>();
  private final Instant start = clock.instant();
  private TokenCache cache;

  @AfterEach
  void close() {
    if (cache != null) {
      cache.close();
    }
  }

  private TokenCache newCache(RetryRules rules, Duration cooldown, TokenListener... listeners) {
    return newCache(rules, cooldown, rules::backoff, listeners);
  }

  /** With {@code probeBackoff} for the probe's steps, and {@code rules} for the fetch's retries. */
  private TokenCache newCache(
      RetryRules rules,
      Duration cooldown,
      LongFunction<Duration> probeBackoff,
      TokenListener... listeners) {
    cache =
        new TokenCache(
            () ->
                FetchEvents.eachAttempt(
                        Mono.defer(
                            () -> {
                              requests.add(clock.instant());
                              return endpoint.get();
                            }))
                    .retryWhen(rules.retry("test")),
            POLICY,
            clock,
            time,
            cooldown,
            "test",
            () -> {},
            listeners.length == 0 ? null : Listeners.of(List.of(listeners), "test"),
            probeBackoff);
    return cache;
  }

  private RetryRules rulesOnTime(int maxRetries, Duration min, Duration max) {
    return new RetryRules(maxRetries, min, max, Duration.ofMinutes(3), time);
  }

  /** A caller every 100 ms for {@code duration}: the offset of each one served a token. */
  private List<Duration> callersFor(Duration duration) {
    List<Duration> served = new ArrayList<>();
    long steps = duration.toMillis() / CALLER_EVERY.toMillis();
    for (long i = 0; i < steps; i++) {
      AtomicReference<AccessToken> got = new AtomicReference<>();
      cache.token().subscribe(got::set, e -> {});
      if (got.get() != null) {
        served.add(Duration.between(start, clock.instant()));
      }
      time.advanceTimeBy(CALLER_EVERY);
    }
    return served;
  }

  private List<Duration> requestOffsets() {
    List<Duration> offsets = new ArrayList<>();
    for (Instant at : requests) {
      offsets.add(Duration.between(start, at));
    }
    return offsets;
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void afterAnOutageLongerThanTheRetriesCallersAreServedWithinOneBackoffStepOfTheServiceComingBack() {
    // min = max backoff: no jitter, so every instant below is exact.
    newCache(rulesOnTime(2, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(10));
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));

    List<Duration> served = callersFor(Duration.ofSeconds(6)); // the outage: 0 to 6 s
    endpoint.failAlways(null); // the service is back at 6 s
    served.addAll(callersFor(Duration.ofSeconds(2)));

    // The fetch: 0, 1.1, 2.2 s (2 retries 1 s after each 100 ms failure), failed at 2.3 s; then a
    // probe one backoff step after each failure: 3.3, 4.4, 5.5 s during the outage, 6.6 s after.
    assertThat(requestOffsets())
        .containsExactly(ms(0), ms(1100), ms(2200), ms(3300), ms(4400), ms(5500), ms(6600));
    // Served from 6.7 s, when the probe's token arrived: within one step (1 s) and one request of
    // the service's return, where the cooldown (10 s from 2.3 s) would have refused until 12.3 s.
    assertThat(served.get(0)).isEqualTo(ms(6700));
    assertThat(served).hasSize(13); // every caller from 6.7 s to 7.9 s
  }

  @Test
  void probesFollowTheJitteredDoublingBackoffOneRequestPerStep() {
    Duration min = Duration.ofSeconds(1);
    Duration max = Duration.ofSeconds(8);
    Duration cooldown = Duration.ofSeconds(60);
    newCache(rulesOnTime(0, min, max), cooldown);
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));

    callersFor(cooldown);
    time.advanceTimeBy(Duration.ofSeconds(1)); // a probe due in the cooldown's last 100 ms

    // Step n waits backoff(n) after the previous request's failure: base min * 2^n capped at max,
    // with up to half of it added or removed, never below min nor above max.
    List<Duration> sent = requestOffsets();
    assertThat(sent.get(0)).isEqualTo(ms(0));
    for (int n = 0; n + 1 < sent.size(); n++) {
      Duration gap = sent.get(n + 1).minus(sent.get(n)).minus(LATENCY);
      assertThat(gap).as("wait before probe %d", n).isBetween(lowest(n, min, max), highest(n, min, max));
    }
    // So the count is bounded by the fastest and the slowest schedule within the cooldown.
    assertThat(sent.size() - 1)
        .isBetween(probesWithin(cooldown, min, max, false), probesWithin(cooldown, min, max, true));
  }

  private static Duration base(int n, Duration min, Duration max) {
    Duration b = min.multipliedBy(1L << Math.min(n, 30));
    return b.compareTo(max) > 0 ? max : b;
  }

  private static Duration lowest(int n, Duration min, Duration max) {
    Duration half = base(n, min, max).dividedBy(2);
    return half.compareTo(min) < 0 ? min : half;
  }

  private static Duration highest(int n, Duration min, Duration max) {
    Duration b = base(n, min, max);
    Duration most = b.plus(b.dividedBy(2));
    return most.compareTo(max) > 0 ? max : most;
  }

  /** How many probes fit in the cooldown (which starts when the first request fails). */
  private static int probesWithin(Duration cooldown, Duration min, Duration max, boolean fastest) {
    Duration at = Duration.ZERO; // from the first failure
    int n = 0;
    for (; ; ) {
      at = at.plus(fastest ? lowest(n, min, max) : highest(n, min, max));
      if (at.compareTo(cooldown) >= 0) {
        return n;
      }
      at = at.plus(LATENCY);
      n++;
    }
  }

  @Test
  void aNonRetryableFailureIsNotProbedFasterThanTheCooldown() {
    newCache(rulesOnTime(3, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(10));
    endpoint.failAlways(
        new TokenEndpointException(
            "invalid_client", 401, "invalid_client", "authentication failed", null, null, false));

    callersFor(Duration.ofSeconds(10));
    assertThat(requestOffsets()).containsExactly(ms(0));

    callersFor(Duration.ofMillis(200)); // the cooldown ended at 10.1 s: the next caller fetches
    assertThat(requestOffsets()).containsExactly(ms(0), ms(10_100));
  }

  @Test
  void aRetryAfterIsNeverUndercutByAProbeAndAProbesRetryAfterExtendsTheCooldown() {
    newCache(rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(8)), Duration.ofSeconds(10));
    endpoint.failAlways(
        new TokenEndpointException("busy", 503, null, null, Duration.ofSeconds(4), null, true));

    callersFor(Duration.ofSeconds(12));

    // Probes 4 s after each failure (backoff 1 to 3 s is shorter); the third would be due at
    // 12.3 s, and the second probe's Retry-After moved the cooldown's end to 12.3 s: no probe then.
    assertThat(requestOffsets()).containsExactly(ms(0), ms(4100), ms(8200));
    callersFor(Duration.ofMillis(400));
    assertThat(requestOffsets()).containsExactly(ms(0), ms(4100), ms(8200), ms(12_300));
  }

  @Test
  void withoutRefusedCallersNoProbeIsSentButALaterRefusalIsAnsweredAtTheNextStep() {
    newCache(rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(10));
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(Duration.ofSeconds(4)); // nobody calls: the steps pass without a request
    assertThat(requestOffsets()).containsExactly(ms(0));

    endpoint.failAlways(null);
    AtomicReference<Throwable> refused = new AtomicReference<>();
    cache.token().subscribe(t -> {}, refused::set); // at 4 s
    assertThat(refused.get()).hasMessage("503");
    time.advanceTimeBy(Duration.ofSeconds(1));

    // Steps at 1.1, 2.1, 3.1, 4.1 s: the one at 4.1 s follows the refusal at 4 s.
    assertThat(requestOffsets()).containsExactly(ms(0), ms(4100));
    AtomicReference<AccessToken> served = new AtomicReference<>();
    cache.token().subscribe(served::set);
    assertThat(served.get()).as("served from the probe's token").isNotNull();
  }

  @Test
  void aFailedRefreshWhileTheTokenIsStillValidIsNotProbedTheTimerRetriesAfterTheCooldown() {
    newCache(rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(10));
    endpoint.lifetime(Duration.ofMinutes(30));
    cache.token().subscribe(t -> {});
    time.advanceTimeBy(LATENCY);
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));
    // Stale from 25 min (5 min before expiry): the timer's refresh fails at 25 min 0.1 s.
    time.advanceTimeBy(Duration.ofMinutes(25).plusMillis(150));
    assertThat(requestOffsets()).hasSize(2);

    List<Duration> served = callersFor(Duration.ofSeconds(9)); // the valid token, no probes
    assertThat(served).hasSize(90);
    assertThat(requestOffsets()).hasSize(2);
  }

  @Test
  void aProbeIsOneRequestWithoutTheFetchsRetriesAndReportsTheRecoveryTrigger() {
    TokenListenerTest.Recorder recorder = new TokenListenerTest.Recorder();
    newCache(
        rulesOnTime(2, Duration.ofSeconds(1), Duration.ofSeconds(1)),
        Duration.ofSeconds(10),
        recorder);
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));
    callersFor(Duration.ofSeconds(3)); // the fetch fails at 2.3 s, refusals follow
    endpoint.failAlways(null);
    callersFor(Duration.ofSeconds(1)); // the probe at 3.3 s brings a token

    assertThat(recorder.events)
        .containsExactly(
            "started FIRST_USE",
            "request 1 failed retryable PT0.1S",
            "request 2 failed retryable PT0.1S",
            "request 3 failed retryable PT0.1S",
            "failed attempts=3 in PT2.3S",
            "started RECOVERY",
            "request 1 ok PT0.1S",
            "issued attempts=1 lifetime=PT24H in PT0.1S");
  }

  @Test
  void aProbeDuringTheCooldownDoesNotHoldRefusedCallers() {
    newCache(rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(10));
    endpoint.latency(Duration.ofSeconds(2)).failAlways(FakeTokenEndpoint.transientFailure("503"));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(Duration.ofMillis(2100)); // failed at 2 s; a caller refused at 2.1 s
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(Duration.ofMillis(1000)); // the probe went at 3 s and takes 2 s
    assertThat(requestOffsets()).containsExactly(ms(0), ms(3000));

    AtomicReference<Throwable> refused = new AtomicReference<>();
    cache.token().subscribe(t -> {}, refused::set);
    assertThat(refused.get()).as("refused at once, not held by the probe").hasMessage("503");
  }

  @Test
  void theStatusNamesTheNextProbeStepAsTheNextAttempt() {
    newCache(rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(10));
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(LATENCY); // failed at 0.1 s: the first step is due at 1.1 s

    assertThat(cache.status().nextAttemptAt()).contains(start.plus(ms(1100)));
    assertThat(cache.status().lastFailureAt()).contains(start.plus(ms(100)));
  }

  @Test
  void aFailedFetchAfterTheCachedTokenExpiredIsProbedLikeOneWithNoToken() {
    // Steps of 1 s, 2 s, 4 s, ... without jitter, so that every instant below is exact.
    newCache(
        rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)),
        Duration.ofSeconds(10),
        step -> Duration.ofSeconds(1L << step));
    cache.token().subscribe(t -> {});
    time.advanceTimeBy(LATENCY); // token-1, living 24 h
    clock.jump(Duration.ofHours(25)); // past its expiry, without the refresh timer firing
    Instant expiredFrom = clock.instant();
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));

    callersFor(Duration.ofSeconds(2)); // the EXPIRED token's fetch fails 100 ms after its start
    endpoint.failAlways(null);
    List<Duration> served = callersFor(Duration.ofSeconds(2));

    // The fetch at 0 s (from the jump) fails at 0.1 s; step 0 (1 s) after it, a probe at 1.1 s,
    // which fails at 1.2 s; step 1 (2 s) after that, at 3.2 s, a probe that brings a token.
    List<Duration> sent = new ArrayList<>();
    for (Instant at : requests.subList(1, requests.size())) {
      sent.add(Duration.between(expiredFrom, at));
    }
    assertThat(sent).containsExactly(ms(0), ms(1100), ms(3200));
    assertThat(served.get(0)).isEqualTo(Duration.between(start, expiredFrom).plus(ms(3300)));
  }

  @Test
  void aCallerAfterTheCooldownsEndWaitsForTheProbeInFlightInsteadOfSendingASecondRequest() {
    newCache(
        rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofMillis(2500));
    endpoint.latency(Duration.ofSeconds(2)).failAlways(FakeTokenEndpoint.transientFailure("503"));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(ms(2100)); // failed at 2 s, cooldown until 4.5 s
    cache.token().subscribe(t -> {}, e -> {}); // refused at 2.1 s
    endpoint.failAlways(null);
    time.advanceTimeBy(ms(2500)); // the probe went at 3 s and answers at 5 s; now 4.6 s

    AtomicReference<AccessToken> got = new AtomicReference<>();
    cache.token().subscribe(got::set);
    assertThat(got.get()).as("waiting for the probe").isNull();
    time.advanceTimeBy(ms(400));

    assertThat(got.get().value()).isEqualTo("token-2");
    assertThat(requestOffsets()).containsExactly(ms(0), ms(3000));
  }

  @Test
  void aProbeStepWokenEarlyByTheClockGoingBackWaitsForTheStepsInstantOnTheClock() {
    newCache(rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(30));
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(ms(200)); // failed at 0.1 s: the first step is due at 1.1 s on the clock
    cache.token().subscribe(t -> {}, e -> {}); // refused at 0.2 s
    clock.jump(Duration.ofSeconds(-5)); // the step's timer now goes off at -3.9 s on the clock

    time.advanceTimeBy(ms(5800)); // the clock reads 1.0 s
    assertThat(requestOffsets()).containsExactly(ms(0));
    time.advanceTimeBy(ms(200));
    assertThat(requestOffsets()).containsExactly(ms(0), ms(1100));
  }

  /**
   * A 10 s token (STALE from 5 s, EXPIRED from 9 s) whose refresh, at 5 s, fails: the cooldown
   * (10 s) lasts until 15.1 s, past the token's expiry.
   */
  private AccessToken aTokenWhoseRefreshFailedAtFiveSeconds() {
    newCache(rulesOnTime(0, Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(10));
    endpoint.lifetime(Duration.ofSeconds(10));
    AtomicReference<AccessToken> first = new AtomicReference<>();
    cache.token().subscribe(first::set);
    time.advanceTimeBy(LATENCY);
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("503"));
    return first.get();
  }

  @Test
  void aTokenThatExpiresDuringTheCooldownOfItsFailedRefreshIsProbedOneStepAfterItsExpiry() {
    aTokenWhoseRefreshFailedAtFiveSeconds();
    List<Duration> served = callersFor(ms(9400)); // callers from 0.1 s to 9.4 s
    endpoint.failAlways(null); // the service is back at 9.5 s
    served.addAll(callersFor(ms(2000)));

    // The refresh at 5 s fails; the token is served until its expiry at 9 s; one step (1 s) after
    // it, callers having been refused since, one probe: served again from 10.1 s, not 15.1 s.
    assertThat(requestOffsets()).containsExactly(ms(0), ms(5000), ms(10_000));
    assertThat(served).hasSize(89 + 14); // 0.1 s to 8.9 s, then 10.1 s to 11.4 s
    assertThat(served.get(89)).isEqualTo(ms(10_100));
  }

  @Test
  void aTokenInvalidatedDuringTheCooldownOfItsFailedRefreshIsProbedOneStepAfterTheInvalidation() {
    AccessToken rejected = aTokenWhoseRefreshFailedAtFiveSeconds();
    List<Duration> served = callersFor(ms(5900)); // callers from 0.1 s to 5.9 s
    cache.invalidate(rejected); // a 401 at 6 s
    served.addAll(callersFor(ms(500))); // refused
    endpoint.failAlways(null); // the service is back at 6.5 s
    served.addAll(callersFor(ms(1500)));

    assertThat(requestOffsets()).containsExactly(ms(0), ms(5000), ms(7000));
    assertThat(served).hasSize(59 + 9); // 0.1 s to 5.9 s, then 7.1 s to 7.9 s
    assertThat(served.get(59)).isEqualTo(ms(7100));
  }

  @Test
  void anInvalidationOnAClockSetBackBeforeTheFailureIsProbedAStepAfterTheFailureNotAtIt() {
    AccessToken rejected = aTokenWhoseRefreshFailedAtFiveSeconds();
    callersFor(ms(5900)); // the clock at 6 s
    clock.jump(Duration.ofSeconds(-10)); // the wall clock set back: it reads -4 s
    cache.invalidate(rejected); // at -4 s, before the failure at 5.1 s
    endpoint.failAlways(null); // the service is back
    List<Duration> served = callersFor(ms(11_000)); // the clock from -4 s to 7 s

    // Step 0 counts from the failure (5.1 s), not from the invalidation's earlier reading, and
    // not from the failure itself (its Retry-After is none): one probe at 6.1 s on the clock.
    assertThat(requestOffsets()).containsExactly(ms(0), ms(5000), ms(6100));
    assertThat(served.get(0)).isEqualTo(ms(6200));
  }
}

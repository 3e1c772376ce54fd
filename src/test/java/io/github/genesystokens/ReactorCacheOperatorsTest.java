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
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * What reactor-core's caching operators do in the situations {@link TokenCache} is built for,
 * measured side by side with {@link TokenCache} itself: the evidence for "Why not
 * {@code Mono.cache}" in {@code docs/design.md}.
 *
 * <p>Every candidate caches the same counted fetch ({@link FakeTokenEndpoint}: 100 ms of virtual
 * latency, numbered day-long tokens) and drops a token at the instant the library calls it
 * EXPIRED (60 s before its expiry). The operators are given the best use we could write: a ttl
 * derived from the token's expiry, a set of rejected tokens for the predicate, a trigger filtered
 * on the rejected token. All timers run on one {@link VirtualTimeScheduler}, and the clock reads
 * it; a "herd" is 1000 subscriptions from 8 threads while no virtual time passes, so that all of
 * them arrive before the fetch can complete and the counts are exact.
 */
class ReactorCacheOperatorsTest {

  private static final Duration DAY = Duration.ofHours(24);
  private static final Duration LATENCY = Duration.ofMillis(100);
  private static final Duration SKEW = Duration.ofSeconds(60);
  private static final Duration COOLDOWN = Duration.ofSeconds(5);
  /** Virtual time since the first request at which the first token turns STALE / EXPIRED. */
  private static final Duration STALE_POINT = DAY.minusMinutes(5);
  private static final Duration EXPIRY_POINT = DAY.minus(SKEW);
  private static final int HERD = 1000;
  private static final TokenException DOWN = FakeTokenEndpoint.transientFailure("login down");

  private VirtualTimeScheduler time;
  private TestClock clock;
  private FakeTokenEndpoint endpoint;
  private TokenCache library;

  /** A cache that can be told a token was rejected (a resource server answered 401). */
  private record Invalidatable(Mono<AccessToken> token, Consumer<AccessToken> invalidate) {}

  @BeforeEach
  void virtualTime() {
    time = VirtualTimeScheduler.create();
    clock = TestClock.following(time);
    endpoint = new FakeTokenEndpoint(clock, time);
  }

  @AfterEach
  void closeTheLibrary() {
    if (library != null) {
      library.close();
    }
  }

  // The candidates.

  private Mono<AccessToken> fetch() {
    return Mono.defer(endpoint).map(IssuedToken::token);
  }

  /** Time left until the library would call {@code token} EXPIRED. */
  private Duration untilExpired(AccessToken token) {
    return Duration.between(clock.instant(), token.expiresAt().minus(SKEW));
  }

  /** {@code cache(ttlForValue, ttlForError, ttlForEmpty)}: nothing can invalidate it. */
  private Mono<AccessToken> cacheWithTtl() {
    return fetch().cache(this::untilExpired, error -> COOLDOWN, () -> Duration.ZERO, time);
  }

  private Invalidatable cacheInvalidateIf() {
    Set<AccessToken> rejected = ConcurrentHashMap.newKeySet(); // grows by one per 401'd token
    return new Invalidatable(
        fetch().cacheInvalidateIf(t -> rejected.contains(t) || untilExpired(t).toNanos() <= 0),
        rejected::add);
  }

  private Invalidatable cacheInvalidateWhen() {
    Sinks.Many<AccessToken> rejections = Sinks.many().multicast().directBestEffort();
    return new Invalidatable(
        fetch().cacheInvalidateWhen(t -> Mono.delay(untilExpired(t), time).then()
            .or(rejections.asFlux().filter(t::equals).next().then())),
        rejections::tryEmitNext);
  }

  private Invalidatable tokenCache() {
    library = new TokenCache(endpoint, new RefreshPolicy(Duration.ofMinutes(5), SKEW), clock,
        time, COOLDOWN, "test", () -> {});
    return new Invalidatable(library.token(), library::invalidate);
  }

  // 1. A STALE token: refresh-ahead or not.

  @Test
  void cacheWithAnExpiryTtlHasNoRefreshAheadSoTheCallerAtExpiryWaitsForTheFetch() {
    assertNoRefreshAhead(cacheWithTtl());
  }

  @Test
  void cacheInvalidateIfHasNoRefreshAheadSoTheCallerAtExpiryWaitsForTheFetch() {
    assertNoRefreshAhead(cacheInvalidateIf().token());
  }

  @Test
  void cacheInvalidateWhenHasNoRefreshAheadSoTheCallerAtExpiryWaitsForTheFetch() {
    assertNoRefreshAhead(cacheInvalidateWhen().token());
  }

  @Test
  void tokenCacheServesTheStaleTokenAtOnceWhileOneBackgroundRefreshRuns() {
    Mono<AccessToken> cache = tokenCache().token();
    AccessToken first = waitedToken(cache);
    advanceTo(STALE_POINT); // the refresh timer fires
    for (int i = 0; i < HERD; i++) {
      assertThat(immediateToken(cache)).isEqualTo(first);
    }
    assertThat(endpoint.fetches()).as("one background refresh").isEqualTo(2);
    advanceTo(EXPIRY_POINT);
    assertThat(immediateToken(cache).value()).isEqualTo("token-2");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  private void assertNoRefreshAhead(Mono<AccessToken> cache) {
    AccessToken first = waitedToken(cache);
    advanceTo(STALE_POINT);
    assertThat(immediateToken(cache)).isEqualTo(first);
    assertThat(endpoint.fetches()).as("no refresh ahead of expiry").isEqualTo(1);
    advanceTo(EXPIRY_POINT);
    assertThat(waitedToken(cache).value()).isEqualTo("token-2");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  // 2. The only subscriber of an in-flight fetch cancels.

  @Test
  void cacheLetsTheFetchOfACancelledSoleSubscriberFinishAndCachesItsToken() {
    assertSoleCancelKeepsTheFetch(cacheWithTtl());
  }

  @Test
  void cacheInvalidateIfCancelsTheFetchOfACancelledSoleSubscriberSoTheNextCallerFetchesAgain() {
    assertSoleCancelCancelsTheFetch(cacheInvalidateIf().token());
  }

  @Test
  void cacheInvalidateWhenCancelsTheFetchOfACancelledSoleSubscriberSoTheNextCallerFetchesAgain() {
    assertSoleCancelCancelsTheFetch(cacheInvalidateWhen().token());
  }

  @Test
  void tokenCacheLetsTheFetchOfACancelledSoleSubscriberFinishAndCachesItsToken() {
    assertSoleCancelKeepsTheFetch(tokenCache().token());
  }

  private void assertSoleCancelKeepsTheFetch(Mono<AccessToken> cache) {
    cache.subscribe().dispose();
    time.advanceTimeBy(LATENCY);
    assertThat(endpoint.cancelled()).isZero();
    assertThat(immediateToken(cache).value()).isEqualTo("token-1");
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  private void assertSoleCancelCancelsTheFetch(Mono<AccessToken> cache) {
    cache.subscribe().dispose();
    time.advanceTimeBy(LATENCY);
    assertThat(endpoint.cancelled()).isEqualTo(1);
    assertThat(waitedToken(cache).value()).isEqualTo("token-2");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  // 3. A herd on an empty cache, and at the expiry point.

  @Test
  void cacheGivesAHerdOneFetchAndMakesTheHerdAtExpiryWaitForOneMore() throws Exception {
    assertHerdsWaitForOneFetchEach(cacheWithTtl());
  }

  @Test
  void cacheInvalidateIfGivesAHerdOneFetchAndMakesTheHerdAtExpiryWaitForOneMore() throws Exception {
    assertHerdsWaitForOneFetchEach(cacheInvalidateIf().token());
  }

  @Test
  void cacheInvalidateWhenGivesAHerdOneFetchAndMakesTheHerdAtExpiryWaitForOneMore() throws Exception {
    assertHerdsWaitForOneFetchEach(cacheInvalidateWhen().token());
  }

  @Test
  void tokenCacheGivesAHerdOneFetchAndServesTheHerdAtExpiryAtOnce() throws Exception {
    Mono<AccessToken> cache = tokenCache().token();
    assertHerdWaitsForFetch(cache, 1, "token-1");
    advanceTo(EXPIRY_POINT); // refreshed at the STALE point
    for (int i = 0; i < HERD; i++) {
      assertThat(immediateToken(cache).value()).isEqualTo("token-2");
    }
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  private void assertHerdsWaitForOneFetchEach(Mono<AccessToken> cache) throws Exception {
    assertHerdWaitsForFetch(cache, 1, "token-1");
    advanceTo(EXPIRY_POINT);
    assertHerdWaitsForFetch(cache, 2, "token-2");
  }

  private void assertHerdWaitsForFetch(Mono<AccessToken> cache, int fetches, String token)
      throws Exception {
    List<Got> herd = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    for (int i = 0; i < HERD; i++) {
      threads.submit(() -> herd.add(start.await(5, TimeUnit.SECONDS) ? subscribe(cache) : null));
    }
    start.countDown();
    threads.shutdown();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(herd).hasSize(HERD).as("served at once").noneMatch(got -> got.token != null);
    assertThat(endpoint.fetches()).isEqualTo(fetches);
    time.advanceTimeBy(LATENCY);
    assertThat(herd).allMatch(got -> got.token != null && got.token.value().equals(token));
  }

  // 4. Two callers report a 401 for the same token, and one more comes late for the old token.

  @Test
  void cacheCannotBeInvalidatedSoARejectedTokenIsServedUntilItsTtlEnds() {
    Mono<AccessToken> cache = cacheWithTtl();
    AccessToken rejected = waitedToken(cache);
    advanceTo(EXPIRY_POINT.minusSeconds(1));
    assertThat(immediateToken(cache)).isEqualTo(rejected);
    assertThat(endpoint.fetches()).isEqualTo(1);
    advanceTo(EXPIRY_POINT);
    assertThat(waitedToken(cache).value()).isEqualTo("token-2");
  }

  @Test
  void cacheInvalidateIfWithASetOfRejectedTokensDropsOnlyTheRejectedToken() {
    assertCompareAndInvalidate(cacheInvalidateIf());
  }

  @Test
  void cacheInvalidateWhenWithATriggerFilteredOnTheTokenDropsOnlyTheRejectedToken() {
    assertCompareAndInvalidate(cacheInvalidateWhen());
  }

  @Test
  void cacheInvalidateWhenWithATriggerOnAny401DropsTheNewTokenOnALateReportForTheOldOne() {
    Sinks.Many<AccessToken> rejections = Sinks.many().multicast().directBestEffort();
    Mono<AccessToken> cache =
        fetch().cacheInvalidateWhen(t -> rejections.asFlux().next().then());
    AccessToken old = waitedToken(cache);
    rejections.tryEmitNext(old);
    waitedToken(cache);
    rejections.tryEmitNext(old); // late: its token was already replaced
    assertThat(waitedToken(cache).value()).isEqualTo("token-3");
    assertThat(endpoint.fetches()).isEqualTo(3);
  }

  @Test
  void tokenCacheDropsOnlyTheRejectedToken() {
    assertCompareAndInvalidate(tokenCache());
  }

  private void assertCompareAndInvalidate(Invalidatable cache) {
    AccessToken old = waitedToken(cache.token());
    cache.invalidate().accept(old);
    cache.invalidate().accept(old); // a second caller got a 401 with the same token
    AccessToken current = waitedToken(cache.token());
    assertThat(endpoint.fetches()).isEqualTo(2);
    cache.invalidate().accept(old); // late: its token was already replaced
    assertThat(immediateToken(cache.token())).isEqualTo(current);
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  // 5. A failed fetch: is the error cached, and for how long?

  @Test
  void cacheWithAnErrorTtlServesTheFailureForTheCooldownWithoutNewFetches() {
    assertFailureCooldown(cacheWithTtl());
  }

  @Test
  void cacheWithOneTtlServesAFailedFetchForTheWholeTtl() {
    Mono<AccessToken> cache = fetch().cache(EXPIRY_POINT, time);
    endpoint.thenFail(DOWN);
    assertThat(waitedError(cache)).isSameAs(DOWN);
    advanceTo(EXPIRY_POINT.minusSeconds(1)); // almost a day after the failure
    assertThat(immediateError(cache)).isSameAs(DOWN);
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  @Test
  void cacheInvalidateIfCachesNoErrorSoEveryCallerAfterAFailureFetchesAgain() {
    assertNoErrorCaching(cacheInvalidateIf().token());
  }

  @Test
  void cacheInvalidateWhenCachesNoErrorSoEveryCallerAfterAFailureFetchesAgain() {
    assertNoErrorCaching(cacheInvalidateWhen().token());
  }

  @Test
  void tokenCacheServesTheFailureForTheCooldownWithoutNewFetches() {
    assertFailureCooldown(tokenCache().token());
  }

  private void assertFailureCooldown(Mono<AccessToken> cache) {
    endpoint.failAlways(DOWN);
    assertThat(waitedError(cache)).isSameAs(DOWN);
    for (int i = 0; i < 49; i++) { // a caller every 100 ms, until 5 s after the failure
      assertThat(immediateError(cache)).isSameAs(DOWN);
      time.advanceTimeBy(Duration.ofMillis(100));
    }
    assertThat(endpoint.fetches()).isEqualTo(1);
    endpoint.failAlways(null);
    time.advanceTimeBy(Duration.ofMillis(100));
    assertThat(waitedToken(cache).value()).isEqualTo("token-2");
  }

  private void assertNoErrorCaching(Mono<AccessToken> cache) {
    endpoint.failAlways(DOWN);
    for (int i = 0; i < 10; i++) { // ten callers in one second
      assertThat(waitedError(cache)).isSameAs(DOWN);
    }
    assertThat(endpoint.fetches()).isEqualTo(10);
  }

  // 6. The wall clock jumps a day ahead (a suspended VM resumes); no timer has fired.

  @Test
  void cacheTimesItsTtlOnTheSchedulerSoAfterAClockJumpItServesAnExpiredToken() {
    assertServedAfterClockJump(cacheWithTtl());
  }

  @Test
  void cacheInvalidateWhenWithADelayTriggerServesAnExpiredTokenAfterAClockJump() {
    assertServedAfterClockJump(cacheInvalidateWhen().token());
  }

  @Test
  void cacheInvalidateIfReadsTheClockSoAfterAClockJumpTheCallerWaitsForANewToken() {
    assertRefetchedAfterClockJump(cacheInvalidateIf().token());
  }

  @Test
  void tokenCacheReadsTheClockSoAfterAClockJumpTheCallerWaitsForANewToken() {
    assertRefetchedAfterClockJump(tokenCache().token());
  }

  private void assertServedAfterClockJump(Mono<AccessToken> cache) {
    AccessToken first = waitedToken(cache);
    clock.jump(DAY);
    assertThat(immediateToken(cache)).isEqualTo(first);
    assertThat(first.expiresAt()).isBefore(clock.instant());
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  private void assertRefetchedAfterClockJump(Mono<AccessToken> cache) {
    waitedToken(cache);
    clock.jump(DAY);
    assertThat(waitedToken(cache).value()).isEqualTo("token-2");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  // Helpers.

  /** What one subscriber has received so far. */
  private static final class Got {
    volatile AccessToken token;
    volatile Throwable error;
  }

  private static Got subscribe(Mono<AccessToken> cache) {
    Got got = new Got();
    cache.subscribe(t -> got.token = t, e -> got.error = e);
    return got;
  }

  /** Subscribes and asserts that something arrived with no time passing. */
  private static Got immediate(Mono<AccessToken> cache) {
    Got got = subscribe(cache);
    assertThat(got.token != null || got.error != null).as("served at once").isTrue();
    return got;
  }

  /** Subscribes, asserts that nothing arrived at once, and lets one fetch's latency pass. */
  private Got waited(Mono<AccessToken> cache) {
    Got got = subscribe(cache);
    assertThat(got.token == null && got.error == null).as("waits for a fetch").isTrue();
    time.advanceTimeBy(LATENCY);
    return got;
  }

  private static AccessToken immediateToken(Mono<AccessToken> cache) {
    return assertThat(immediate(cache).token).isNotNull().actual();
  }

  private AccessToken waitedToken(Mono<AccessToken> cache) {
    return assertThat(waited(cache).token).isNotNull().actual();
  }

  private static Throwable immediateError(Mono<AccessToken> cache) {
    return assertThat(immediate(cache).error).isNotNull().actual();
  }

  private Throwable waitedError(Mono<AccessToken> cache) {
    return assertThat(waited(cache).error).isNotNull().actual();
  }

  /** Lets virtual time run to {@code sinceStart} after the first request. */
  private void advanceTo(Duration sinceStart) {
    time.advanceTimeBy(sinceStart.minusNanos(time.now(TimeUnit.NANOSECONDS)));
  }
}

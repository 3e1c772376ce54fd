package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The token pool on virtual time, each slot a {@link TokenCache} over one shared {@link
 * FakeTokenEndpoint}, wired as the builder wires them: which token a call gets, when the next one
 * is minted, what a 429 report answers, what {@code status()} says and what {@code close()}
 * closes. Every fetch takes 100 ms of virtual time and issues {@code token-n} for the n-th fetch,
 * so that who got which token, and how many requests were made, are exact.
 */
class TokenPoolVirtualTimeTest {

  private static final Duration LATENCY = Duration.ofMillis(100);
  private static final Duration PACING = TokenPool.MINT_INTERVAL;
  private static final RefreshPolicy POLICY =
      new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60));

  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
  private final TestClock clock = TestClock.following(time);
  private final FakeTokenEndpoint endpoint = new FakeTokenEndpoint(clock, time).latency(LATENCY);
  /** Every slot's cache, in the order the pool made them (slot index). */
  private final List<TokenCache> caches = new CopyOnWriteArrayList<>();
  /** Every token a slot holds, by slot index, as {@link #grown} obtained them. */
  private final List<AccessToken> held = new ArrayList<>();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final AtomicInteger released = new AtomicInteger();
  /** Run right after the cache of slot 1 is made, before the pool publishes the slot. */
  private volatile Runnable onSlotOneMade = () -> {};
  private TokenPool pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
    time.dispose();
  }

  private TokenPool pool(int maxSize, int limit) {
    TokenListener recorder =
        new TokenListener() {
          @Override
          public void onInvalidation(boolean accepted) {
            heard.add("invalidation " + accepted);
          }

          @Override
          public void onReplay(boolean recovered) {
            heard.add("replay " + recovered);
          }
        };
    Listeners listeners = Listeners.of(List.of(recorder), "client test");
    pool =
        new TokenPool(
            (index, issued) -> slotCache(index, issued, listeners),
            maxSize,
            limit,
            clock,
            "client test",
            URI.create("http://127.0.0.1:1/oauth/token"),
            released::incrementAndGet);
    return pool;
  }

  private TokenCache slotCache(int index, Consumer<AccessToken> issued, Listeners listeners) {
    TokenCache cache =
        new TokenCache(
            () -> endpoint.get().doOnNext(t -> issued.accept(t.token())),
            POLICY,
            clock,
            time,
            Duration.ofSeconds(5),
            "client test (pooled token " + (index + 1) + ")",
            () -> {},
            listeners);
    caches.add(cache);
    if (index == 1) {
      onSlotOneMade.run();
    }
    return cache;
  }

  /** One call to {@code token()} that is answered at once, with a ready token. */
  private AccessToken served() {
    AtomicReference<Object> got = new AtomicReference<>();
    pool.token().subscribe(got::set, got::set);
    assertThat(got.get()).as("answered at once with a token").isInstanceOf(AccessToken.class);
    return (AccessToken) got.get();
  }

  /** One call to {@code token()} that waits for a fetch, and gets its token when it ends. */
  private AccessToken awaited() {
    AtomicReference<Object> got = new AtomicReference<>();
    pool.token().subscribe(got::set, got::set);
    assertThat(got.get()).as("waiting for a fetch").isNull();
    time.advanceTimeBy(LATENCY);
    assertThat(got.get()).as("answered when the fetch ends").isInstanceOf(AccessToken.class);
    return (AccessToken) got.get();
  }

  /** One call to {@code token()} that fails at once. */
  private Throwable refused() {
    AtomicReference<Object> got = new AtomicReference<>();
    pool.token().subscribe(got::set, got::set);
    assertThat(got.get()).as("refused at once").isInstanceOf(Throwable.class);
    return (Throwable) got.get();
  }

  private static String value(AccessToken token) {
    return token.value();
  }

  /**
   * A pool holding {@code n} tokens, {@code token-1} to {@code token-n} in slots 0 to n-1, past
   * the pacing and every Retry-After: slot 0 has handed out one token, the others none. Each
   * slot after the first is minted by reporting every token held as rate-limited (one second):
   * the last report finds no other token with headroom and starts the mint.
   */
  private void grown(int n) {
    held.add(awaited());
    time.advanceTimeBy(PACING);
    for (int k = 1; k < n; k++) {
      for (int j = 0; j < k; j++) {
        assertThat(pool.reportRateLimited(held.get(j), Duration.ZERO)).isTrue();
      }
      assertThat(endpoint.fetches()).isEqualTo(k + 1);
      time.advanceTimeBy(LATENCY);
      held.add(heldBy(k));
      time.advanceTimeBy(PACING);
    }
    assertThat(held).extracting(AccessToken::value).hasSize(n).doesNotHaveDuplicates();
  }

  /** The token slot {@code index}'s cache serves at once, asked directly (not a pool request). */
  private AccessToken heldBy(int index) {
    AtomicReference<AccessToken> token = new AtomicReference<>();
    caches.get(index).token().subscribe(token::set);
    assertThat(token.get()).as("slot %d holds a token", index).isNotNull();
    return token.get();
  }

  // Choosing and growing

  @Test
  void theCallThatFindsTheLeastUsedTokenAtEightyPercentStartsTheNextMintAndIsServedAtOnce() {
    pool(3, 10);
    assertThat(value(awaited())).isEqualTo("token-1");
    time.advanceTimeBy(PACING);
    for (int call = 2; call <= 8; call++) {
      assertThat(value(served())).isEqualTo("token-1");
    }
    assertThat(endpoint.fetches()).isEqualTo(1);

    // The 9th call finds 8 requests (80 % of 10): the next token is requested, the call is served.
    assertThat(value(served())).isEqualTo("token-1");
    assertThat(endpoint.fetches()).isEqualTo(2);
    // The 10th still finds token-1 under the limit.
    assertThat(value(served())).isEqualTo("token-1");
    // The 11th finds it at the limit: it waits for the token being minted.
    assertThat(value(awaited())).isEqualTo("token-2");
    // Then the token with the fewest requests, with no third mint (token-2 is far from 80 %).
    assertThat(value(served())).isEqualTo("token-2");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void equallyUsedTokensServeTheFirstOneFirst() {
    pool(2, 10);
    grown(2); // token-1 handed out once, token-2 never
    assertThat(value(served())).isEqualTo("token-2");
    assertThat(value(served())).isEqualTo("token-1"); // one each: the first slot

    time.advanceTimeBy(Duration.ofSeconds(61)); // a quiet minute: none each
    assertThat(value(served())).isEqualTo("token-1");
    assertThat(value(served())).isEqualTo("token-2");
    assertThat(value(served())).isEqualTo("token-1");
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void aFailedFirstMintIsRepeatedToCallersWithoutAnotherRequest() {
    pool(2, 10);
    endpoint.thenFail(FakeTokenEndpoint.transientFailure("login service unavailable"));
    AtomicReference<Object> first = new AtomicReference<>();
    pool.token().subscribe(first::set, first::set);
    time.advanceTimeBy(LATENCY);
    assertThat(first.get()).isInstanceOf(TokenException.class);

    // No slot holds a token: slot 0 answers, with its failure during its cooldown, within the
    // pacing and after it.
    assertThat(refused()).isSameAs(first.get());
    time.advanceTimeBy(PACING);
    assertThat(refused()).isSameAs(first.get());
    assertThat(endpoint.fetches()).isEqualTo(1);
    assertThat(caches).hasSize(1);
  }

  // 429 reports

  @Test
  void aRateLimitedTokenIsSetAsideUntilItsRetryAfterEndsAndNotAMillisecondLonger() {
    pool(2, 10);
    grown(2);
    assertThat(value(served())).isEqualTo("token-2"); // one request each

    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(30))).isTrue();
    assertThat(value(served())).isEqualTo("token-2");
    assertThat(value(served())).isEqualTo("token-2");
    time.advanceTimeBy(Duration.ofMillis(29_999));
    assertThat(value(served())).isEqualTo("token-2");
    time.advanceTimeBy(Duration.ofMillis(1));
    assertThat(value(served())).isEqualTo("token-1"); // 1 request against token-2's 4
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void aTokenRateLimitedWithoutAUsableRetryAfterIsSetAsideForOneSecond() {
    pool(2, 10);
    grown(2);
    assertThat(value(served())).isEqualTo("token-2"); // one request each

    for (Duration unusable : List.of(Duration.ZERO, Duration.ofSeconds(-5))) {
      assertThat(pool.reportRateLimited(held.get(0), unusable)).isTrue();
      time.advanceTimeBy(Duration.ofMillis(999));
      assertThat(value(served())).as("set aside after %s", unusable).isEqualTo("token-2");
      time.advanceTimeBy(Duration.ofMillis(1));
      assertThat(value(served())).as("back after %s", unusable).isEqualTo("token-1");
    }
  }

  @Test
  void aRetryAfterBeyondTheClockSetsTheTokenAsideForGood() {
    endpoint.lifetime(Duration.ofDays(30));
    pool(3, 10);
    grown(3);
    // Too long for milliseconds, and too long to add to the clock's instant.
    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
    assertThat(pool.reportRateLimited(held.get(1), Duration.ofMillis(Long.MAX_VALUE))).isTrue();

    clock.jump(Duration.ofDays(1));
    assertThat(value(served())).isEqualTo("token-3");
    assertThat(value(served())).isEqualTo("token-3");
    assertThat(pool.toString())
        .containsPattern("token 1=FRESH until [^ ]+ \\(0 in the last minute, rate-limited\\)")
        .containsPattern("token 2=FRESH until [^ ]+ \\(0 in the last minute, rate-limited\\)")
        .containsPattern("token 3=FRESH until [^ ]+ \\(2 in the last minute\\)");
  }

  @Test
  void whenEveryTokenIsRateLimitedTheOneFreeSoonestIsServedTheFirstOnATie() {
    pool(3, 10);
    grown(3);

    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(20))).isTrue();
    assertThat(pool.reportRateLimited(held.get(1), Duration.ofSeconds(10))).isTrue();
    // None left with headroom, and the pool is full: no mint either.
    assertThat(pool.reportRateLimited(held.get(2), Duration.ofSeconds(10))).isFalse();

    assertThat(value(served())).isEqualTo("token-2");
    assertThat(value(served())).isEqualTo("token-2");
    time.advanceTimeBy(Duration.ofSeconds(10));
    assertThat(value(served())).isEqualTo("token-3"); // free again, and the least used
    assertThat(endpoint.fetches()).isEqualTo(3);
  }

  @Test
  void aReportAnswersTrueWhileAnotherTokenIsUnderTheLimitAndFalseOnceItReachesIt() {
    pool(2, 10);
    grown(2);
    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(30))).isTrue();
    for (int call = 1; call <= 9; call++) {
      assertThat(value(served())).isEqualTo("token-2");
    }
    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(30))).isTrue();

    assertThat(value(served())).isEqualTo("token-2"); // its 10th: at the limit
    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(30))).isFalse();
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void aTokenWhoseRetryAfterEndsNowHasHeadroom() {
    pool(2, 10);
    grown(2);
    assertThat(pool.reportRateLimited(held.get(1), Duration.ofSeconds(1))).isTrue();

    time.advanceTimeBy(Duration.ofMillis(999));
    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(5))).isFalse();
    time.advanceTimeBy(Duration.ofMillis(1));
    assertThat(pool.reportRateLimited(held.get(0), Duration.ofSeconds(5))).isTrue();
    assertThat(value(served())).isEqualTo("token-2");
  }

  @Test
  void aReportDuringAMintAnswersTrueAndWithinThePacingAfterItFalse() {
    pool(3, 10);
    grown(1);
    AccessToken first = held.get(0);
    assertThat(pool.reportRateLimited(first, Duration.ofSeconds(30))).isTrue(); // mints token-2
    assertThat(endpoint.fetches()).isEqualTo(2);
    // The token being minted will have headroom; no second mint meanwhile.
    assertThat(pool.reportRateLimited(first, Duration.ofSeconds(30))).isTrue();
    assertThat(endpoint.fetches()).isEqualTo(2);

    time.advanceTimeBy(LATENCY);
    AccessToken second = served();
    assertThat(second.value()).isEqualTo("token-2");
    // Both refused, 100 ms after the last mint started: no third one yet.
    assertThat(pool.reportRateLimited(second, Duration.ofSeconds(30))).isFalse();
    assertThat(endpoint.fetches()).isEqualTo(2);
    time.advanceTimeBy(PACING);
    assertThat(pool.reportRateLimited(second, Duration.ofSeconds(30))).isTrue();
    assertThat(endpoint.fetches()).isEqualTo(3);
  }

  @Test
  void aTokenBeingRenewedAfterAnInvalidationIsNotHeadroomWithinThePacing() {
    pool(2, 10);
    grown(1);
    assertThat(pool.reportRateLimited(held.get(0), Duration.ZERO)).isTrue(); // mints token-2
    time.advanceTimeBy(LATENCY);
    AccessToken second = served();
    assertThat(second.value()).isEqualTo("token-2");

    pool.invalidate(second); // renewed at once: token-3 is on its way
    assertThat(endpoint.fetches()).isEqualTo(3);
    assertThat(pool.reportRateLimited(held.get(0), Duration.ZERO)).isFalse();

    time.advanceTimeBy(LATENCY);
    assertThat(pool.reportRateLimited(held.get(0), Duration.ZERO)).isTrue();
    assertThat(value(served())).isEqualTo("token-3");
    assertThat(endpoint.fetches()).isEqualTo(3);
  }

  // Status, replays, invalidations, close

  @Test
  void theStatusIsThatOfTheFirstSlotHoldingAUsableToken() {
    pool(2, 10);
    TokenStatus fresh = pool.status();
    assertThat(fresh.phase()).isEqualTo(TokenStatus.Phase.EMPTY);
    assertThat(fresh.fetching()).isFalse();

    grown(2);
    assertThat(pool.status().expiresAt()).contains(held.get(0).expiresAt());

    pool.invalidate(held.get(0)); // slot 0 renews; slot 1 serves
    TokenStatus renewing = pool.status();
    assertThat(renewing.phase()).isEqualTo(TokenStatus.Phase.FRESH);
    assertThat(renewing.expiresAt()).contains(held.get(1).expiresAt());
    assertThat(renewing.fetching()).isFalse();

    time.advanceTimeBy(LATENCY);
    AccessToken renewed = heldBy(0);
    assertThat(renewed.value()).isEqualTo("token-3");
    assertThat(pool.status().expiresAt()).contains(renewed.expiresAt());
  }

  @Test
  void aReplayIsToldToTheListenersOnceWhateverThePoolSize() {
    pool(2, 10);
    grown(2);
    pool.reportReplay(true);
    pool.reportReplay(false);

    assertThat(heard).containsExactly("replay true", "replay false");
  }

  @Test
  void invalidatingATokenNoSlotHoldsIsOneIgnoredInvalidationAndNoRequest() {
    pool(2, 10);
    grown(2);
    pool.invalidate(new AccessToken("token-elsewhere", "bearer", Instant.now().plusSeconds(600)));
    assertThat(heard).containsExactly("invalidation false");
    assertThat(endpoint.fetches()).isEqualTo(2);

    pool.invalidate(held.get(1));
    assertThat(heard).containsExactly("invalidation false", "invalidation true");
    assertThat(endpoint.fetches()).isEqualTo(3);
  }

  @Test
  void closingThePoolClosesEverySlotAndReleasesTheConnectionPoolOnce() {
    pool(3, 10);
    grown(2);
    pool.close();
    pool.close();

    assertThat(released).hasValue(1);
    assertThat(caches).hasSize(2);
    assertThat(caches).allSatisfy(c -> assertThat(c.status().phase()).isEqualTo(TokenStatus.Phase.CLOSED));
    assertThat(pool.status().phase()).isEqualTo(TokenStatus.Phase.CLOSED);
    assertThat(refused()).isInstanceOf(TokenException.class).hasMessageContaining("closed");
    assertThat(pool.reportRateLimited(held.get(0), Duration.ZERO)).isFalse();
    assertThat(caches).hasSize(2);
    assertThat(endpoint.fetches()).isEqualTo(2);
  }

  @Test
  void aSlotMadeWhileThePoolClosesIsClosedTooAndNeverFetches() {
    pool(3, 10);
    grown(1);
    // close() on another thread, between the pool's decision to grow and its new slot's
    // publication: here, from within the making of that slot.
    onSlotOneMade = () -> pool.close();

    assertThat(pool.reportRateLimited(held.get(0), Duration.ZERO)).isFalse();
    assertThat(caches).hasSize(2);
    assertThat(caches).allSatisfy(c -> assertThat(c.status().phase()).isEqualTo(TokenStatus.Phase.CLOSED));
    assertThat(released).hasValue(1);
    time.advanceTimeBy(PACING);
    assertThat(refused()).isInstanceOf(TokenException.class).hasMessageContaining("closed");
    assertThat(endpoint.fetches()).isEqualTo(1);
  }
}

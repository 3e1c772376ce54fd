package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.TokenListener.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;

/**
 * The events a listener hears and the status the cache reports, on virtual time, with exact
 * counts: the fetcher is the fake endpoint wrapped as the builder wraps the real one ({@link
 * FetchEvents#eachAttempt} inside the retries).
 */
class TokenListenerTest {

  private static final Duration DAY = Duration.ofHours(24);
  private static final RefreshPolicy POLICY =
      new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60));

  private VirtualTimeScheduler time;
  private TestClock clock;
  private FakeTokenEndpoint endpoint;
  private Recorder recorder;
  private TokenCache cache;
  private final TestLogger logs = new TestLogger(false);

  @BeforeEach
  void virtualTime() {
    time = VirtualTimeScheduler.create();
    // The fake endpoint's latency is a Mono.delay on the default scheduler.
    clock = TestClock.following(time);
    endpoint = new FakeTokenEndpoint(clock, time);
    recorder = new Recorder();
    cache = newCache(List.of(recorder), 3);
  }

  @AfterEach
  void close() {
    cache.close();
    LoggerUtils.disableCapture();
  }

  private TokenCache newCache(List<TokenListener> listeners, int maxRetries) {
    RetryRules rules =
        new RetryRules(
            maxRetries, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(3), time);
    return new TokenCache(
        () -> FetchEvents.eachAttempt(endpoint.get()).retryWhen(rules.retry("test")),
        POLICY,
        clock,
        time,
        Duration.ofSeconds(5),
        "test",
        () -> {},
        Listeners.of(listeners, "test"));
  }

  private AccessToken awaitToken() {
    AtomicReference<AccessToken> got = new AtomicReference<>();
    cache.token().subscribe(got::set, e -> {});
    time.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(got.get()).as("token within 1 s of virtual time").isNotNull();
    return got.get();
  }

  @Test
  void aColdHerdIsOneFetchStartedOnFirstUseOneRequestAndOneIssueThenHits() throws Exception {
    int callers = 1000;
    CountDownLatch subscribed = new CountDownLatch(callers);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < callers; i++) {
        threads.execute(
            () -> {
              cache.token().subscribe(t -> {}, e -> {});
              subscribed.countDown();
            });
      }
      assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      threads.shutdown();
    }
    time.advanceTimeBy(Duration.ofMillis(100));

    assertThat(recorder.events)
        .containsExactly(
            "started FIRST_USE", "request 1 ok PT0.1S", "issued attempts=1 lifetime=PT24H in PT0.1S");
    assertThat(recorder.hits.get()).isZero();

    for (int i = 0; i < 5; i++) {
      cache.token().subscribe(t -> {}, e -> {});
    }
    assertThat(recorder.hits.get()).isEqualTo(5);
  }

  @Test
  void theTimerTriggersTheRefreshWhenNobodyCalls() {
    awaitToken();
    time.advanceTimeBy(DAY.minusMinutes(5)); // nobody calls: the timer refreshes at the stale point

    assertThat(recorder.events)
        .containsExactly(
            "started FIRST_USE",
            "request 1 ok PT0.1S",
            "issued attempts=1 lifetime=PT24H in PT0.1S",
            "started TIMER",
            "request 1 ok PT0.1S",
            "issued attempts=1 lifetime=PT24H in PT0.1S");
    assertThat(recorder.hits.get()).isZero();
  }

  @Test
  void refreshAheadByACallerIsReportedWithItsTrigger() {
    awaitToken();
    clock.jump(DAY.minusMinutes(4));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(Duration.ofMillis(100));

    assertThat(recorder.events.stream().filter(e -> e.startsWith("started")))
        .containsExactly("started FIRST_USE", "started REFRESH_AHEAD");
    assertThat(recorder.hits.get()).as("the stale token was served at once").isEqualTo(1);
  }

  @Test
  void anExpiredTokenTriggersAnExpiredFetch() {
    awaitToken();
    clock.jump(DAY); // past expiry; no timer fired
    awaitToken();

    assertThat(recorder.events.stream().filter(e -> e.startsWith("started")))
        .containsExactly("started FIRST_USE", "started EXPIRED");
  }

  @Test
  void invalidationsAreAcceptedOnceThenIgnoredAndTheNextFetchIsTriggeredByThem() {
    AccessToken first = awaitToken();
    cache.invalidate(first);
    cache.invalidate(first);
    awaitToken();
    cache.invalidate(first);

    assertThat(recorder.events)
        .containsExactly(
            "started FIRST_USE",
            "request 1 ok PT0.1S",
            "issued attempts=1 lifetime=PT24H in PT0.1S",
            "invalidation accepted",
            "invalidation ignored",
            "started INVALIDATED",
            "request 1 ok PT0.1S",
            "issued attempts=1 lifetime=PT24H in PT0.1S",
            "invalidation ignored");
  }

  @Test
  void eachRetriedRequestIsNumberedAndTimedAndTheFetchCountsThemAll() {
    endpoint.thenFail(
        FakeTokenEndpoint.transientFailure("throttled"), FakeTokenEndpoint.transientFailure("503"));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(Duration.ofSeconds(10));

    assertThat(recorder.events)
        .containsExactly(
            "started FIRST_USE",
            "request 1 failed retryable PT0.1S",
            "request 2 failed retryable PT0.1S",
            "request 3 ok PT0.1S",
            // 3 requests of 0.1 s and 2 waits of exactly 1 s (backoff min = max: no jitter)
            "issued attempts=3 lifetime=PT24H in PT2.3S");
  }

  @Test
  void aFinalFailureIsReportedWithItsAttemptsAndShownInTheStatusUntilASuccess() {
    TokenException refused = new TokenException("invalid_client", null, false);
    endpoint.thenFail(refused);
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(Duration.ofMillis(100));
    Instant failedAt = clock.instant();

    assertThat(recorder.events)
        .containsExactly(
            "started FIRST_USE", "request 1 failed terminal PT0.1S", "failed attempts=1 in PT0.1S");
    TokenStatus status = cache.status();
    assertThat(status.phase()).isEqualTo(TokenStatus.Phase.EMPTY);
    assertThat(status.lastFailure()).containsSame(refused);
    assertThat(status.lastFailureAt()).contains(failedAt);
    assertThat(status.nextAttemptAt()).contains(failedAt.plusSeconds(5));
    assertThat(status.fetching()).isFalse();

    time.advanceTimeBy(Duration.ofSeconds(5));
    awaitToken();
    assertThat(cache.status().lastFailure()).isEmpty();
    assertThat(cache.status().lastFailureAt()).isEmpty();
  }

  @Test
  void theStatusFollowsThePhasesWithoutFetching() {
    assertThat(cache.status().phase()).isEqualTo(TokenStatus.Phase.EMPTY);
    assertThat(cache.status().expiresAt()).isEmpty();
    assertThat(cache.status().nextAttemptAt()).contains(clock.instant());

    cache.token().subscribe(t -> {}, e -> {});
    assertThat(cache.status().fetching()).isTrue();
    assertThat(cache.status().nextAttemptAt()).isEmpty();
    time.advanceTimeBy(Duration.ofMillis(100));

    Instant expiresAt = TestClock.ORIGIN.plus(DAY);
    TokenStatus fresh = cache.status();
    assertThat(fresh.phase()).isEqualTo(TokenStatus.Phase.FRESH);
    assertThat(fresh.expiresAt()).contains(expiresAt);
    assertThat(fresh.fetching()).isFalse();
    assertThat(fresh.nextAttemptAt()).contains(expiresAt.minusSeconds(300));
    assertThat(fresh.toString()).doesNotContain("token-1");

    clock.jump(DAY.minusMinutes(4));
    assertThat(cache.status().phase()).isEqualTo(TokenStatus.Phase.STALE);
    clock.jump(Duration.ofMinutes(4));
    assertThat(cache.status().phase()).isEqualTo(TokenStatus.Phase.EXPIRED);
    assertThat(cache.status().expiresAt()).contains(expiresAt);
    assertThat(endpoint.fetches()).as("status() never fetches").isEqualTo(1);

    cache.close();
    assertThat(cache.status().phase()).isEqualTo(TokenStatus.Phase.CLOSED);
  }

  @Test
  void aProviderOfAnotherLibraryReportsAnUnknownStatusAndIgnoresReplays() {
    TokenProvider foreign =
        new TokenProvider() {
          @Override
          public Mono<AccessToken> token() {
            return Mono.empty();
          }

          @Override
          public void invalidate(AccessToken rejected) {}

          @Override
          public void close() {}
        };
    foreign.reportReplay(true);
    assertThat(foreign.status().phase()).isEqualTo(TokenStatus.Phase.UNKNOWN);
    assertThat(foreign.status().expiresAt()).isEmpty();
    assertThat(foreign.status().lastFailure()).isEmpty();
    assertThat(foreign.status().nextAttemptAt()).isEmpty();
  }

  @Test
  void closingDuringAFetchEndsItAsFailedAndTellsTheListenersOnce() {
    cache.token().subscribe(t -> {}, e -> {});
    cache.close();
    cache.close();

    assertThat(recorder.events).containsExactly("started FIRST_USE", "failed attempts=1 in PT0S", "closed");
  }

  @Test
  void listenersAreCalledInOrderAndOneThatThrowsIsLoggedOnceAndBreaksNothing() {
    LoggerUtils.enableCaptureWith(logs, false);
    List<String> order = new CopyOnWriteArrayList<>();
    TokenListener throwing =
        new TokenListener() {
          @Override
          public Fetch onFetchStarted(Trigger trigger) {
            order.add("throwing");
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onCacheHit() {
            throw new IllegalStateException("listener bug");
          }
        };
    TokenListener second =
        new TokenListener() {
          @Override
          public Fetch onFetchStarted(Trigger trigger) {
            order.add("second");
            return Fetch.NONE;
          }
        };
    cache.close();
    cache = newCache(List.of(throwing, second, recorder), 3);

    awaitToken();
    immediate();
    immediate();

    assertThat(order).containsExactly("throwing", "second");
    assertThat(recorder.hits.get()).isEqualTo(2);
    String all = logs.getOutContent() + logs.getErrContent();
    assertThat(all.lines().filter(l -> l.contains("[ WARN]") && l.contains("listener bug")))
        .hasSize(1);
    assertThat(all).contains("threw from onFetchStarted");
  }

  @Test
  void aListenerThatOverridesNothingHearsEachFetchWithFetchNoneNeverNull() {
    // Public contract: a listener that forwards to others (a tee, a filter by trigger) calls their
    // onFetchStarted itself and uses what it returns.
    TokenListener nothing = new TokenListener() {};
    for (Trigger trigger : Trigger.values()) {
      assertThat(nothing.onFetchStarted(trigger)).isSameAs(TokenListener.Fetch.NONE);
    }
  }

  private void immediate() {
    AtomicReference<AccessToken> got = new AtomicReference<>();
    cache.token().subscribe(got::set);
    assertThat(got.get()).isNotNull();
  }

  @Test
  void aFailureEpisodeIsOneWarnWhenItStartsAndOneInfoWhenItEnds() {
    LoggerUtils.enableCaptureWith(logs, false);
    endpoint.failAlways(new TokenException("endpoint down", null, false));
    for (int i = 0; i < 3; i++) {
      cache.token().subscribe(t -> {}, e -> {});
      cache.token().subscribe(t -> {}, e -> {});
      time.advanceTimeBy(Duration.ofSeconds(6)); // past each cooldown
    }
    assertThat(endpoint.fetches()).isEqualTo(3);
    endpoint.failAlways(null);
    awaitToken();
    // A later, separate episode warns again.
    AccessToken current = awaitToken();
    cache.invalidate(current);
    endpoint.thenFail(new TokenException("endpoint down again", null, false));
    cache.token().subscribe(t -> {}, e -> {});
    time.advanceTimeBy(Duration.ofSeconds(1));

    // The capture writes WARN and ERROR to its err buffer, the rest to its out buffer.
    List<String> warnings = logs.getErrContent().lines().collect(Collectors.toList());
    List<String> infos =
        logs.getOutContent().lines().filter(l -> l.contains("[ INFO]")).collect(Collectors.toList());
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("[ WARN]").contains("endpoint down").doesNotContain("again");
    assertThat(warnings.get(1)).contains("[ WARN]").contains("endpoint down again");
    assertThat(infos).hasSize(1);
    assertThat(infos.get(0)).contains("succeeded again, after failures since");
    assertThat(logs.getOutContent()).contains("[DEBUG] token request failed again: endpoint down");
  }

  /** Records every event as one line; hits only as a count. */
  static final class Recorder implements TokenListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger hits = new AtomicInteger();

    @Override
    public Fetch onFetchStarted(Trigger trigger) {
      events.add("started " + trigger);
      return new Fetch() {
        @Override
        public void onRequestSucceeded(int attempt, Duration duration) {
          events.add("request " + attempt + " ok " + duration);
        }

        @Override
        public void onRequestFailed(int attempt, Duration duration, TokenException failure) {
          events.add(
              "request "
                  + attempt
                  + " failed "
                  + (failure.isRetryable() ? "retryable " : "terminal ")
                  + duration);
        }

        @Override
        public void onIssued(Instant expiresAt, Duration lifetime, int attempts, Duration duration) {
          events.add("issued attempts=" + attempts + " lifetime=" + lifetime + " in " + duration);
        }

        @Override
        public void onFailed(TokenException failure, int attempts, Duration duration) {
          events.add("failed attempts=" + attempts + " in " + duration);
        }
      };
    }

    @Override
    public void onCacheHit() {
      hits.incrementAndGet();
    }

    @Override
    public void onInvalidation(boolean accepted) {
      events.add("invalidation " + (accepted ? "accepted" : "ignored"));
    }

    @Override
    public void onReplay(boolean recovered) {
      events.add("replay " + (recovered ? "recovered" : "rejected again"));
    }

    @Override
    public void onClosed() {
      events.add("closed");
    }
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * What {@link TokenCache#close()} lets go of: the refresh timer's task on the scheduler (which
 * would otherwise keep a closed cache reachable until the token's stale point, most of a day for
 * a 24-hour token) and the token request in flight.
 */
class TokenCacheCloseTest {

  private static final RefreshPolicy POLICY =
      new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60));

  private VirtualTimeScheduler time;
  private RecordingScheduler scheduler;
  private FakeTokenEndpoint endpoint;
  private final AtomicInteger releases = new AtomicInteger();
  private TokenCache cache;

  @BeforeEach
  void virtualTime() {
    time = VirtualTimeScheduler.create();
    TestClock clock = TestClock.following(time);
    scheduler = new RecordingScheduler(time);
    endpoint = new FakeTokenEndpoint(clock, time);
    cache =
        new TokenCache(
            endpoint, POLICY, clock, scheduler, Duration.ofSeconds(5), "test", releases::incrementAndGet);
  }

  @Test
  void closeRemovesThePendingRefreshTimerFromTheScheduler() {
    cache.token().subscribe();
    time.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(scheduler.tasks).as("the refresh timer, armed for the stale point").hasSize(1);
    assertThat(scheduler.tasks.get(0).isDisposed()).isFalse();

    cache.close();

    assertThat(scheduler.tasks).allMatch(Disposable::isDisposed);
    assertThat(releases.get()).isEqualTo(1);
  }

  @Test
  void closeCancelsTheTokenRequestInFlightSoItsReplyIsNeverCached() {
    AtomicReference<Throwable> waiter = new AtomicReference<>();
    cache.token().subscribe(null, waiter::set);
    assertThat(endpoint.fetches()).isEqualTo(1);

    cache.close();

    assertThat(endpoint.cancelled()).as("the request in flight is cancelled").isEqualTo(1);
    assertThat(waiter.get()).isInstanceOf(TokenException.class).hasMessageContaining("closed");
    time.advanceTimeBy(Duration.ofDays(2));
    assertThat(scheduler.tasks).as("no refresh timer armed by a late reply").isEmpty();
    assertThat(endpoint.fetches()).isEqualTo(1);
  }

  /** Delegates to the virtual time, keeping every task scheduled with a delay (the timers). */
  private static final class RecordingScheduler implements Scheduler {
    final List<Disposable> tasks = new CopyOnWriteArrayList<>();
    private final Scheduler delegate;

    RecordingScheduler(Scheduler delegate) {
      this.delegate = delegate;
    }

    @Override
    public Disposable schedule(Runnable task) {
      return delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
      Disposable scheduled = delegate.schedule(task, delay, unit);
      tasks.add(scheduled);
      return scheduled;
    }

    @Override
    public Worker createWorker() {
      return delegate.createWorker();
    }
  }
}

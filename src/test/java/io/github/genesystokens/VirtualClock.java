package io.github.genesystokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A {@link Clock} that reads a {@link VirtualTimeScheduler}, so that the provider's instants and
 * Reactor's timers (delays, retries, the refresh timer) move together in tests.
 */
public final class VirtualClock extends Clock {

  /** What virtual time zero reads as. */
  public static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

  private final VirtualTimeScheduler scheduler;
  private volatile Duration offset = Duration.ZERO;

  public VirtualClock(VirtualTimeScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public Instant instant() {
    return ORIGIN.plusNanos(scheduler.now(TimeUnit.NANOSECONDS)).plus(offset);
  }

  /**
   * Moves this clock without running the scheduler's tasks, as when a laptop wakes from sleep or
   * the wall clock is corrected: the instants jump, the timers do not fire.
   */
  public void jump(Duration by) {
    offset = offset.plus(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}

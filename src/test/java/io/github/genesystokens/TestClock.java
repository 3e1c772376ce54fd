package io.github.genesystokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The one clock of the tests and benchmarks: a time source plus an offset that the test moves.
 *
 * <ul>
 *   <li>{@link #following(VirtualTimeScheduler)}: reads the scheduler's virtual time, so that the
 *       provider's instants and its timers (delays, retries, the refresh timer) move together;
 *   <li>{@link #stoppedAt(Instant)}: moves only when the test {@linkplain #jump jumps} it, to drive
 *       the emulator's expiry and windows;
 *   <li>{@link #system()}: real time, which a benchmark jumps ahead to reach "one second before the
 *       renewal of a 120 s token" without waiting for it.
 * </ul>
 *
 * <p>{@link #jump} moves the instants without running any scheduler's tasks, as when a laptop wakes
 * from sleep or the wall clock is corrected: the instants jump, the timers do not fire.
 */
public final class TestClock extends Clock {

  /** What virtual time zero reads as. */
  public static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

  private final Instant origin;
  private final LongSupplier elapsedNanos;
  private final AtomicLong offsetNanos = new AtomicLong();

  private TestClock(Instant origin, LongSupplier elapsedNanos) {
    this.origin = origin;
    this.elapsedNanos = elapsedNanos;
  }

  /** A clock at {@link #ORIGIN} plus the scheduler's virtual time. */
  public static TestClock following(VirtualTimeScheduler scheduler) {
    return new TestClock(ORIGIN, () -> scheduler.now(TimeUnit.NANOSECONDS));
  }

  /** A clock that stands at {@code start} until the test jumps it. */
  public static TestClock stoppedAt(Instant start) {
    return new TestClock(start, () -> 0L);
  }

  /** The system's UTC clock, which the test can jump ahead. */
  public static TestClock system() {
    Clock system = Clock.systemUTC();
    return new TestClock(Instant.EPOCH, () -> nanosSinceEpoch(system.instant()));
  }

  private static long nanosSinceEpoch(Instant now) {
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Moves this clock by {@code by} (forward, or back when negative) without running any timer. */
  public void jump(Duration by) {
    offsetNanos.addAndGet(by.toNanos());
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(elapsedNanos.getAsLong() + offsetNanos.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}

package io.github.genesystokens.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock plus an offset that can jump forward, shared by the emulator and the clients so
 * that a scenario reaches "one second before the renewal of a 120 s token" without waiting for it.
 */
final class ShiftableClock extends Clock {

  private final AtomicLong offsetNanos = new AtomicLong();

  void advance(Duration by) {
    offsetNanos.addAndGet(by.toNanos());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }

  @Override
  public Instant instant() {
    return Instant.now().plusNanos(offsetNanos.get());
  }
}

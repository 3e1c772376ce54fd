package io.github.genesystokens;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits, in real time and within a bound, for something that happens on another thread. */
public final class Poll {

  private static final long INTERVAL_NANOS = Duration.ofMillis(10).toNanos();

  private Poll() {}

  /**
   * Reads {@code value} every 10 ms until it satisfies {@code done}.
   *
   * @throws AssertionError if it does not within {@code limit}
   */
  public static <T> T until(Supplier<T> value, Predicate<T> done, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    T last = value.get();
    while (!done.test(last)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still not done after " + limit + ", last value: " + last);
      }
      LockSupport.parkNanos(INTERVAL_NANOS);
      last = value.get();
    }
    return last;
  }
}

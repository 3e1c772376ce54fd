package io.github.genesystokens;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many requests one pooled token made over the last minute: a ring of per-second buckets,
 * lock-free.
 *
 * <p>Each bucket packs the second it counts (high 32 bits) and its count (low 32 bits) into one
 * {@code long}, so a bucket is claimed for a new second and counted with one compare-and-set and
 * never mixes two seconds. The window spans the current second and the 60 before it, so it never
 * counts less than a minute: a server counting any 60-second span sees at most what this counts.
 *
 * <p>The sum of the 60 finished seconds changes only when the second turns, so it is computed
 * once per second (by whichever caller sees the new second first; a race only computes it twice)
 * and cached in one packed {@code long}: a read is then two volatile reads, whatever the load.
 */
final class RequestWindow {

  static final int SECONDS = 60;
  private static final int BUCKETS = SECONDS + 1;
  private static final long COUNT_MASK = 0xFFFF_FFFFL;

  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  /**
   * (second << 32) | sum of the buckets of the 60 seconds before it. It starts as second 0 with a
   * sum of 0, which is true of a new window.
   */
  private final AtomicLong finished = new AtomicLong();

  /** Counts one request in {@code second} (epoch seconds of the provider's clock). */
  void record(long second) {
    int i = (int) Math.floorMod(second, (long) BUCKETS);
    for (; ; ) {
      long v = buckets.get(i);
      long next;
      if ((v >>> 32) == second) {
        if ((v & COUNT_MASK) == COUNT_MASK) {
          return; // 4 billion in one second: saturated, and far beyond any limit
        }
        next = v + 1;
      } else {
        next = (second << 32) | 1L;
      }
      if (buckets.compareAndSet(i, v, next)) {
        return;
      }
    }
  }

  /** The requests counted in {@code second} and the 60 seconds before it. */
  long count(long second) {
    long f = finished.get();
    long before = (f >>> 32) == second ? f & COUNT_MASK : sumBefore(second);
    long v = buckets.get((int) Math.floorMod(second, (long) BUCKETS));
    return before + ((v >>> 32) == second ? v & COUNT_MASK : 0);
  }

  private long sumBefore(long second) {
    long sum = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long v = buckets.get(i);
      long s = v >>> 32;
      if (v != 0 && s < second && s >= second - SECONDS) {
        sum += v & COUNT_MASK;
      }
    }
    finished.set((second << 32) | Math.min(sum, COUNT_MASK));
    return sum;
  }
}

package io.github.genesystokens.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The login service's limit on token creation: at most {@code maxTokens} tokens per client in any
 * sliding window of {@code window}. A refused request does not count, so a client that backs off
 * gets through once the window has moved on.
 */
final class MintThrottle {

  private final int maxTokens;
  private final Duration window;
  private final Map<String, Deque<Instant>> mintsByClient = new ConcurrentHashMap<>();

  /** No limit: the real limit is not published, so the emulator throttles only when asked to. */
  static MintThrottle unlimited() {
    return new MintThrottle(Integer.MAX_VALUE, Duration.ZERO);
  }

  MintThrottle(int maxTokens, Duration window) {
    this.maxTokens = maxTokens;
    this.window = window;
  }

  /** Records a mint at {@code now} and returns true, or returns false if it would exceed the limit. */
  boolean tryMint(String clientId, Instant now) {
    if (maxTokens == Integer.MAX_VALUE) {
      return true;
    }
    Deque<Instant> mints = mintsByClient.computeIfAbsent(clientId, id -> new ArrayDeque<>());
    // Held for a few deque operations only; contention is one client's own token requests.
    synchronized (mints) {
      Instant windowStart = now.minus(window);
      while (!mints.isEmpty() && !mints.peekFirst().isAfter(windowStart)) {
        mints.pollFirst();
      }
      if (mints.size() >= maxTokens) {
        return false;
      }
      mints.addLast(now);
      return true;
    }
  }

  /** The limit in words, for the throttle's description; a scripted throttle has no limit. */
  String describe() {
    if (maxTokens == Integer.MAX_VALUE) {
      return "try again later";
    }
    return "at most " + maxTokens + " tokens per " + window.toMillis() + " ms per client";
  }
}

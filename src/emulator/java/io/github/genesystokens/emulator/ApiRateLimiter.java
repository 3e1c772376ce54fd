package io.github.genesystokens.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Platform API's per-token limit ({@code client.credentials.token.rate.per.minute}, 300 by
 * default): a fixed one-minute window per token, opened by its first request. Every request counts,
 * refused ones included, as a client hammering a 429 is not doing the server a favour.
 */
final class ApiRateLimiter {

  static final Duration WINDOW = Duration.ofMinutes(1);

  /** The state of one token's window after counting a request. */
  record Decision(boolean allowed, int limit, int count, long resetSeconds) {}

  private final int limit;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  ApiRateLimiter(int limit) {
    this.limit = limit;
  }

  Decision count(String token, Instant now) {
    Window w =
        windows.compute(
            token,
            (t, old) ->
                old == null || !now.isBefore(old.end) ? new Window(now.plus(WINDOW), 1) : old.next());
    long reset = Math.max(1, Wire.ceilSeconds(Duration.between(now, w.end)));
    return new Decision(w.count <= limit, limit, w.count, reset);
  }

  private record Window(Instant end, int count) {
    Window next() {
      return new Window(end, count == Integer.MAX_VALUE ? count : count + 1);
    }
  }
}

package io.github.genesystokens;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a cached token stops being FRESH (a background refresh starts) and when it is EXPIRED
 * (callers wait for a new one).
 *
 * <p>Both margins are capped by the token's lifetime, so that a short-lived token is not born
 * stale or expired: the refresh starts no earlier than half-way through the lifetime, and the
 * expiry margin is at most a tenth of it. A 2-second token is thus FRESH for 1 s, STALE for
 * 0.8 s, and never causes a request per call.
 */
record RefreshPolicy(Duration refreshAhead, Duration expirySkew) {

  RefreshPolicy {
    Objects.requireNonNull(refreshAhead, "refreshAhead");
    Objects.requireNonNull(expirySkew, "expirySkew");
  }

  /** The phase of a cached token at one instant. */
  enum CacheState {
    /** Served without any request. */
    FRESH,
    /** Still served at once, while one background request renews it. */
    STALE,
    /** No longer served: callers wait for a new token. */
    EXPIRED
  }

  /** The instants at which {@code issued} becomes STALE and EXPIRED. */
  CachedToken schedule(IssuedToken issued) {
    Duration lifetime = issued.lifetime();
    Instant expiresAt = issued.token().expiresAt();
    Duration refreshMargin = min(refreshAhead, lifetime.dividedBy(2));
    Duration skewMargin = min(expirySkew, lifetime.dividedBy(10));
    return new CachedToken(
        issued.token(), expiresAt.minus(refreshMargin), expiresAt.minus(skewMargin));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}

package io.github.genesystokens;

import io.github.genesystokens.RefreshPolicy.CacheState;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * A token in the cache with the instants at which it turns STALE and EXPIRED. It keeps the
 * {@code Mono} that emits it so that serving a cached token allocates nothing.
 */
final class CachedToken {

  private final AccessToken token;
  private final Instant staleAt;
  private final Instant expiredAt;
  private final Mono<AccessToken> mono;

  CachedToken(AccessToken token, Instant staleAt, Instant expiredAt) {
    this.token = token;
    this.staleAt = staleAt;
    this.expiredAt = expiredAt;
    this.mono = Mono.just(token);
  }

  AccessToken token() {
    return token;
  }

  Instant staleAt() {
    return staleAt;
  }

  Instant expiredAt() {
    return expiredAt;
  }

  Mono<AccessToken> mono() {
    return mono;
  }

  CacheState stateAt(Instant now) {
    if (now.isBefore(staleAt)) {
      return CacheState.FRESH;
    }
    return now.isBefore(expiredAt) ? CacheState.STALE : CacheState.EXPIRED;
  }

  @Override
  public String toString() {
    return "CachedToken[staleAt=" + staleAt + ", expiredAt=" + expiredAt + "]";
  }
}

package io.github.genesystokens.internal;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.internal.RefreshPolicy.CacheState;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * A token in the cache with the instants at which it turns STALE and EXPIRED. It keeps the
 * {@code Mono} that emits it so that serving a cached token allocates nothing.
 */
public final class CachedToken {

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

  public AccessToken token() {
    return token;
  }

  public Instant staleAt() {
    return staleAt;
  }

  public Instant expiredAt() {
    return expiredAt;
  }

  Mono<AccessToken> mono() {
    return mono;
  }

  public CacheState stateAt(Instant now) {
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

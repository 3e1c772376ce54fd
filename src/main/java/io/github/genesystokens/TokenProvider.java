package io.github.genesystokens;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Hands out OAuth2 access tokens, cached and renewed ahead of expiry.
 *
 * <p>Build one with {@link GenesysTokenProvider#builder()} and share it: one provider per OAuth
 * client, for the life of the application. Every method is thread-safe and non-blocking.
 */
public interface TokenProvider extends AutoCloseable {

  /**
   * Returns a token that is valid now, lazily: nothing happens until subscription.
   *
   * <p>While the cached token is fresh the {@code Mono} completes at once, with no I/O. Shortly
   * before it expires it is still served at once while a single background request renews it.
   * When there is no usable token (first use, after expiry, after {@link #invalidate}), subscribers
   * wait for one request that they all share, whatever their number; a subscriber that cancels
   * does not cancel that request for the others, and its result is still cached.
   *
   * <p>Transient failures (HTTP 429, 5xx, the Genesys throttle, network faults, timeouts) are
   * retried with backoff inside that one request. A final failure is signalled as a
   * {@link TokenException} to every waiting subscriber and repeated, without new requests, to
   * subscribers of the next few seconds (the failure cooldown); errors are not cached longer.
   *
   * @return a {@code Mono} that emits a valid token or signals a {@link TokenException}; after
   *     {@link #close()} it signals a {@link TokenException}
   */
  Mono<AccessToken> token();

  /**
   * Tells the provider that a resource server rejected this token (HTTP 401), so the next
   * {@link #token()} fetches a new one.
   *
   * <p>Compare-and-invalidate: the cached token is dropped only if it is still the one given. Many
   * requests failing with the same token therefore cause one new token request, and a token that
   * was already replaced is ignored.
   *
   * @param rejected the token the resource server refused
   */
  void invalidate(AccessToken rejected);

  /**
   * What the provider is doing now: the phase of the cached token, its expiry, whether a fetch is
   * in flight, the last failure since the last success and when the next request may be made.
   * Never fetches, never blocks, never shows a token or a secret.
   *
   * <p>The default, for implementations other than this library's, is {@link
   * TokenStatus#unknown()}.
   *
   * @return a snapshot of the provider's state
   */
  default TokenStatus status() {
    return TokenStatus.unknown();
  }

  /**
   * Reports how a request ended that an adapter replayed with a new token after the API rejected
   * the previous one with HTTP 401 (and {@link #invalidate} was called), so that the provider's
   * {@linkplain TokenListener listeners} can count replays. The library's WebClient filter and its
   * Genesys SDK connector call it; it changes nothing in the cache.
   *
   * <p>The default, for implementations other than this library's, does nothing.
   *
   * @param recovered {@code true} if the replay was accepted, {@code false} if it was rejected
   *     again
   */
  default void reportReplay(boolean recovered) {}

  /**
   * Tells the provider that the API refused this token with HTTP 429 (its per-token rate limit),
   * and asks whether another token may have headroom. The library's WebClient filter and its
   * Genesys SDK connector call it on a 429 and, if it returns {@code true}, send the request once
   * more with a new {@link #token()}; otherwise the 429 reaches the caller.
   *
   * <p>A provider built with {@link GenesysTokenProvider.Builder#poolSize(int) poolSize(n)} of 2
   * or more sets that token aside until {@code retryAfter} has passed (at least one second) and
   * answers {@code true} if another of its tokens is under its limit, or if it has just started
   * minting one (the next {@code token()} then waits for it). The default, for a single-token
   * provider and for implementations other than this library's, changes nothing and returns
   * {@code false}.
   *
   * @param limited the token the API refused
   * @param retryAfter the wait the 429's {@code Retry-After} asked for; {@link Duration#ZERO}
   *     when it had none
   * @return whether a replay with another token may succeed
   */
  default boolean reportRateLimited(AccessToken limited, Duration retryAfter) {
    return false;
  }

  /**
   * Stops the background refresh and releases the resources the provider created (never an
   * {@code HttpClient} the caller supplied). Subscribers waiting for a token receive a
   * {@link TokenException}, as does every later {@link #token()}. Idempotent.
   */
  @Override
  void close();
}

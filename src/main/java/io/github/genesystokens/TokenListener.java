package io.github.genesystokens;

import java.time.Duration;
import java.time.Instant;

/**
 * Hears what a provider does: fetches and their token requests, cache hits, invalidations,
 * replays and closing. Register one with {@link GenesysTokenProvider.Builder#listener}; {@code
 * io.github.genesystokens.micrometer.GenesysTokenMetrics} is one that records meters and traces.
 *
 * <pre>{@code
 * TokenProvider tokens = GenesysTokenProvider.builder()
 *     ...
 *     .listener(new TokenListener() {
 *       public Fetch onFetchStarted(Trigger trigger) {
 *         return new Fetch() {
 *           public void onFailed(TokenException failure, int attempts, Duration duration) {
 *             alerts.tokenFailure(trigger, failure.getMessage());
 *           }
 *         };
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Every method has a no-op default: override only what you need. Methods are called on the
 * thread that caused the event (a caller's, an event loop, the provider's scheduler), so they must
 * be quick and must not block; {@link #onCacheHit()} is called on every served token. A listener
 * that throws is logged once at WARN and then ignored; it never fails a caller or a fetch.
 *
 * <p>No event carries a token value or the client secret.
 */
public interface TokenListener {

  /** Why a fetch started. */
  enum Trigger {
    /** A caller found no token: none was issued yet (or every fetch so far failed). */
    FIRST_USE,
    /** A caller found the cached token expired (within {@code expirySkew} of its expiry). */
    EXPIRED,
    /** A caller found the cached token stale (within {@code refreshAhead} of its expiry). */
    REFRESH_AHEAD,
    /**
     * The provider's timer, with no caller: the token turned stale, or a failed refresh may be
     * tried again while the token is still valid.
     */
    TIMER,
    /** A caller found no token because the last one was {@linkplain TokenProvider#invalidate invalidated}. */
    INVALIDATED,
    /**
     * The provider's recovery probe, with no caller waiting on it: no usable token is cached, a
     * transient failure's cooldown is refusing callers, and one request (no retries) checks on the
     * backoff schedule whether the login service is back. A token it brings ends the cooldown.
     */
    RECOVERY
  }

  /**
   * A fetch started: the one token request, retries included, that every waiting caller shares.
   * Called once per fetch, before its first token request.
   *
   * @param trigger why it started
   * @return the listener of this fetch's events; {@link Fetch#NONE} (the default) to ignore them
   */
  default Fetch onFetchStarted(Trigger trigger) {
    return Fetch.NONE;
  }

  /**
   * A caller was served the cached token without waiting (FRESH or STALE). Called on every such
   * call, the provider's hot path: keep it to a counter increment or leave it out.
   */
  default void onCacheHit() {}

  /**
   * {@link TokenProvider#invalidate(AccessToken)} was called.
   *
   * @param accepted {@code true} if the given token was the cached one and was dropped; {@code
   *     false} if it was ignored (already replaced or dropped, or the provider is closed)
   */
  default void onInvalidation(boolean accepted) {}

  /**
   * An adapter replayed a request with a new token after the API rejected the previous one with
   * HTTP 401, as reported by {@link TokenProvider#reportReplay(boolean)}.
   *
   * @param recovered {@code true} if the replay was accepted; {@code false} if it was rejected
   *     again
   */
  default void onReplay(boolean recovered) {}

  /** The provider was closed. Called once. */
  default void onClosed() {}

  /**
   * Hears the events of one fetch. Each fetch gets the object its {@link #onFetchStarted} returned,
   * so state kept here belongs to that fetch alone, even when one listener serves many providers.
   */
  interface Fetch {

    /** Ignores every event. */
    Fetch NONE = new Fetch() {};

    /**
     * One token request of this fetch was answered with a token (HTTP 2xx).
     *
     * @param attempt its number in this fetch, from 1
     * @param duration from sending the request to reading the reply, on the provider's clock
     */
    default void onRequestSucceeded(int attempt, Duration duration) {}

    /**
     * One token request of this fetch failed. A {@link TokenEndpointException} carries the HTTP
     * status; any other failure is a timeout (its cause a {@code TimeoutException}, the JDK's or
     * one of Netty's such as {@code ReadTimeoutException}) or a network fault. {@link TokenException#isRetryable()} says whether the provider retries it (within its
     * budget).
     *
     * @param attempt its number in this fetch, from 1
     * @param duration from sending the request to the failure, on the provider's clock
     * @param failure what went wrong
     */
    default void onRequestFailed(int attempt, Duration duration, TokenException failure) {}

    /**
     * The fetch ended with a token, now cached and served.
     *
     * @param expiresAt when the token expires
     * @param lifetime its {@code expires_in}
     * @param attempts how many token requests the fetch made
     * @param duration from the start of the fetch to the token, retry waits included
     */
    default void onIssued(Instant expiresAt, Duration lifetime, int attempts, Duration duration) {}

    /**
     * The fetch ended without a token; its waiting callers get {@code failure}.
     *
     * @param failure the final failure
     * @param attempts how many token requests the fetch made (0 if none could start)
     * @param duration from the start of the fetch to the failure, retry waits included
     */
    default void onFailed(TokenException failure, int attempts, Duration duration) {}
  }
}

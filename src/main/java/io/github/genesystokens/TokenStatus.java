package io.github.genesystokens;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider is doing, at one instant: for health checks, admin pages and logs. Returned by
 * {@link TokenProvider#status()}, which never fetches and never blocks.
 *
 * <p>Immutable. It never holds a token value or a secret; {@link #lastFailure()} is the exception
 * callers got, whose message names the client and the endpoint but no secret.
 */
public final class TokenStatus {

  /** The phase of the cached token, as {@code docs/design.md} ("FRESH, STALE, EXPIRED") names it. */
  public enum Phase {
    /** No token: none was issued yet, or the last one was invalidated. */
    EMPTY,
    /** A token is served without any request. */
    FRESH,
    /** A token is still served at once while one background request renews it. */
    STALE,
    /** The last token is no longer served: the next caller waits for a new one. */
    EXPIRED,
    /** The provider is closed. */
    CLOSED,
    /**
     * The provider does not report its state: the default of {@link TokenProvider#status()} for
     * implementations other than this library's.
     */
    UNKNOWN
  }

  private static final TokenStatus UNKNOWN_STATUS =
      new TokenStatus(Phase.UNKNOWN, null, false, null, null, null);

  private final Phase phase;
  private final Instant expiresAt;
  private final boolean fetching;
  private final TokenException lastFailure;
  private final Instant lastFailureAt;
  private final Instant nextAttemptAt;

  TokenStatus(
      Phase phase,
      Instant expiresAt,
      boolean fetching,
      TokenException lastFailure,
      Instant lastFailureAt,
      Instant nextAttemptAt) {
    this.phase = Objects.requireNonNull(phase, "phase");
    this.expiresAt = expiresAt;
    this.fetching = fetching;
    this.lastFailure = lastFailure;
    this.lastFailureAt = lastFailureAt;
    this.nextAttemptAt = nextAttemptAt;
  }

  /**
   * The status of a provider that does not report one: phase {@link Phase#UNKNOWN}, nothing else
   * known.
   *
   * @return the unknown status
   */
  public static TokenStatus unknown() {
    return UNKNOWN_STATUS;
  }

  /**
   * The phase of the cached token now.
   *
   * @return the phase
   */
  public Phase phase() {
    return phase;
  }

  /**
   * When the cached token expires ({@link AccessToken#expiresAt()}), also when it is already
   * {@link Phase#EXPIRED}.
   *
   * @return the instant, or empty when there is no token
   */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /**
   * Whether a fetch (a token request and its retries) is in flight.
   *
   * @return {@code true} while one is
   */
  public boolean fetching() {
    return fetching;
  }

  /**
   * The failure of the last fetch, if no fetch succeeded since. While it is present and the phase
   * is FRESH or STALE, callers are still served the current token.
   *
   * @return the failure, or empty after a success or before any failure
   */
  public Optional<TokenException> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * When {@link #lastFailure()} happened, on the provider's clock.
   *
   * @return the instant, or empty when there is no last failure
   */
  public Optional<Instant> lastFailureAt() {
    return Optional.ofNullable(lastFailureAt);
  }

  /**
   * The earliest instant at which the provider will request a token again: the start of the
   * refresh ahead for a FRESH token; after a failure, the next step of the recovery probe when
   * one is due, else the end of the failure cooldown (or of a longer {@code Retry-After}); the
   * present instant when the next call would request one at once.
   *
   * @return the instant, or empty while a fetch is in flight, after close, or when unknown
   */
  public Optional<Instant> nextAttemptAt() {
    return Optional.ofNullable(nextAttemptAt);
  }

  /** The phase, the instants and the failure's message; never a token. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("TokenStatus[phase=").append(phase);
    if (expiresAt != null) {
      s.append(", expiresAt=").append(expiresAt);
    }
    s.append(", fetching=").append(fetching);
    if (lastFailure != null) {
      s.append(", lastFailureAt=").append(lastFailureAt);
      s.append(", lastFailure=").append(lastFailure.getMessage());
    }
    if (nextAttemptAt != null) {
      s.append(", nextAttemptAt=").append(nextAttemptAt);
    }
    return s.append(']').toString();
  }
}

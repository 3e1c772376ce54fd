package io.github.genesystokens;

import java.time.Instant;
import java.util.Objects;

/**
 * An OAuth2 access token and the instant it expires.
 *
 * <p>{@link #toString()} never prints the token value: tokens end up in logs through
 * {@code toString()} more often than through any other path.
 *
 * @param value the token itself, sent as {@code Authorization: Bearer <value>}
 * @param tokenType the {@code token_type} of the reply as the server spelled it ({@code bearer} for
 *     Genesys Cloud); send {@code Bearer} whatever its case
 * @param expiresAt when the server stops accepting the token, computed conservatively as the
 *     instant the request was sent plus {@code expires_in}
 */
public record AccessToken(String value, String tokenType, Instant expiresAt) {

  /** Validates that no part is missing and the value is not blank. */
  public AccessToken {
    Objects.requireNonNull(value, "value must not be null");
    Objects.requireNonNull(tokenType, "tokenType must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException("value must not be blank");
    }
  }

  /** Prints the type and expiry, never the value. */
  @Override
  public String toString() {
    return "AccessToken[tokenType=" + tokenType + ", expiresAt=" + expiresAt + ", value=<redacted>]";
  }
}

package io.github.genesystokens;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * An OAuth2 access token, the instant it expires and the scopes it was granted.
 *
 * <p>{@link #toString()} never prints the token value: tokens end up in logs through
 * {@code toString()} more often than through any other path. It prints the scope names, which are
 * not secrets (they are in every token request and in the server's documentation).
 *
 * @param value the token itself, sent as {@code Authorization: Bearer <value>}
 * @param tokenType the {@code token_type} of the reply as the server spelled it ({@code bearer} for
 *     Genesys Cloud); send {@code Bearer} whatever its case
 * @param expiresAt when the server stops accepting the token, computed conservatively as the
 *     instant the request was sent plus {@code expires_in}
 * @param scopes the scopes of the reply's {@code scope} (RFC 6749 section 5.1), in its order;
 *     empty when the reply had none (Genesys Cloud sends none: the permissions come from the
 *     client's roles). Unmodifiable.
 */
public record AccessToken(String value, String tokenType, Instant expiresAt, Set<String> scopes) {

  /** Validates that no part is missing and the value is not blank; copies the scopes. */
  public AccessToken {
    Objects.requireNonNull(value, "value must not be null");
    Objects.requireNonNull(tokenType, "tokenType must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
    Objects.requireNonNull(scopes, "scopes must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException("value must not be blank");
    }
    for (String scope : scopes) {
      Objects.requireNonNull(scope, "scopes must not contain null");
    }
    scopes = scopes.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
  }

  /**
   * A token without granted scopes, as Genesys Cloud issues them; kept so that code written
   * before {@link #scopes()} existed compiles unchanged.
   *
   * @param value the token itself
   * @param tokenType the {@code token_type} of the reply
   * @param expiresAt when the server stops accepting the token
   */
  public AccessToken(String value, String tokenType, Instant expiresAt) {
    this(value, tokenType, expiresAt, Set.of());
  }

  /** Prints the type, expiry and scopes, never the value. */
  @Override
  public String toString() {
    return "AccessToken[tokenType="
        + tokenType
        + ", expiresAt="
        + expiresAt
        + (scopes.isEmpty() ? "" : ", scopes=" + scopes)
        + ", value=<redacted>]";
  }
}

package io.github.genesystokens.internal;

import io.github.genesystokens.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token as the endpoint issued it, with the instant its request was sent: the lifetime is
 * measured from there, so network latency and server-side delay only shorten it.
 */
public record IssuedToken(AccessToken token, Instant requestedAt) {

  public IssuedToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }

  /** {@code expires_in} as the server gave it. */
  public Duration lifetime() {
    return Duration.between(requestedAt, token.expiresAt());
  }
}

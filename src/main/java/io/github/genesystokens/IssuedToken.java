package io.github.genesystokens;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token as the endpoint issued it, with the instant its request was sent: the lifetime is
 * measured from there, so network latency and server-side delay only shorten it.
 */
record IssuedToken(AccessToken token, Instant requestedAt) {

  IssuedToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }

  /** {@code expires_in} as the server gave it. */
  Duration lifetime() {
    return Duration.between(requestedAt, token.expiresAt());
  }
}

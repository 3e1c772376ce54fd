package io.github.genesystokens.boot;

import io.github.genesystokens.TokenEndpointException;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TokenStatus;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * The {@code genesysToken} health component, read from {@link TokenProvider#status()} alone: a
 * health check never requests a token, so polling it costs the token endpoint nothing.
 *
 * <ul>
 *   <li>UP while a FRESH or STALE token is held; with the last failure when a refresh is failing
 *       while the token is still served;
 *   <li>DOWN when no usable token is held and the last fetch failed, or the provider is closed;
 *   <li>UNKNOWN before the first fetch (and after an invalidation or expiry, until the next).
 * </ul>
 *
 * <p>Details never hold a token or a secret: the failure's message names the client and the
 * endpoint only.
 */
final class GenesysTokenHealthIndicator implements ReactiveHealthIndicator {

  private final TokenProvider tokens;

  GenesysTokenHealthIndicator(TokenProvider tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public Mono<Health> health() {
    return Mono.fromSupplier(() -> health(tokens.status()));
  }

  static Health health(TokenStatus status) {
    Health.Builder health;
    switch (status.phase()) {
      case FRESH:
      case STALE:
        health = Health.up();
        break;
      case CLOSED:
        health = Health.down();
        break;
      case EMPTY:
      case EXPIRED:
        health = status.lastFailure().isPresent() ? Health.down() : Health.unknown();
        break;
      default:
        health = Health.unknown();
        break;
    }
    health.withDetail("phase", status.phase().name());
    status.expiresAt().ifPresent(at -> health.withDetail("expiresAt", at.toString()));
    if (status.fetching()) {
      health.withDetail("fetching", true);
    }
    status.nextAttemptAt().ifPresent(at -> health.withDetail("nextAttemptAt", at.toString()));
    status.lastFailure().ifPresent(failure -> failure(health, failure));
    status.lastFailureAt().ifPresent(at -> health.withDetail("lastFailureAt", at.toString()));
    return health.build();
  }

  private static void failure(Health.Builder health, TokenException failure) {
    // The message, never the exception itself: Boot would add its class and the cause chain.
    health.withDetail("error", String.valueOf(failure.getMessage()));
    health.withDetail("retryable", failure.isRetryable());
    if (failure instanceof TokenEndpointException) {
      TokenEndpointException refusal = (TokenEndpointException) failure;
      health.withDetail("status", refusal.statusCode());
      if (refusal.error() != null) {
        health.withDetail("oauthError", refusal.error());
      }
      if (refusal.correlationId() != null) {
        health.withDetail("correlationId", refusal.correlationId());
      }
    }
  }
}

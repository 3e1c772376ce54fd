package io.github.genesystokens;

import java.time.Duration;
import java.util.Optional;

/**
 * The token endpoint answered, but not with a token: an error status, or a reply that is not a
 * valid token response (not JSON, no {@code access_token}, no usable {@code expires_in}, too large).
 *
 * <p>The accessors mirror the OAuth2 error response (RFC 6749 section 5.2) and the Genesys Cloud
 * headers, for logs and for support requests.
 */
public class TokenEndpointException extends TokenException {

  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String error;
  private final String errorDescription;
  private final Duration retryAfter;
  private final String correlationId;

  /**
   * Creates an exception for one reply of the token endpoint.
   *
   * @param message the full message, without secrets
   * @param statusCode the HTTP status of the reply
   * @param error the OAuth {@code error} code, or {@code null}
   * @param errorDescription the {@code error_description} (or Genesys {@code description}), or
   *     {@code null}
   * @param retryAfter the wait the server asked for with {@code Retry-After}, or {@code null}
   * @param correlationId the {@code ININ-Correlation-Id} (or {@code Genesys-Correlation-Id}) of the
   *     reply, or {@code null}
   * @param retryable whether trying again later may succeed
   */
  public TokenEndpointException(
      String message,
      int statusCode,
      String error,
      String errorDescription,
      Duration retryAfter,
      String correlationId,
      boolean retryable) {
    super(message, null, retryable);
    this.statusCode = statusCode;
    this.error = error;
    this.errorDescription = errorDescription;
    this.retryAfter = retryAfter;
    this.correlationId = correlationId;
  }

  /**
   * The HTTP status of the reply.
   *
   * @return the status code, such as 400, 401, 429 or 503
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The OAuth {@code error} code of the reply, such as {@code invalid_client}.
   *
   * @return the code, or {@code null} when the reply had none
   */
  public String error() {
    return error;
  }

  /**
   * The {@code error_description} of the reply (Genesys also sends it as {@code description}),
   * such as {@code client not found}.
   *
   * @return the description, or {@code null} when the reply had none
   */
  public String errorDescription() {
    return errorDescription;
  }

  /**
   * The wait the server asked for in its {@code Retry-After} header.
   *
   * @return the wait, or empty when the reply had no usable {@code Retry-After}
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * The Genesys correlation id of the reply, which Genesys support asks for.
   *
   * @return the {@code ININ-Correlation-Id}, else the {@code Genesys-Correlation-Id}, or
   *     {@code null} when the reply had neither
   */
  public String correlationId() {
    return correlationId;
  }
}

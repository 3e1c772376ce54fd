package io.github.genesystokens;

/**
 * A token could not be obtained: the token endpoint refused or failed, its reply was not a token,
 * it could not be reached in time, or the provider is closed.
 *
 * <p>Messages name the token endpoint and, for replies, the status, the OAuth {@code error} and the
 * Genesys correlation id; they never contain the client secret or a token value.
 *
 * <p>One failed token request fails all the subscribers that shared it, so one instance may be
 * delivered to many subscribers. Suppressed exceptions are therefore disabled: operators such as
 * {@code block()} that attach one to the error they rethrow would otherwise grow a shared list.
 */
public class TokenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /**
   * Creates an exception that is not worth retrying.
   *
   * @param message what failed, without secrets
   */
  public TokenException(String message) {
    this(message, null, false);
  }

  /**
   * Creates an exception.
   *
   * @param message what failed, without secrets
   * @param cause the underlying failure, or {@code null}
   * @param retryable whether trying again later may succeed
   */
  public TokenException(String message, Throwable cause, boolean retryable) {
    super(message, cause, false, true);
    this.retryable = retryable;
  }

  /**
   * Whether the failure is transient (a network fault, a timeout, throttling, a server error), so
   * that trying again later may succeed. The provider has already retried such failures within
   * its budget before signalling them.
   *
   * @return {@code true} when trying again later may succeed
   */
  public boolean isRetryable() {
    return retryable;
  }
}

package io.github.genesystokens;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.scheduler.Schedulers;

/**
 * Gets a token for code that is not reactive: a batch job, a servlet, or the official Genesys Java
 * SDK, whose {@code ApiClient} takes an access token string.
 *
 * <pre>{@code
 * // before each call (or batch of calls) through the SDK; no I/O while the token is fresh
 * apiClient.setAccessToken(BlockingTokens.accessToken(tokens, Duration.ofSeconds(15)));
 * }</pre>
 *
 * <p>These are the only blocking methods of the library. They wait on the calling thread, never
 * longer than the given timeout, and refuse to run on a Reactor non-blocking thread (an event loop
 * or {@code Schedulers.parallel()}), where waiting would stall every other request on that thread;
 * reactive code subscribes to {@link TokenProvider#token()} instead.
 */
public final class BlockingTokens {

  private BlockingTokens() {}

  /**
   * Waits for a valid token. While the cached token is fresh this returns at once, without I/O.
   *
   * <p>A thread that gives up (timeout or interrupt) leaves the token request running for the
   * others, and its result is cached all the same, as for any subscriber of {@link
   * TokenProvider#token()}.
   *
   * @param tokens the provider
   * @param timeout the longest wait, positive
   * @return a valid token
   * @throws TokenException if no token could be obtained, the wait timed out (retryable), or the
   *     thread was interrupted (its interrupt flag is set again)
   * @throws IllegalStateException if called on a Reactor non-blocking thread
   */
  public static AccessToken token(TokenProvider tokens, Duration timeout) {
    Objects.requireNonNull(tokens, "tokens must not be null");
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException(
          "BlockingTokens called on non-blocking thread "
              + Thread.currentThread().getName()
              + "; waiting here would stall other work on it. In reactive code use"
              + " TokenProvider.token(), or move the call to Schedulers.boundedElastic()");
    }
    CompletableFuture<AccessToken> future = tokens.token().toFuture();
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TokenException("no token within " + timeout + " from " + tokens, e, true);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new TokenException("interrupted while waiting for a token from " + tokens, e, true);
    } catch (CancellationException e) {
      throw new TokenException("the wait for a token from " + tokens + " was cancelled", e, true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TokenException) {
        // The provider's own exception, shared by every waiter of that request: rethrown as is.
        throw (TokenException) cause;
      }
      throw new TokenException("token request of " + tokens + " failed: " + cause, cause, false);
    }
  }

  /**
   * Waits for a valid token and returns its value, for APIs that take the bare string (the
   * Genesys SDK's {@code ApiClient.setAccessToken}). Same rules as {@link #token(TokenProvider,
   * Duration)}.
   *
   * @param tokens the provider
   * @param timeout the longest wait, positive
   * @return the token value, to send as {@code Authorization: Bearer <value>}
   * @throws TokenException if no token could be obtained in time
   * @throws IllegalStateException if called on a Reactor non-blocking thread
   */
  public static String accessToken(TokenProvider tokens, Duration timeout) {
    return token(tokens, timeout).value();
  }
}

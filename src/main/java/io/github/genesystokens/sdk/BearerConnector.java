package io.github.genesystokens.sdk;

import com.mypurecloud.sdk.v2.AsyncApiCallback;
import com.mypurecloud.sdk.v2.connector.ApiClientConnector;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorRequest;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorResponse;
import io.github.genesystokens.AccessToken;
import io.github.genesystokens.BlockingTokens;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.scheduler.Schedulers;

/**
 * The SDK's transport with tokens from a {@link TokenProvider}: a bearer token on every API
 * request, one replay with a new token after a 401, and one replay with another token after a
 * 429 when the provider has one with headroom ({@link TokenProvider#reportRateLimited}, a pool).
 */
final class BearerConnector implements ApiClientConnector {

  private static final int UNAUTHORIZED = 401;
  private static final int TOO_MANY_REQUESTS = 429;

  private final ApiClientConnector delegate;
  private final TokenProvider tokens;
  private final Duration tokenWait;
  private final AtomicLong replays;

  BearerConnector(
      ApiClientConnector delegate, TokenProvider tokens, Duration tokenWait, AtomicLong replays) {
    this.delegate = delegate;
    this.tokens = tokens;
    this.tokenWait = tokenWait;
    this.replays = replays;
  }

  @Override
  public ApiClientConnectorResponse invoke(ApiClientConnectorRequest request) throws IOException {
    if (isLogin(request)) {
      return delegate.invoke(request);
    }
    AccessToken sent = token();
    ApiClientConnectorResponse response = delegate.invoke(new BearerRequest(request, sent));
    if (isRateLimitedWithHeadroom(response, sent)) {
      closeUnread(response);
      return delegate.invoke(new BearerRequest(request, token()));
    }
    if (response.getStatusCode() != UNAUTHORIZED) {
      return response;
    }
    dropRejected(response, sent);
    ApiClientConnectorResponse replayed = delegate.invoke(new BearerRequest(request, token()));
    tokens.reportReplay(replayed.getStatusCode() != UNAUTHORIZED);
    return replayed;
  }

  @Override
  public Future<ApiClientConnectorResponse> invokeAsync(
      ApiClientConnectorRequest request, AsyncApiCallback<ApiClientConnectorResponse> callback) {
    if (isLogin(request)) {
      return delegate.invokeAsync(request, callback);
    }
    CompletableFuture<ApiClientConnectorResponse> future = new CompletableFuture<>();
    AsyncApiCallback<ApiClientConnectorResponse> done =
        new AsyncApiCallback<>() {
          @Override
          public void onCompleted(ApiClientConnectorResponse response) {
            try {
              callback.onCompleted(response);
            } finally {
              future.complete(response);
            }
          }

          @Override
          public void onFailed(Throwable failure) {
            try {
              callback.onFailed(failure);
            } finally {
              future.completeExceptionally(failure);
            }
          }
        };
    sendAsync(request, true, done);
    return future;
  }

  /** Takes a token without waiting for it and sends the request with it. */
  private void sendAsync(
      ApiClientConnectorRequest request,
      boolean mayReplay,
      AsyncApiCallback<ApiClientConnectorResponse> done) {
    tokens
        .token()
        .single()
        .subscribe(
            token ->
                offEventLoop(
                    () -> {
                      AsyncApiCallback<ApiClientConnectorResponse> answer =
                          mayReplay ? replayOn401(request, token, done) : done;
                      try {
                        delegate.invokeAsync(new BearerRequest(request, token), answer);
                      } catch (RuntimeException e) {
                        done.onFailed(e);
                      }
                    }),
            failure -> offEventLoop(() -> done.onFailed(noToken(failure))));
  }

  /**
   * Runs {@code work} here, or on {@code boundedElastic} when here is a Reactor non-blocking thread:
   * a token that had to be fetched arrives on an event loop, and neither a transport whose async
   * call runs inline nor the caller's callback may block that loop.
   */
  private static void offEventLoop(Runnable work) {
    if (Schedulers.isInNonBlockingThread()) {
      Schedulers.boundedElastic().schedule(work);
    } else {
      work.run();
    }
  }

  private AsyncApiCallback<ApiClientConnectorResponse> replayOn401(
      ApiClientConnectorRequest request,
      AccessToken sent,
      AsyncApiCallback<ApiClientConnectorResponse> done) {
    return new AsyncApiCallback<>() {
      @Override
      public void onCompleted(ApiClientConnectorResponse response) {
        if (isRateLimitedWithHeadroom(response, sent)) {
          closeUnread(response);
          sendAsync(request, false, done);
          return;
        }
        if (response.getStatusCode() != UNAUTHORIZED) {
          done.onCompleted(response);
          return;
        }
        dropRejected(response, sent);
        sendAsync(request, false, reportingReplay(done));
      }

      @Override
      public void onFailed(Throwable failure) {
        done.onFailed(failure);
      }
    };
  }

  /**
   * Tells the provider how a replay ended, as the WebClient filter does; a replay that failed
   * before any answer (no token, a transport fault) is not a replay the API judged, and is not told.
   */
  private AsyncApiCallback<ApiClientConnectorResponse> reportingReplay(
      AsyncApiCallback<ApiClientConnectorResponse> done) {
    return new AsyncApiCallback<>() {
      @Override
      public void onCompleted(ApiClientConnectorResponse response) {
        tokens.reportReplay(response.getStatusCode() != UNAUTHORIZED);
        done.onCompleted(response);
      }

      @Override
      public void onFailed(Throwable failure) {
        done.onFailed(failure);
      }
    };
  }

  /** Closes a 401 nobody will read and drops exactly the token it rejected. */
  private void dropRejected(ApiClientConnectorResponse response, AccessToken sent) {
    closeUnread(response);
    tokens.invalidate(sent);
    replays.incrementAndGet();
  }

  /**
   * A 429 for this token, told to the provider, which answers whether another token has
   * headroom; without one the 429 is the caller's, as before.
   */
  private boolean isRateLimitedWithHeadroom(ApiClientConnectorResponse response, AccessToken sent) {
    return response.getStatusCode() == TOO_MANY_REQUESTS
        && tokens.reportRateLimited(sent, retryAfter(response.getHeaders()));
  }

  /**
   * {@code Retry-After} in whole seconds, the form Genesys sends on every 429 (docs/genesys-login.md,
   * "On API calls"), whatever the case of the header's name; zero when absent or another form. The
   * headers are never null: the SDK's {@code ApiClient} copies them from every response it gets.
   */
  static Duration retryAfter(Map<String, String> headers) {
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if ("Retry-After".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
        String value = header.getValue().strip();
        if (!value.isEmpty() && value.length() <= 9 && value.chars().allMatch(Character::isDigit)) {
          return Duration.ofSeconds(Long.parseLong(value));
        }
      }
    }
    return Duration.ZERO;
  }

  private static void closeUnread(ApiClientConnectorResponse response) {
    try {
      response.close();
    } catch (Exception ignored) {
      // The SDK's responses are buffered; a failed close loses at most that pooled connection,
      // and the request is sent again on another.
    }
  }

  /** A token for a synchronous call, on the caller's thread: the SDK's API is blocking. */
  private AccessToken token() throws IOException {
    try {
      return BlockingTokens.token(tokens, tokenWait);
    } catch (TokenException e) {
      throw noToken(e);
    }
  }

  /** The shape in which the SDK's callers get transport failures, with the cause kept. */
  private static IOException noToken(Throwable failure) {
    return new IOException(
        "no access token for the Genesys API request: " + failure.getMessage(), failure);
  }

  /** The SDK's own login calls (client credentials, code, SAML) carry Basic credentials. */
  static boolean isLogin(ApiClientConnectorRequest request) {
    for (Map.Entry<String, String> header : request.getHeaders().entrySet()) {
      if ("Authorization".equalsIgnoreCase(header.getKey())) {
        String value = header.getValue();
        return value != null && value.toLowerCase(Locale.ROOT).startsWith("basic ");
      }
    }
    return false;
  }

  /** Closes the SDK's transport; declared narrower than {@code AutoCloseable} allows. */
  @Override
  public void close() throws IOException {
    try {
      delegate.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while closing the SDK transport", e);
    } catch (Exception e) {
      throw new IOException("closing the SDK transport failed", e);
    }
  }
}

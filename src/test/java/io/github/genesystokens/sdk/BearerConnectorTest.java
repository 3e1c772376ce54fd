package io.github.genesystokens.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mypurecloud.sdk.v2.AsyncApiCallback;
import com.mypurecloud.sdk.v2.connector.ApiClientConnector;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorRequest;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorResponse;
import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenProvider;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The connector's handling of one SDK request: which requests get a bearer token, what of the
 * request is kept, what is closed, and what the asynchronous call returns. The SDK's transport is
 * replaced by a recording one (the real transport is tested in GenesysSdkTest).
 */
class BearerConnectorTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  /**
   * Issues token-1, token-2, ... ; an invalidation of the current token makes the next one, and so
   * does a 429 reported when the provider is told to have headroom (as a pool with another token).
   */
  private static final class Tokens implements TokenProvider {
    private final AtomicInteger issued = new AtomicInteger(1);
    final AtomicInteger asked = new AtomicInteger();
    final List<Boolean> replays = new CopyOnWriteArrayList<>();
    final List<String> rateLimited = new CopyOnWriteArrayList<>();
    volatile boolean headroom;

    @Override
    public Mono<AccessToken> token() {
      return Mono.fromSupplier(
          () -> {
            asked.incrementAndGet();
            return new AccessToken(
                "token-" + issued.get(), "bearer", Instant.parse("2030-01-01T00:00:00Z"));
          });
    }

    @Override
    public void invalidate(AccessToken rejected) {
      issued.compareAndSet(Integer.parseInt(rejected.value().substring(6)), issued.get() + 1);
    }

    @Override
    public boolean reportRateLimited(AccessToken limited, Duration retryAfter) {
      rateLimited.add(limited.value() + " " + retryAfter);
      if (headroom) {
        invalidate(limited);
      }
      return headroom;
    }

    @Override
    public void reportReplay(boolean recovered) {
      replays.add(recovered);
    }

    @Override
    public void close() {}
  }

  private static final class Request implements ApiClientConnectorRequest {
    final Map<String, String> headers = new LinkedHashMap<>();
    final String body;

    Request(String body, String... headerPairs) {
      this.body = body;
      for (int i = 0; i < headerPairs.length; i += 2) {
        headers.put(headerPairs[i], headerPairs[i + 1]);
      }
    }

    @Override
    public String getMethod() {
      return "POST";
    }

    @Override
    public String getUrl() {
      return "https://api.example/api/v2/conversations";
    }

    @Override
    public Map<String, String> getHeaders() {
      return headers;
    }

    @Override
    public boolean hasBody() {
      return body != null;
    }

    @Override
    public String readBody() {
      return body;
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final class Response implements ApiClientConnectorResponse {
    final int status;
    final Map<String, String> headers;
    final AtomicInteger closes = new AtomicInteger();

    Response(int status) {
      this(status, Map.of());
    }

    Response(int status, Map<String, String> headers) {
      this.status = status;
      this.headers = headers;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public String getStatusReasonPhrase() {
      return "";
    }

    @Override
    public Map<String, String> getHeaders() {
      return headers;
    }

    @Override
    public boolean hasBody() {
      return false;
    }

    @Override
    public String readBody() {
      return "";
    }

    @Override
    public InputStream getBody() {
      return InputStream.nullInputStream();
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  /** A scripted status: the transport fails the call through the callback. */
  private static final int CONNECTION_RESET = -1;
  /** A scripted status: the transport throws from {@code invokeAsync} instead of calling back. */
  private static final int REJECTED = -2;

  /**
   * Answers the scripted responses in order and records what it was sent. Its {@code close()} may
   * throw any exception, an {@code InterruptedException} among them, as the SDK's interface allows.
   */
  @SuppressWarnings("try")
  private static final class Transport implements ApiClientConnector {
    final Deque<Response> script = new ArrayDeque<>();
    final List<ApiClientConnectorRequest> sent = new CopyOnWriteArrayList<>();
    final List<Response> answered = new CopyOnWriteArrayList<>();
    final AtomicInteger closes = new AtomicInteger();
    volatile Exception closeFailure;

    Transport answering(int... statuses) {
      for (int status : statuses) {
        script.add(new Response(status));
      }
      return this;
    }

    Transport answering(Response response) {
      script.add(response);
      return this;
    }

    @Override
    public ApiClientConnectorResponse invoke(ApiClientConnectorRequest request) {
      sent.add(request);
      Response response = script.remove();
      answered.add(response);
      return response;
    }

    @Override
    public Future<ApiClientConnectorResponse> invokeAsync(
        ApiClientConnectorRequest request, AsyncApiCallback<ApiClientConnectorResponse> callback) {
      sent.add(request);
      Response response = script.remove();
      if (response.status == REJECTED) {
        throw new RejectedExecutionException("the transport's executor is shut down");
      }
      if (response.status == CONNECTION_RESET) {
        callback.onFailed(new java.io.IOException("connection reset"));
        return CompletableFuture.failedFuture(new java.io.IOException("connection reset"));
      }
      answered.add(response);
      callback.onCompleted(response);
      return CompletableFuture.completedFuture(response);
    }

    @Override
    public void close() throws Exception {
      closes.incrementAndGet();
      if (closeFailure != null) {
        throw closeFailure;
      }
    }
  }

  private final Tokens tokens = new Tokens();
  private final Transport transport = new Transport();
  private final BearerConnector connector =
      new BearerConnector(transport, tokens, WAIT, new AtomicLong());

  @Test
  void anOldBearerTokenIsReplacedAndEveryOtherHeaderAndTheBodyAreKept() throws Exception {
    transport.answering(200);
    connector.invoke(
        new Request("{\"n\":1}", "authorization", "Bearer stale", "Content-Type", "application/json"));

    ApiClientConnectorRequest sent = transport.sent.get(0);
    assertThat(sent.getHeaders())
        .containsExactly(
            Map.entry("Content-Type", "application/json"), Map.entry("Authorization", "Bearer token-1"));
    assertThat(sent.hasBody()).isTrue();
    assertThat(sent.readBody()).isEqualTo("{\"n\":1}");
    assertThat(new String(sent.getBody().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    assertThat(sent.toString()).isEqualTo("BearerRequest[POST https://api.example/api/v2/conversations]");
  }

  @Test
  void aRequestWithoutABodyIsSentWithoutOne() throws Exception {
    transport.answering(200);
    connector.invoke(new Request(null));
    assertThat(transport.sent.get(0).hasBody()).isFalse();
  }

  @Test
  void onlyBasicCredentialsMarkALoginRequest() {
    assertThat(BearerConnector.isLogin(new Request(null, "Authorization", "Basic abc"))).isTrue();
    assertThat(BearerConnector.isLogin(new Request(null, "authorization", "basic abc"))).isTrue();
    assertThat(BearerConnector.isLogin(new Request(null, "Authorization", "Bearer abc"))).isFalse();
    assertThat(BearerConnector.isLogin(new Request(null, "Accept", "Basic abc"))).isFalse();
    assertThat(BearerConnector.isLogin(new Request(null))).isFalse();
  }

  @Test
  void aRejectedResponseIsClosedBeforeTheReplay() throws Exception {
    transport.answering(401, 200);
    ApiClientConnectorResponse answer = connector.invoke(new Request(null));

    assertThat(answer.getStatusCode()).isEqualTo(200);
    assertThat(transport.answered.get(0).closes.get()).as("the 401, closed").isEqualTo(1);
    assertThat(transport.answered.get(1).closes.get()).as("the answer, left to the SDK").isZero();
    assertThat(transport.sent).extracting(r -> r.getHeaders().get("Authorization"))
        .containsExactly("Bearer token-1", "Bearer token-2");
    assertThat(tokens.replays).containsExactly(true);
  }

  @Test
  void theAsynchronousCallReturnsAFutureOfTheResponse() throws Exception {
    transport.answering(200);
    StatusesCalledBack called = new StatusesCalledBack();
    Future<ApiClientConnectorResponse> future =
        connector.invokeAsync(
            new Request(null),
            called);

    assertThat(future.get(5, TimeUnit.SECONDS).getStatusCode()).isEqualTo(200);
    assertThat(called.statuses).containsExactly(200);
  }

  @Test
  void closingTheConnectorClosesTheSdksTransport() throws Exception {
    connector.close();
    assertThat(transport.closes.get()).isEqualTo(1);
  }

  /** Sends asynchronously and returns what the callback was told: a status, or the failure. */
  private List<Object> sendAsync() throws Exception {
    List<Object> told = new CopyOnWriteArrayList<>();
    Future<ApiClientConnectorResponse> future =
        connector.invokeAsync(
            new Request(null),
            new AsyncApiCallback<>() {
              @Override
              public void onCompleted(ApiClientConnectorResponse response) {
                told.add(response.getStatusCode());
              }

              @Override
              public void onFailed(Throwable failure) {
                told.add(failure.getMessage());
              }
            });
    try {
      future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      told.add("future failed");
    }
    return told;
  }

  @Test
  void anAsynchronousTransportFailureReachesTheCallbackAndTheFuture() throws Exception {
    transport.answering(CONNECTION_RESET);
    assertThat(sendAsync()).containsExactly("connection reset", "future failed");
  }

  @Test
  void anAsynchronousReplayThatFailsReachesTheCallbackAndIsNoReportedReplay() throws Exception {
    transport.answering(401, CONNECTION_RESET);
    assertThat(sendAsync()).containsExactly("connection reset", "future failed");
    assertThat(tokens.replays).isEmpty();
  }

  @Test
  void aRateLimitedResponseIsClosedAndTheCallReplayedWithAnotherTokenWhenTheProviderHasOne()
      throws Exception {
    tokens.headroom = true;
    transport.answering(new Response(429, Map.of("Retry-After", "7"))).answering(200);

    ApiClientConnectorResponse answer = connector.invoke(new Request(null));

    assertThat(answer.getStatusCode()).isEqualTo(200);
    assertThat(tokens.rateLimited).containsExactly("token-1 PT7S");
    assertThat(transport.answered.get(0).closes.get()).as("the 429, closed").isEqualTo(1);
    assertThat(transport.answered.get(1).closes.get()).as("the answer, left to the SDK").isZero();
    assertThat(transport.sent).extracting(r -> r.getHeaders().get("Authorization"))
        .containsExactly("Bearer token-1", "Bearer token-2");
    assertThat(tokens.replays).as("a 429 replay is no 401 replay").isEmpty();
  }

  @Test
  void aRateLimitedResponseWithoutAnotherTokenIsTheCallersUnclosed() throws Exception {
    transport.answering(new Response(429, Map.of("retry-after", "60")));

    ApiClientConnectorResponse answer = connector.invoke(new Request(null));

    assertThat(answer.getStatusCode()).isEqualTo(429);
    assertThat(tokens.rateLimited).containsExactly("token-1 PT1M");
    assertThat(transport.answered.get(0).closes.get()).isZero();
    assertThat(transport.sent).hasSize(1);
  }

  @Test
  void anAsynchronousRateLimitedResponseIsClosedAndReplayedWithAnotherToken() throws Exception {
    tokens.headroom = true;
    transport.answering(new Response(429, Map.of("Retry-After", "7"))).answering(200);

    assertThat(sendAsync()).containsExactly(200);

    assertThat(tokens.rateLimited).containsExactly("token-1 PT7S");
    assertThat(transport.answered.get(0).closes.get()).as("the 429, closed").isEqualTo(1);
    assertThat(transport.answered.get(1).closes.get()).as("the answer, left to the SDK").isZero();
    assertThat(transport.sent).extracting(r -> r.getHeaders().get("Authorization"))
        .containsExactly("Bearer token-1", "Bearer token-2");
  }

  @Test
  void anAsynchronousLoginGoesToTheTransportUntouchedAndReturnsItsFuture() throws Exception {
    transport.answering(200);
    Request login = new Request("grant_type=client_credentials", "Authorization", "Basic abc");
    StatusesCalledBack called = new StatusesCalledBack();

    Future<ApiClientConnectorResponse> future =
        connector.invokeAsync(
            login,
            called);

    assertThat(future.get(5, TimeUnit.SECONDS)).isSameAs(transport.answered.get(0));
    assertThat(called.statuses).containsExactly(200);
    assertThat(transport.sent).containsExactly(login);
    assertThat(tokens.asked).hasValue(0);
  }

  @Test
  void aTransportThatThrowsInsteadOfCallingBackFailsTheCallbackAndTheFuture() throws Exception {
    transport.answering(REJECTED);
    assertThat(sendAsync())
        .containsExactly("the transport's executor is shut down", "future failed");
  }

  @Test
  void closingInterruptedKeepsTheInterruptAndFailsWithTheCause() {
    InterruptedException interrupted = new InterruptedException("closing");
    transport.closeFailure = interrupted;

    assertThatThrownBy(connector::close)
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("interrupted while closing the SDK transport")
        .hasCause(interrupted);
    assertThat(Thread.interrupted()).as("the interrupt, set again (and cleared here)").isTrue();
  }

  @Test
  void aFailedCloseOfTheTransportIsAnIoExceptionWithTheCause() {
    Exception failure = new Exception("pool busy");
    transport.closeFailure = failure;

    assertThatThrownBy(connector::close)
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("closing the SDK transport failed")
        .hasCause(failure);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void retryAfterTakesUpToNineDigitsOfSeconds() {
    assertThat(BearerConnector.retryAfter(Map.of("Retry-After", "999999999")))
        .isEqualTo(Duration.ofSeconds(999_999_999));
    assertThat(BearerConnector.retryAfter(Map.of("Retry-After", " 12 "))).isEqualTo(Duration.ofSeconds(12));
    assertThat(BearerConnector.retryAfter(Map.of("Retry-After", "1000000000"))).isZero();
    assertThat(BearerConnector.retryAfter(Map.of("Retry-After", ""))).isZero();
    assertThat(BearerConnector.retryAfter(Map.of("Retry-After", "-1"))).isZero();
  }

  /** An SDK callback that records each completion's status, and -1 for a failure. */
  private static final class StatusesCalledBack implements AsyncApiCallback<ApiClientConnectorResponse> {
    final List<Integer> statuses = new CopyOnWriteArrayList<>();

    @Override
    public void onCompleted(ApiClientConnectorResponse response) {
      statuses.add(response.getStatusCode());
    }

    @Override
    public void onFailed(Throwable failure) {
      statuses.add(-1);
    }
  }
}

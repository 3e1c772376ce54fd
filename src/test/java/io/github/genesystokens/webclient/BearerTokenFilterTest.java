package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;

/** The filter's rules, against a scripted exchange: no network, every request recorded. */
class BearerTokenFilterTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  /** What the Genesys API answers a refused token (docs/genesys-login.md). */
  private static final String UNAUTHORIZED_BODY =
      "{\"message\":\"Invalid login credentials.\",\"code\":\"bad.credentials\",\"status\":401}";

  private final SequenceTokenProvider tokens = new SequenceTokenProvider();
  private final Queue<ClientRequest> sent = new ConcurrentLinkedQueue<>();

  /** Answers each request with the next status; records what was sent. */
  private ExchangeFunction answering(int... statuses) {
    AtomicInteger n = new AtomicInteger();
    return request -> {
      sent.add(request);
      int status = statuses[Math.min(n.getAndIncrement(), statuses.length - 1)];
      return Mono.just(response(status, new AtomicInteger()));
    };
  }

  private static ClientResponse response(int status, AtomicInteger bodyReleased) {
    Flux<DataBuffer> body =
        Flux.defer(
                () ->
                    Flux.<DataBuffer>just(
                        DefaultDataBufferFactory.sharedInstance.wrap(
                            UNAUTHORIZED_BODY.getBytes(StandardCharsets.UTF_8))))
            .doOnComplete(bodyReleased::incrementAndGet);
    return ClientResponse.create(HttpStatus.valueOf(status))
        .header("ININ-Correlation-Id", "corr-" + status)
        .body(body)
        .build();
  }

  private static ClientRequest get() {
    return ClientRequest.create(HttpMethod.GET, URI.create("https://api.example.test/api/v2/users/me?secret=q"))
        .header(HttpHeaders.AUTHORIZATION, "Bearer stale-from-caller")
        .build();
  }

  private List<String> authorizationsSent() {
    return sent.stream().map(r -> r.headers().getFirst(HttpHeaders.AUTHORIZATION)).toList();
  }

  @Test
  void setsBearerTokenReplacingAnyAuthorizationHeader() {
    StepVerifier.create(BearerTokenFilter.of(tokens).filter(get(), answering(200)))
        .assertNext(r -> assertThat(r.statusCode().value()).isEqualTo(200))
        .expectComplete()
        .verify(WAIT);

    assertThat(sent).hasSize(1);
    assertThat(sent.peek().headers().get(HttpHeaders.AUTHORIZATION)).containsExactly("Bearer token-1");
  }

  @Test
  void unauthorizedInvalidatesThatTokenAndReplaysOnceWithANewOne() {
    StepVerifier.create(BearerTokenFilter.of(tokens).filter(get(), answering(401, 200)))
        .assertNext(r -> assertThat(r.statusCode().value()).isEqualTo(200))
        .expectComplete()
        .verify(WAIT);

    assertThat(authorizationsSent()).containsExactly("Bearer token-1", "Bearer token-2");
    assertThat(tokens.fetches).hasValue(2);
  }

  @Test
  void secondUnauthorizedIsReturnedAsIsWithoutAThirdAttempt() {
    StepVerifier.create(BearerTokenFilter.of(tokens).filter(get(), answering(401, 401, 200)))
        .assertNext(r -> assertThat(r.statusCode().value()).isEqualTo(401))
        .expectComplete()
        .verify(WAIT);

    assertThat(sent).hasSize(2);
    assertThat(tokens.invalidations).hasValue(1);
  }

  @Test
  void forbiddenIsReturnedWithoutRefreshingTheToken() {
    StepVerifier.create(BearerTokenFilter.of(tokens).filter(get(), answering(403, 200)))
        .assertNext(r -> assertThat(r.statusCode().value()).isEqualTo(403))
        .expectComplete()
        .verify(WAIT);

    assertThat(sent).hasSize(1);
    assertThat(tokens.invalidations).hasValue(0);
    assertThat(tokens.fetches).hasValue(1);
  }

  @Test
  void firstUnauthorizedResponseIsReleasedBeforeTheReplay() {
    AtomicInteger released = new AtomicInteger();
    AtomicInteger releasedBeforeReplay = new AtomicInteger(-1);
    ExchangeFunction next =
        request -> {
          sent.add(request);
          if (sent.size() == 1) {
            return Mono.just(response(401, released));
          }
          releasedBeforeReplay.set(released.get());
          return Mono.just(response(200, new AtomicInteger()));
        };

    StepVerifier.create(BearerTokenFilter.of(tokens).filter(get(), next))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);

    assertThat(releasedBeforeReplay).hasValue(1);
  }

  @Test
  void replayKeepsTheBodyInserterAndAttributesOfTheRequest() {
    ClientRequest post =
        ClientRequest.create(HttpMethod.POST, URI.create("https://api.example.test/api/v2/x"))
            .body(BodyInserters.fromValue("{\"a\":1}"))
            .attribute("k", "v")
            .build();

    StepVerifier.create(BearerTokenFilter.of(tokens).filter(post, answering(401, 200)))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);

    assertThat(sent).hasSize(2).allSatisfy(r -> {
      assertThat(r.body()).isSameAs(post.body());
      assertThat(r.attributes()).containsEntry("k", "v");
      assertThat(r.method()).isEqualTo(HttpMethod.POST);
    });
  }

  @Test
  void tokenFailureFailsTheRequestBeforeAnythingIsSent() {
    TokenProvider failing =
        new SequenceTokenProvider() {
          @Override
          public Mono<io.github.genesystokens.AccessToken> token() {
            return Mono.error(new TokenException("no token for you"));
          }
        };

    StepVerifier.create(BearerTokenFilter.of(failing).filter(get(), answering(200)))
        .expectErrorMessage("no token for you")
        .verify(WAIT);

    assertThat(sent).isEmpty();
  }

  @Test
  void unauthorizedIsLoggedAtDebugWithCorrelationIdAndNeverTheToken() {
    TestLogger logs = new TestLogger(false);
    LoggerUtils.enableCaptureWith(logs, false);
    try {
      StepVerifier.create(BearerTokenFilter.of(tokens).filter(get(), answering(401, 401)))
          .expectNextCount(1)
          .expectComplete()
          .verify(WAIT);
    } finally {
      LoggerUtils.disableCapture();
    }

    String all = logs.getOutContent() + logs.getErrContent();
    assertThat(all)
        .contains("[DEBUG]")
        .contains("GET https://api.example.test/api/v2/users/me answered 401 [correlation id corr-401]")
        .contains("answered 401 again")
        .doesNotContain("token-1", "token-2", "stale-from-caller", "secret=q");
  }

  @Test
  void theIninCorrelationIdIsReadFirstAndTheGenesysOneIsTheFallback() {
    ClientResponse both =
        ClientResponse.create(HttpStatus.UNAUTHORIZED)
            .header("Genesys-Correlation-Id", "gen-1")
            .header("ININ-Correlation-Id", "inin-1")
            .build();
    ClientResponse genesysOnly =
        ClientResponse.create(HttpStatus.UNAUTHORIZED).header("Genesys-Correlation-Id", "gen-2").build();
    ClientResponse neither = ClientResponse.create(HttpStatus.UNAUTHORIZED).build();

    assertThat(BearerTokenFilter.correlationId(both)).isEqualTo("inin-1");
    assertThat(BearerTokenFilter.correlationId(genesysOnly)).isEqualTo("gen-2");
    assertThat(BearerTokenFilter.correlationId(neither)).isEqualTo("none");
  }

  @Test
  void retryAfterTakesUpToNineDigitsOfSecondsAndNoMore() {
    assertThat(BearerTokenFilter.retryAfter(withRetryAfter("999999999")))
        .isEqualTo(Duration.ofSeconds(999_999_999));
    assertThat(BearerTokenFilter.retryAfter(withRetryAfter("1000000000"))).isZero();
    assertThat(BearerTokenFilter.retryAfter(withRetryAfter(" 3 "))).isEqualTo(Duration.ofSeconds(3));
  }

  private static ClientResponse withRetryAfter(String value) {
    return ClientResponse.create(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", value).build();
  }
}

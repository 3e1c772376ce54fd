package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TestClock;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * {@link BearerTokenFilter} on a 429 from the emulator's per-token limit: a pool replays once with
 * another token, a single provider returns the 429 as before. The provider's clock is stopped and
 * jumped past the pacing of the pool's mints; the emulator's limit is in real time.
 */
class TokenPoolFilterTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final TestClock clock = TestClock.stoppedAt(Instant.now());
  private final VirtualTimeScheduler timers = VirtualTimeScheduler.create();
  /** The status of every response on the wire, below the filter: what the API answered. */
  private final List<Integer> wire = new ArrayList<>();
  private GenesysLoginEmulator emulator;
  private TokenProvider tokens;

  @AfterEach
  void close() {
    if (tokens != null) {
      tokens.close();
      emulator.close();
    }
    timers.dispose();
  }

  private WebClient api(int emulatorLimit, int poolSize, int poolLimit) {
    emulator = GenesysLoginEmulator.builder().apiRateLimit(emulatorLimit).start();
    GenesysTokenProvider.Builder builder =
        GenesysTokenProvider.builder()
            .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
            .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
            .tokenUri(emulator.tokenUri())
            .clock(clock)
            .scheduler(timers);
    if (poolSize > 1) {
      builder.poolSize(poolSize).requestsPerTokenPerMinute(poolLimit);
    }
    tokens = builder.build();
    ExchangeFilterFunction onTheWire =
        ExchangeFilterFunction.ofResponseProcessor(
            response -> {
              synchronized (wire) {
                wire.add(response.statusCode().value());
              }
              return Mono.just(response);
            });
    return WebClient.builder()
        .baseUrl(emulator.baseUri().toString())
        .filter(BearerTokenFilter.of(tokens))
        .filter(onTheWire)
        .build();
  }

  private static ResponseEntity<Void> call(WebClient api) {
    return api.get()
        .uri("/api/v2/users/me")
        .exchangeToMono(ClientResponse::toBodilessEntity)
        .block(WAIT);
  }

  @Test
  void aTooManyRequestsForOneTokenIsReplayedWithAnother() {
    // The pool believes in 100 a minute; the API allows 10 per token.
    WebClient api = api(10, 2, 100);
    List<Integer> seen = new ArrayList<>();
    seen.add(call(api).getStatusCode().value());
    clock.jump(Duration.ofSeconds(2));
    for (int i = 2; i <= 12; i++) {
      seen.add(call(api).getStatusCode().value());
    }

    assertThat(seen).hasSize(12).containsOnly(200);
    // The 11th call was refused for the first token, then sent with a second one.
    assertThat(wire).hasSize(13).filteredOn(s -> s == 429).hasSize(1);
    assertThat(wire.get(10)).isEqualTo(429);
    assertThat(emulator.apiRequests()).isEqualTo(13);
    assertThat(emulator.tokensIssued()).isEqualTo(2);
  }

  @Test
  void theTooManyRequestsReachesTheCallerWhenNoTokenHasHeadroom() {
    WebClient api = api(2, 2, 100);
    call(api);
    clock.jump(Duration.ofSeconds(2));
    List<ResponseEntity<Void>> answers = new ArrayList<>();
    for (int i = 2; i <= 5; i++) {
      answers.add(call(api));
    }

    // Call 3 is refused for token 1 and replayed with token 2; call 5 is refused for token 2, and
    // token 1 is still refused: the 429 is the caller's, with its Retry-After.
    assertThat(answers)
        .extracting(a -> a.getStatusCode().value())
        .containsExactly(200, 200, 200, 429);
    assertThat(answers.get(3).getHeaders().getFirst("Retry-After")).matches("[0-9]+");
    assertThat(wire).containsExactly(200, 200, 429, 200, 200, 429);
    assertThat(emulator.tokensIssued()).isEqualTo(2);
  }

  @Test
  void aSingleTokenProviderReturnsTheTooManyRequestsAsBefore() {
    WebClient api = api(2, 1, 0);
    List<Integer> seen = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      seen.add(call(api).getStatusCode().value());
    }

    assertThat(seen).containsExactly(200, 200, 429);
    assertThat(wire).containsExactly(200, 200, 429);
    assertThat(emulator.tokensIssued()).isEqualTo(1);
  }

  @Test
  void retryAfterIsReadInWholeSecondsOnly() {
    assertThat(BearerTokenFilter.retryAfter(withRetryAfter("42"))).isEqualTo(Duration.ofSeconds(42));
    assertThat(BearerTokenFilter.retryAfter(withRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")))
        .isZero();
    assertThat(BearerTokenFilter.retryAfter(withRetryAfter("99999999999"))).isZero();
    assertThat(BearerTokenFilter.retryAfter(ClientResponse.create(HttpStatus.TOO_MANY_REQUESTS).build()))
        .isZero();
  }

  private static ClientResponse withRetryAfter(String value) {
    return ClientResponse.create(HttpStatus.TOO_MANY_REQUESTS)
        .header("Retry-After", value)
        .build();
  }
}

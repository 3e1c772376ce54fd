package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.BearerHeaders;
import io.github.genesystokens.BlockingTokens;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.emulator.GenesysLoginEmulator.ApiCall;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** The non-Spring integrations: a Reactor Netty client and blocking callers. */
class NettyAndBlockingTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final GenesysLoginEmulator genesys =
      GenesysLoginEmulator.builder().client("org-a", "secret-a").start();
  private final TokenProvider tokens =
      GenesysTokenProvider.builder()
          .clientId("org-a")
          .clientSecret("secret-a")
          .tokenUri(genesys.tokenUri())
          .build();

  @AfterEach
  void close() {
    tokens.close();
    genesys.close();
  }

  @Test
  void nettyClientSendsTheCurrentTokenOnEveryRequest() {
    HttpClient api =
        HttpClient.create()
            .baseUrl(genesys.baseUri().toString())
            .headersWhen(BearerHeaders.of(tokens));
    Mono<Integer> call =
        api.headers(h -> h.set("Authorization", "Basic overwritten"))
            .get()
            .uri("/api/v2/users/me")
            .responseSingle((response, body) -> Mono.just(response.status().code()));

    StepVerifier.create(call).expectNext(200).expectComplete().verify(WAIT);
    tokens.invalidate(tokens.token().block(WAIT));
    StepVerifier.create(call).expectNext(200).expectComplete().verify(WAIT);

    assertThat(genesys.apiCalls()).extracting(ApiCall::status).containsExactly(200, 200);
    assertThat(genesys.apiCalls())
        .extracting(ApiCall::authorization)
        .allMatch(a -> a.startsWith("Bearer "))
        .doesNotHaveDuplicates();
    assertThat(genesys.tokensIssued()).isEqualTo(2);
  }

  @Test
  void nettyClientFailsTheRequestWhenNoTokenCanBeHad() {
    genesys.resetSecret("org-a", "another-secret");
    HttpClient api =
        HttpClient.create()
            .baseUrl(genesys.baseUri().toString())
            .headersWhen(BearerHeaders.of(tokens));

    StepVerifier.create(api.get().uri("/api/v2/users/me").response())
        .expectError(TokenException.class)
        .verify(WAIT);
    assertThat(genesys.apiCalls()).isEmpty();
  }

  @Test
  void blockingCallerGetsTheTokenStringOnAnOrdinaryThread() {
    String value = BlockingTokens.accessToken(tokens, WAIT);

    assertThat(value).isNotBlank();
    assertThat(BlockingTokens.accessToken(tokens, WAIT)).isEqualTo(value);
    assertThat(genesys.tokenRequests()).isEqualTo(1);
    assertThat(genesys.tokensIssuedTo("org-a")).isEqualTo(1);
  }

  @Test
  void blockingCallOnANonBlockingThreadFailsClearly() {
    Mono<String> onParallel =
        Mono.fromCallable(() -> BlockingTokens.accessToken(tokens, WAIT))
            .subscribeOn(Schedulers.parallel());

    StepVerifier.create(onParallel)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("non-blocking thread")
                    .hasMessageContaining("TokenProvider.token()"))
        .verify(WAIT);
    assertThat(genesys.tokenRequests()).isZero();
  }

  @Test
  void blockingWaitIsBoundedByItsTimeout() {
    TokenProvider silent =
        new SequenceTokenProvider() {
          @Override
          public Mono<AccessToken> token() {
            return Mono.never();
          }
        };

    assertThatThrownBy(() -> BlockingTokens.token(silent, Duration.ofMillis(50)))
        .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageContaining("no token within PT0.05S");
  }

  @Test
  void blockingCallerReceivesTheProvidersTokenException() {
    genesys.resetSecret("org-a", "another-secret");

    assertThatThrownBy(() -> BlockingTokens.accessToken(tokens, WAIT))
        .isInstanceOf(TokenException.class)
        .hasMessageContaining("invalid_client");
  }
}

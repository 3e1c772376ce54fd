package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

/**
 * {@link BearerTokenFilter#allowingOnlyHost(String)} with a real {@code WebClient}: the guarded
 * host gets its token; another host (here {@code localhost}, the same server under another name,
 * so that anything sent would be seen) gets nothing, not even a token request.
 */
class BearerTokenFilterHostTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final GenesysLoginEmulator genesys =
      GenesysLoginEmulator.builder().client("org-a", "secret-a").start();
  private final TokenProvider tokens =
      GenesysTokenProvider.builder()
          .clientId("org-a")
          .clientSecret("secret-a")
          .tokenUri(genesys.tokenUri())
          .build();
  private final WebClient api =
      WebClient.builder()
          .baseUrl(apiBase())
          .filter(BearerTokenFilter.of(tokens).allowingOnlyHost("127.0.0.1"))
          .build();

  private String apiBase() {
    return genesys.baseUri().toString();
  }

  @AfterEach
  void close() {
    tokens.close();
    genesys.close();
  }

  @Test
  void requestsToTheAllowedHostCarryTheToken() {
    StepVerifier.create(api.get().uri("/api/v2/users/me").retrieve().toBodilessEntity())
        .assertNext(response -> assertThat(response.getStatusCode().value()).isEqualTo(200))
        .expectComplete()
        .verify(WAIT);

    assertThat(genesys.apiCalls()).hasSize(1);
    assertThat(genesys.tokenRequests()).isEqualTo(1);
  }

  @Test
  void aRequestToAnotherHostFailsBeforeATokenIsTakenOrAnythingSent() {
    URI other = URI.create(apiBase().replace("127.0.0.1", "localhost") + "/api/v2/users/me");

    StepVerifier.create(api.get().uri(other).retrieve().toBodilessEntity())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only to host 127.0.0.1")
                    .hasMessageContaining("not to localhost")
                    .hasMessageContaining("GET " + other))
        .verify(WAIT);

    assertThat(genesys.apiCalls()).isEmpty();
    assertThat(genesys.tokenRequests()).isZero();
  }

  @Test
  void hostsAreComparedWithoutRegardToCaseAndTheOriginalFilterIsUnchanged() {
    BearerTokenFilter any = BearerTokenFilter.of(tokens);
    WebClient upper =
        WebClient.builder().baseUrl(apiBase()).filter(any.allowingOnlyHost("LOCALHOST")).build();
    WebClient unguarded = WebClient.builder().baseUrl(apiBase()).filter(any).build();
    URI local = URI.create(apiBase().replace("127.0.0.1", "localhost") + "/api/v2/users/me");

    StepVerifier.create(upper.get().uri(local).retrieve().toBodilessEntity())
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(unguarded.get().uri("/api/v2/users/me").retrieve().toBodilessEntity())
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);
    assertThat(genesys.apiCalls()).hasSize(2);
  }

  @Test
  void aHostWithSchemeOrPortIsRefused() {
    BearerTokenFilter filter = BearerTokenFilter.of(tokens);
    assertThatThrownBy(() -> filter.allowingOnlyHost("https://api.mypurecloud.de"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without scheme, port or path");
    assertThatThrownBy(() -> filter.allowingOnlyHost("127.0.0.1:8080"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> filter.allowingOnlyHost(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPortOrAPathAloneIsRefusedAndABracketedIpv6AddressIsAccepted() {
    BearerTokenFilter filter = BearerTokenFilter.of(tokens);
    assertThatThrownBy(() -> filter.allowingOnlyHost(":8080"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("':8080'");
    assertThatThrownBy(() -> filter.allowingOnlyHost("/api/v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/api/v2'");
    assertThat(filter.allowingOnlyHost("[::1]")).isNotSameAs(filter);
  }

  @Test
  void aRequestWithoutAHostIsRefusedWithoutQuotingItsQuery() {
    WebClient noBase =
        WebClient.builder().filter(BearerTokenFilter.of(tokens).allowingOnlyHost("127.0.0.1")).build();

    StepVerifier.create(noBase.get().uri(URI.create("?apiKey=k-123")).retrieve().toBodilessEntity())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                        "BearerTokenFilter sends tokens only to host 127.0.0.1, not to a URL"
                            + " without a host: refused GET (a URL of a query alone) before"
                            + " sending it"))
        .verify(WAIT);

    assertThat(genesys.tokenRequests()).isZero();
  }
}

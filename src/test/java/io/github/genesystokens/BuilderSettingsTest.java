package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The edges of the builder's settings, and the name a provider goes by in its messages. */
class BuilderSettingsTest {

  private static final URI DEAD_END = URI.create("http://127.0.0.1:9/oauth/token");

  @Test
  void scopesMayUseEveryPrintableAsciiCharacterFromBangToTilde() {
    TokenProvider tokens =
        GenesysTokenProvider.builder()
            .clientId("id")
            .clientSecret("secret")
            .tokenUri(DEAD_END)
            .scopes("!", "~", "a:b/c")
            .maxRetryAfter(Duration.ofSeconds(10))
            .build();
    tokens.close();
    assertThatThrownBy(() -> GenesysTokenProvider.builder().scopes("\u007f"))
        .hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> GenesysTokenProvider.builder().scopes("a b"))
        .hasMessageContaining("printable ASCII");
  }

  @Test
  void aReservedParameterIsRefusedWithWhatToUseInstead() {
    assertThatThrownBy(() -> GenesysTokenProvider.builder().tokenRequestParameter("scope", "x"))
        .hasMessageContaining("scope is set by the provider itself; use scopes(...)");
    assertThatThrownBy(
            () -> GenesysTokenProvider.builder().tokenRequestParameter("grant_type", "password"))
        .hasMessageContaining("grant_type is set by the provider itself; it cannot be overridden");
  }

  @Test
  void aClientIdStartingWithAColonCannotBeSentWithBasicAuthentication() {
    assertThatThrownBy(
            () ->
                GenesysTokenProvider.builder()
                    .clientId(":id")
                    .clientSecret("secret")
                    .tokenUri(DEAD_END)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientId ':id' contains ':'");
  }

  @Test
  void aClientIdFromASourceStartingWithAColonFailsTheRequestBeforeAnythingIsSent() {
    TokenProvider tokens =
        GenesysTokenProvider.builder()
            .credentials(Mono.just(ClientCredentials.of(":id", "secret")))
            .tokenUri(DEAD_END)
            .maxRetries(0)
            .build();
    try {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(
              e -> assertThat(e).isInstanceOf(TokenException.class).hasMessageContaining(":id"))
          .verify(Duration.ofSeconds(5));
    } finally {
      tokens.close();
    }
  }

  @Test
  void aProviderIsNamedByItsClientAndEndpointInItsErrors() {
    TokenProvider tokens =
        GenesysTokenProvider.builder().clientId("id-1").clientSecret("secret").tokenUri(DEAD_END).build();
    tokens.close();
    StepVerifier.create(tokens.token())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .hasMessage("token provider for client id-1 at " + DEAD_END + " is closed"))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void loopbackIsDecidedWithoutANameLookupAndAUsableUriIsReturnedAsIs() {
    assertThat(Loopback.isLoopbackHost(null)).isFalse();
    assertThat(Loopback.isLoopbackHost("[::1]")).isTrue();
    assertThat(Loopback.isLoopbackHost("127.8.9.10")).isTrue();
    assertThat(Loopback.isLoopbackHost("localhost.example.com")).isFalse();
    assertThat(Loopback.requireUsableTokenUri(DEAD_END)).isSameAs(DEAD_END);
  }

  @Test
  void aKnownRegionIsNamedAsTheSdkNamesIt() {
    assertThat(GenesysRegion.EU_CENTRAL_1.name()).isEqualTo("eu_central_1");
  }
}

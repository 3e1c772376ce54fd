package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** What a caller sees when the credentials source itself fails. */
class CredentialedFetchSourceErrorTest {

  private static TokenProvider providerOf(Mono<ClientCredentials> source) {
    return GenesysTokenProvider.builder()
        .credentials(source)
        .tokenUri(URI.create("http://127.0.0.1:9/oauth/token"))
        .maxRetries(0)
        .build();
  }

  @Test
  void aTokenExceptionFromTheSourceReachesTheCallerAsItIs() {
    TokenException vault = new TokenException("vault sealed", null, false);
    TokenProvider tokens = providerOf(Mono.error(vault));
    try {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(e -> assertThat(e).isSameAs(vault))
          .verify(Duration.ofSeconds(5));
    } finally {
      tokens.close();
    }
  }

  @Test
  void anyOtherErrorOfTheSourceIsATokenExceptionNamingItsType() {
    TokenProvider tokens = providerOf(Mono.error(new IllegalStateException("no file")));
    try {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(TokenException.class)
                      .hasMessageContaining("failed: java.lang.IllegalStateException"))
          .verify(Duration.ofSeconds(5));
    } finally {
      tokens.close();
    }
  }
}

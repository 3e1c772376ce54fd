package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void aFailureOtherThanInvalidClientDoesNotReReadTheCredentials() {
    try (GenesysLoginEmulator emulator =
        GenesysLoginEmulator.builder()
            .client("a", "secret-a")
            .client("b", "secret-b")
            .start()) {
      emulator.failNextTokenRequests(1, Fault.serviceUnavailable());
      AtomicInteger reads = new AtomicInteger();
      // Other credentials on every read: a re-read would send the request again with them.
      Mono<ClientCredentials> rotating =
          Mono.fromSupplier(
              () ->
                  reads.getAndIncrement() % 2 == 0
                      ? ClientCredentials.of("a", "secret-a")
                      : ClientCredentials.of("b", "secret-b"));
      TokenProvider tokens =
          GenesysTokenProvider.builder()
              .credentials(rotating)
              .tokenUri(emulator.tokenUri())
              .maxRetries(0)
              .build();
      try {
        StepVerifier.create(tokens.token())
            .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("HTTP 503"))
            .verify(Duration.ofSeconds(5));
        assertThat(reads.get()).isEqualTo(1);
        assertThat(emulator.tokenRequests()).isEqualTo(1);
      } finally {
        tokens.close();
      }
    }
  }

  @Test
  void aSourceThatFailsOnTheReReadAfterInvalidClientLeavesTheRejectionWithANote() {
    try (GenesysLoginEmulator emulator =
        GenesysLoginEmulator.builder().client("a", "secret-a").start()) {
      AtomicInteger reads = new AtomicInteger();
      // A wrong secret on the first read; the source is gone on the re-read.
      Mono<ClientCredentials> failingLater =
          Mono.defer(
              () ->
                  reads.getAndIncrement() == 0
                      ? Mono.just(ClientCredentials.of("a", "wrong-secret"))
                      : Mono.error(new IllegalStateException("vault unreachable")));
      TokenProvider tokens =
          GenesysTokenProvider.builder()
              .credentials(failingLater)
              .tokenUri(emulator.tokenUri())
              .maxRetries(0)
              .build();
      try {
        StepVerifier.create(tokens.token())
            .expectErrorSatisfies(
                e -> {
                  assertThat(e).isInstanceOf(TokenEndpointException.class);
                  assertThat(((TokenEndpointException) e).error()).isEqualTo("invalid_client");
                  assertThat(e)
                      .hasMessageContaining("reading the credentials again failed")
                      .hasMessageContaining("failed: java.lang.IllegalStateException");
                  assertThat(((TokenException) e).isRetryable()).isFalse();
                })
            .verify(Duration.ofSeconds(5));
        assertThat(reads.get()).isEqualTo(2);
        assertThat(emulator.tokenRequests()).isEqualTo(1);
      } finally {
        tokens.close();
      }
    }
  }
}

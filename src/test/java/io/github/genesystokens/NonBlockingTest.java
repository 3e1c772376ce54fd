package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** {@code token()} never blocks a non-blocking thread; BlockHound is installed in this JVM. */
class NonBlockingTest {

  private GenesysLoginEmulator emulator;

  @BeforeEach
  void start() {
    TestJvmSetup.install();
    // 2 s tokens: FRESH for 1 s, then refreshed in the background.
    emulator = GenesysLoginEmulator.builder().client("id", "secret", Duration.ofSeconds(2)).start();
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void blockHoundIsActiveInThisJvm() {
    StepVerifier.create(
            Mono.fromCallable(
                    () -> {
                      LockSupport.parkNanos(1_000); // what any blocking wait comes down to
                      return 1;
                    })
                .subscribeOn(Schedulers.parallel()))
        .expectError(BlockingOperationError.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void coldFetchCachedServingRetriesAndBackgroundRefreshNeverBlockANonBlockingThread() {
    emulator.failNextTokenRequests(1, Fault.serviceUnavailable());
    try (TokenProvider provider =
        GenesysTokenProvider.builder()
            .clientId("id")
            .clientSecret("secret")
            .tokenUri(emulator.tokenUri())
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
            .build()) {

      // A cold herd on the parallel scheduler: one fetch, retried once after the 503.
      StepVerifier.create(
              Flux.range(0, 100)
                  .flatMap(i -> provider.token().subscribeOn(Schedulers.parallel()))
                  .map(AccessToken::value)
                  .distinct()
                  .collectList())
          .assertNext(values -> assertThat(values).hasSize(1))
          .verifyComplete();
      String first = provider.token().block(Duration.ofSeconds(5)).value();
      assertThat(emulator.tokenRequests()).isEqualTo(2);
      assertThat(emulator.tokensIssued()).isEqualTo(1);

      // In the STALE window (after 1 s of 2) the timer, or this caller, starts the refresh on a
      // parallel thread; either way the caller is served at once.
      StepVerifier.create(Mono.delay(Duration.ofMillis(1200)).then(provider.token()))
          .assertNext(
              t ->
                  assertThat(t.value().equals(first) || emulator.tokensIssued() >= 2)
                      .as("the first token, or one the refresh got: " + emulator)
                      .isTrue())
          .verifyComplete();

      // The refresh ran on Reactor Netty's threads and succeeded: a new token is served (bounded
      // poll).
      StepVerifier.create(
              Flux.interval(Duration.ofMillis(20))
                  .take(100)
                  .concatMap(i -> provider.token())
                  .filter(t -> !t.value().equals(first))
                  .next())
          .expectNextCount(1)
          .verifyComplete();
      assertThat(emulator.tokenRequests()).isEqualTo(3);
      assertThat(emulator.tokensIssued()).isEqualTo(2);
    }
  }
}

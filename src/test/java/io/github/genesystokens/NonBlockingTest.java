package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
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

  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    TestJvmSetup.install();
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
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
  void coldFetchCachedServingRetriesAndBackgroundRefreshNeverBlockANonBlockingThread()
      throws Exception {
    // 2 s tokens: FRESH for 1 s, then refreshed in the background.
    server.enqueue(new MockResponse.Builder().code(503).build());
    for (int i = 0; i < 10; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body("{\"access_token\":\"t" + i + "\",\"token_type\":\"bearer\",\"expires_in\":2}")
              .build());
    }
    try (TokenProvider provider =
        GenesysTokenProvider.builder()
            .clientId("id")
            .clientSecret("secret")
            .tokenUri(server.url("/oauth/token").uri())
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
            .build()) {

      // A cold herd on the parallel scheduler: one fetch, retried once after the 503.
      StepVerifier.create(
              Flux.range(0, 100)
                  .flatMap(i -> provider.token().subscribeOn(Schedulers.parallel()))
                  .map(AccessToken::value)
                  .distinct())
          .expectNext("t0")
          .verifyComplete();
      assertThat(server.getRequestCount()).isEqualTo(2);

      // In the STALE window (after 1 s of 2) the timer, or this caller, starts the refresh on a
      // parallel thread; either way the caller is served at once.
      StepVerifier.create(Mono.delay(Duration.ofMillis(1200)).then(provider.token()))
          .assertNext(t -> assertThat(t.value()).isIn("t0", "t1"))
          .verifyComplete();

      // The refresh ran on Reactor Netty's threads and succeeded: t1 is served (bounded poll).
      StepVerifier.create(
              Flux.interval(Duration.ofMillis(20))
                  .take(100)
                  .concatMap(i -> provider.token())
                  .filter(t -> t.value().equals("t1"))
                  .next())
          .expectNextCount(1)
          .verifyComplete();
      assertThat(server.getRequestCount()).isEqualTo(3);
    }
  }
}

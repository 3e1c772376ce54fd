package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The assembled provider against a real HTTP server on 127.0.0.1. */
class GenesysTokenProviderTest {

  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private GenesysTokenProvider.Builder builder() {
    return GenesysTokenProvider.builder()
        .clientId("client-1")
        .clientSecret("secret-1")
        .tokenUri(server.url("/oauth/token").uri())
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private static MockResponse token(String value, long expiresIn) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(
            "{\"access_token\":\"" + value + "\",\"token_type\":\"bearer\",\"expires_in\":"
                + expiresIn + "}")
        .build();
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  @Test
  void hundredConcurrentCallersShareOneFetchAndItsRetryBudget() {
    server.enqueue(status(503, ""));
    server.enqueue(status(502, ""));
    server.enqueue(token("tok-1", 3600));
    try (TokenProvider provider = builder().build()) {
      StepVerifier.create(
              Flux.range(0, 100)
                  .flatMap(i -> provider.token().subscribeOn(Schedulers.parallel()))
                  .map(AccessToken::value)
                  .distinct())
          .expectNext("tok-1")
          .verifyComplete();
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void aRetryAfterAnErrorReplyWithABodyIsSentAndAnswered() throws Exception {
    // An immediate retry after a reply with a body, on the connection pool the first used.
    server.enqueue(status(503, "{\"error\":\"temporarily_unavailable\"}"));
    server.enqueue(token("tok-1", 3600));
    try (TokenProvider provider =
        builder()
            .retryBackoff(Duration.ZERO, Duration.ZERO)
            .requestTimeout(Duration.ofSeconds(2))
            .maxRetries(1)
            .build()) {
      StepVerifier.create(provider.token())
          .assertNext(t -> assertThat(t.value()).isEqualTo("tok-1"))
          .verifyComplete();
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aZeroBackoffHasNoRecoveryProbeSoItsCooldownIsWaitedOutWithoutRequests() {
    // A probe steps on the backoff; with a zero minimum each step would ask again at once, for
    // the whole cooldown. The clock stands still, so such a step would be due for ever.
    Instant start = Instant.parse("2026-12-02T03:00:00Z");
    for (int i = 0; i < 5; i++) {
      server.enqueue(status(503, ""));
    }
    try (TokenProvider provider =
        builder()
            .retryBackoff(Duration.ZERO, Duration.ZERO)
            .maxRetries(0)
            .failureCooldown(Duration.ofSeconds(5))
            .clock(TestClock.stoppedAt(start))
            .build()) {
      StepVerifier.create(provider.token()).expectError(TokenException.class).verify(Duration.ofSeconds(5));
      // Refused during the cooldown: the refusal that would arm a probe.
      StepVerifier.create(provider.token()).expectError(TokenException.class).verify(Duration.ofSeconds(5));

      assertThat(provider.status().nextAttemptAt()).contains(start.plusSeconds(5));
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void recoversFromTheGenesysThrottleAndFrom429WithRetryAfter() {
    server.enqueue(
        status(400, "{\"error\":\"invalid_request\",\"description\":\"rate limit exceeded; wait\"}"));
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "0").build());
    server.enqueue(token("tok-1", 3600));
    try (TokenProvider provider = builder().build()) {
      StepVerifier.create(provider.token())
          .assertNext(t -> assertThat(t.value()).isEqualTo("tok-1"))
          .verifyComplete();
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void invalidClientFailsFastWithoutRetryAndIsNotRequestedAgainDuringTheCooldown() {
    server.enqueue(
        status(400, "{\"error\":\"invalid_client\",\"error_description\":\"client not found\"}"));
    try (TokenProvider provider = builder().build()) {
      for (int i = 0; i < 20; i++) {
        StepVerifier.create(provider.token())
            .expectErrorSatisfies(
                e -> {
                  assertThat(e).isInstanceOf(TokenEndpointException.class);
                  assertThat(((TokenEndpointException) e).error()).isEqualTo("invalid_client");
                  assertThat(e.getMessage()).contains("the region may be wrong");
                })
            .verify(Duration.ofSeconds(5));
      }
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void retriesAreBoundedAndTheFinalErrorSaysHowManyAttemptsWereMade() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(status(503, ""));
    }
    try (TokenProvider provider = builder().maxRetries(2).build()) {
      StepVerifier.create(provider.token())
          .expectErrorSatisfies(
              e -> {
                assertThat(((TokenEndpointException) e).statusCode()).isEqualTo(503);
                assertThat(e.getMessage()).contains("gave up after 3 attempts");
              })
          .verify(Duration.ofSeconds(5));
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void aRetryAfterAboveTheLimitFailsAtOnce() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").build());
    try (TokenProvider provider = builder().build()) {
      StepVerifier.create(provider.token())
          .expectErrorSatisfies(
              e -> {
                assertThat(e.getMessage()).contains("retry after 60m");
                assertThat(((TokenEndpointException) e).retryAfter())
                    .contains(Duration.ofHours(1));
              })
          .verify(Duration.ofSeconds(5));
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void theTimerRefreshesOverTheWireAtTheStalePointWhileCallersGetTheOldTokenAtOnce()
      throws Exception {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    TestClock clock = TestClock.following(time);
    server.enqueue(token("tok-1", 3600));
    server.enqueue(token("tok-2", 3600));
    try (TokenProvider provider = builder().clock(clock).scheduler(time).build()) {
      StepVerifier.create(provider.token())
          .assertNext(t -> assertThat(t.value()).isEqualTo("tok-1"))
          .verifyComplete();

      time.advanceTimeBy(Duration.ofMinutes(54).plusSeconds(59));
      assertThat(server.getRequestCount()).isEqualTo(1);
      time.advanceTimeBy(Duration.ofSeconds(1)); // 55 min: STALE, the timer fires
      assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
      assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();

      // Bounded wait, in real time, for the refresh's reply to be cached; callers meanwhile get
      // the old token at once.
      AccessToken current =
          Poll.until(() -> provider.token().block(Duration.ofSeconds(1)),
              t -> t.value().equals("tok-2"), Duration.ofSeconds(5));
      assertThat(current.expiresAt())
          .isEqualTo(TestClock.ORIGIN.plus(Duration.ofMinutes(55)).plusSeconds(3600));
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void invalidateThenTokenFetchesANewOne() {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(token("tok-2", 3600));
    try (TokenProvider provider = builder().build()) {
      AccessToken first = provider.token().block(Duration.ofSeconds(5));
      provider.invalidate(first);
      provider.invalidate(first);
      assertThat(provider.token().block(Duration.ofSeconds(5)).value()).isEqualTo("tok-2");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void tokenRequestsGoThroughTheCallersHttpClient() throws Exception {
    server.enqueue(token("tok-1", 3600));
    HttpClient callers = HttpClient.create().headers(h -> h.set("X-Callers-Client", "yes"));
    try (TokenProvider provider = builder().httpClient(callers).build()) {
      // The first use of Reactor Netty's global resources in this JVM may take seconds on a
      // loaded machine (event loops, the resolver): a longer bound than the 5 s elsewhere.
      provider.token().block(Duration.ofSeconds(15));
    }
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("X-Callers-Client"))
        .isEqualTo("yes");
  }

  @Test
  void closeLeavesTheCallersHttpClientUsable() throws Exception {
    ConnectionProvider pool = ConnectionProvider.create("callers-pool", 4);
    HttpClient callers = HttpClient.create(pool);
    try {
      server.enqueue(token("tok-1", 3600));
      TokenProvider provider = builder().httpClient(callers).build();
      assertThat(provider.token().block(Duration.ofSeconds(5))).isNotNull();
      provider.close();

      StepVerifier.create(provider.token())
          .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TokenException.class)
              .hasMessageContaining("closed"))
          .verify(Duration.ofSeconds(5));

      server.enqueue(status(204, ""));
      Integer code =
          callers.get().uri(server.url("/after-close").uri())
              .response().map(r -> r.status().code()).block(Duration.ofSeconds(5));
      assertThat(code).isEqualTo(204);
      assertThat(pool.isDisposed()).isFalse();
    } finally {
      pool.dispose();
    }
  }

  @Test
  void toStringShowsTheClientAndThePhaseButNoSecret() {
    server.enqueue(token("tok-1", 3600));
    try (TokenProvider provider = builder().build()) {
      provider.token().block(Duration.ofSeconds(5));
      assertThat(provider.toString())
          .contains("client-1")
          .contains("FRESH")
          .doesNotContain("secret-1")
          .doesNotContain("tok-1");
    }
  }
}

package io.github.genesystokens.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.micrometer.GenesysTokenMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

/**
 * A real Spring Boot WebFlux application on a random port of 127.0.0.1, configured by properties
 * alone (client id, secret, token URI of the login emulator), whose endpoint calls the emulator's
 * API through the injected {@code genesysWebClientBuilder}: the calls, the token requests, the
 * recovery from a revoked token, the meters and {@code /actuator/health/genesysToken} in each
 * state, from before the first use to after the provider is closed.
 */
@SpringBootTest(
    classes = GenesysBootTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      // Tomcat and Spring MVC are on the test classpath for the interop tests.
      "spring.main.web-application-type=reactive",
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      // Spring Authorization Server's security is on the test classpath too.
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
      "management.endpoints.web.exposure.include=health,metrics",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.probes.enabled=true",
      "management.endpoint.health.group.readiness.include=readinessState,genesysToken",
      "genesys.token.client-id=boot-app",
      "genesys.token.client-secret=" + GenesysBootApplicationTest.SECRET,
      "genesys.token.name=users"
    })
@DirtiesContext
class GenesysBootApplicationTest {

  static final String SECRET = "app-secret-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static final GenesysLoginEmulator emulator =
      GenesysLoginEmulator.builder().client("boot-app", SECRET).start();

  @DynamicPropertySource
  static void emulatorProperties(DynamicPropertyRegistry registry) {
    registry.add("genesys.token.token-uri", () -> emulator.tokenUri().toString());
  }

  @AfterAll
  static void stopEmulator() {
    emulator.close();
  }

  @LocalServerPort int port;
  @Autowired TokenProvider tokens;
  @Autowired MeterRegistry meters;

  private WebTestClient client() {
    // A new connection per request: no call depends on what the server did with the previous one.
    return WebTestClient.bindToServer(
            new ReactorClientHttpConnector(HttpClient.create().keepAlive(false)))
        .baseUrl("http://127.0.0.1:" + port)
        .responseTimeout(WAIT)
        .build();
  }

  @Test
  void theServiceCallsTheApiRecoversARevokedTokenAndReportsEachHealthState() throws Exception {
    WebTestClient http = client();

    // Before the first use: UNKNOWN, and reading it requested nothing.
    JsonNode unknown = get(http, "/actuator/health/genesysToken", 200);
    assertThat(unknown.path("status").asText()).isEqualTo("UNKNOWN");
    assertThat(unknown.path("details").path("phase").asText()).isEqualTo("EMPTY");
    assertThat(emulator.tokenRequests()).isZero();

    // The endpoint calls the API through the injected builder: one token request for two calls.
    assertThat(text(http, "/me", 200)).contains("boot-app");
    text(http, "/me", 200);
    assertThat(emulator.tokenRequests()).isEqualTo(1);
    assertThat(emulator.apiRequests()).isEqualTo(2);
    JsonNode up = get(http, "/actuator/health/genesysToken", 200);
    assertThat(up.path("status").asText()).isEqualTo("UP");
    assertThat(up.path("details").path("phase").asText()).isEqualTo("FRESH");
    assertThat(up.path("details").has("expiresAt")).isTrue();
    assertThat(get(http, "/actuator/health/readiness", 200).path("status").asText()).isEqualTo("UP");
    assertThat(emulator.tokenRequests()).isEqualTo(1);

    // A revoked token: the filter drops it, takes a new one (one token request) and replays.
    emulator.revokeAllTokens();
    text(http, "/me", 200);
    assertThat(emulator.tokenRequests()).isEqualTo(2);
    assertThat(emulator.apiRequests()).isEqualTo(4);
    assertThat(
            meters.get(GenesysTokenMetrics.REPLAYS)
                .tags("name", "users", "result", "recovered")
                .counter()
                .count())
        .isEqualTo(1.0);
    JsonNode requests =
        get(http, "/actuator/metrics/" + GenesysTokenMetrics.REQUESTS + "?tag=name:users", 200);
    assertThat(requests.path("measurements").get(0).path("value").asDouble()).isEqualTo(2.0);
    // The observation's own timer of that name is dropped: one timer per fetch, one set of keys.
    assertThat(meters.find(GenesysTokenMetrics.FETCH).timers())
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.getId().getTag("error")).isNull());
    assertThat(meters.find(GenesysTokenMetrics.FETCH).timers().stream().mapToLong(Timer::count).sum())
        .isEqualTo(2);

    // The secret is reset and the tokens revoked: the next fetch fails with invalid_client.
    emulator.resetSecret("boot-app", "another-secret-0123456789");
    emulator.revokeAllTokens();
    text(http, "/me", 500);
    assertThat(emulator.tokenRequests()).isEqualTo(3);
    String downBody = text(http, "/actuator/health/genesysToken", 503);
    JsonNode down = JSON.readTree(downBody);
    assertThat(down.path("status").asText()).isEqualTo("DOWN");
    assertThat(down.path("details").path("phase").asText()).isEqualTo("EMPTY");
    assertThat(down.path("details").path("oauthError").asText()).isEqualTo("invalid_client");
    assertThat(down.path("details").path("retryable").asBoolean(true)).isFalse();
    assertThat(down.path("details").path("status").asInt()).isEqualTo(400);
    assertThat(down.path("details").path("correlationId").asText()).isNotBlank();
    assertThat(downBody).doesNotContain(SECRET).doesNotContain("another-secret");
    assertThat(get(http, "/actuator/health/readiness", 503).path("status").asText()).isEqualTo("DOWN");
    assertThat(emulator.tokenRequests()).isEqualTo(3);

    // Closed: DOWN.
    tokens.close();
    JsonNode closed = get(http, "/actuator/health/genesysToken", 503);
    assertThat(closed.path("status").asText()).isEqualTo("DOWN");
    assertThat(closed.path("details").path("phase").asText()).isEqualTo("CLOSED");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String text(WebTestClient http, String path, int status) {
    String body =
        http.get()
            .uri(path)
            .exchange()
            .expectStatus()
            .isEqualTo(status)
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    return body == null ? "" : body;
  }

  private static JsonNode get(WebTestClient http, String path, int status) throws Exception {
    return JSON.readTree(text(http, path, status));
  }
}

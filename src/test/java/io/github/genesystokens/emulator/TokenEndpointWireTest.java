package io.github.genesystokens.emulator;

import static io.github.genesystokens.emulator.EmulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.TestClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /oauth/token} against the facts of docs/genesys-login.md. */
class TokenEndpointWireTest {

  private final TestClock clock = TestClock.stoppedAt(TestClock.ORIGIN);
  private GenesysLoginEmulator emulator;
  private EmulatorHttp http;

  private void start(GenesysLoginEmulator.Builder builder) {
    emulator = builder.clock(clock).start();
    http = new EmulatorHttp(emulator);
  }

  @AfterEach
  void close() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void validBasicCredentialsGetABearerTokenWithTheClientsLifetime() {
    start(GenesysLoginEmulator.builder().client("app", "s3cret", Duration.ofSeconds(3600)));

    HttpResponse<String> reply = http.token("app", "s3cret");

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(reply.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode body = json(reply);
    assertThat(body.get("access_token").asText()).hasSizeGreaterThan(20);
    assertThat(body.get("token_type").asText()).isEqualTo("bearer");
    assertThat(body.get("expires_in").isIntegralNumber()).isTrue();
    assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
    assertThat(emulator.tokensIssued()).isEqualTo(1);
  }

  @Test
  void withoutRegisteredClientsTheDefaultClientIsAcceptedWith24HourTokens() {
    start(GenesysLoginEmulator.builder());

    HttpResponse<String> reply =
        http.token(GenesysLoginEmulator.DEFAULT_CLIENT_ID, GenesysLoginEmulator.DEFAULT_CLIENT_SECRET);

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(json(reply).get("expires_in").asLong()).isEqualTo(86_400);
  }

  @Test
  void everyTokenIsNew() {
    start(GenesysLoginEmulator.builder());

    assertThat(http.newToken()).isNotEqualTo(http.newToken());
  }

  @Test
  void unknownClientIdIsInvalidClientClientNotFoundWith400() {
    start(GenesysLoginEmulator.builder().client("app", "s3cret"));

    HttpResponse<String> reply = http.token("other", "s3cret");

    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(reply.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(reply.body())
        .isEqualTo(
            "{\"error\":\"invalid_client\",\"description\":\"client not found\","
                + "\"error_description\":\"client not found\"}");
  }

  @Test
  void wrongSecretIsInvalidClientAuthenticationFailedWith400() {
    start(GenesysLoginEmulator.builder().client("app", "s3cret"));

    HttpResponse<String> reply = http.token("app", "wrong");

    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(reply.body())
        .isEqualTo(
            "{\"error\":\"invalid_client\",\"description\":\"authentication failed\","
                + "\"error_description\":\"authentication failed\"}");
  }

  @Test
  void missingAuthorizationIsInvalidClient() {
    start(GenesysLoginEmulator.builder());

    HttpResponse<String> reply = http.token((String) null);

    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(json(reply).get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void invalidClientStatusCanBeSetTo401WithWwwAuthenticate() {
    start(GenesysLoginEmulator.builder().client("app", "s3cret").invalidClientStatus(401));

    HttpResponse<String> reply = http.token("app", "wrong");

    assertThat(reply.statusCode()).isEqualTo(401);
    assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"oauth\"");
    assertThat(json(reply).get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void credentialsAreBase64OfTheRawIdAndSecretNotUrlEncoded() {
    start(GenesysLoginEmulator.builder().client("app", "a+b/c=d%e"));

    assertThat(http.token("app", "a+b/c=d%e").statusCode()).isEqualTo(200);
    assertThat(http.token("app", "a%2Bb%2Fc%3Dd%25e").statusCode()).isEqualTo(400);
  }

  @Test
  void aGrantOtherThanClientCredentialsIsUnsupportedGrantType() {
    start(GenesysLoginEmulator.builder());
    HttpRequest request =
        HttpRequest.newBuilder(emulator.tokenUri())
            .timeout(EmulatorHttp.TIMEOUT)
            .header(
                "Authorization",
                EmulatorHttp.basic(
                    GenesysLoginEmulator.DEFAULT_CLIENT_ID,
                    GenesysLoginEmulator.DEFAULT_CLIENT_SECRET))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=password"))
            .build();

    HttpResponse<String> reply = http.send(request);

    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(json(reply).get("error").asText()).isEqualTo("unsupported_grant_type");
  }

  @Test
  void aJsonBodyInsteadOfAFormIsInvalidRequest() {
    start(GenesysLoginEmulator.builder());
    HttpRequest request =
        HttpRequest.newBuilder(emulator.tokenUri())
            .timeout(EmulatorHttp.TIMEOUT)
            .header(
                "Authorization",
                EmulatorHttp.basic(
                    GenesysLoginEmulator.DEFAULT_CLIENT_ID,
                    GenesysLoginEmulator.DEFAULT_CLIENT_SECRET))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}"))
            .build();

    HttpResponse<String> reply = http.send(request);

    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(json(reply).get("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void mintingFasterThanTheRateIsThrottledWith400InvalidRequestUntilTheWindowMoves() {
    start(GenesysLoginEmulator.builder().tokenRateLimit(2, Duration.ofSeconds(10)));

    http.newToken();
    http.newToken();
    HttpResponse<String> throttled =
        http.token(GenesysLoginEmulator.DEFAULT_CLIENT_ID, GenesysLoginEmulator.DEFAULT_CLIENT_SECRET);

    assertThat(throttled.statusCode()).isEqualTo(400);
    JsonNode body = json(throttled);
    assertThat(body.get("error").asText()).isEqualTo("invalid_request");
    assertThat(body.get("description").asText()).startsWith("rate limit exceeded;");
    assertThat(body.get("error_description").asText()).startsWith("rate limit exceeded;");
    assertThat(throttled.headers().firstValue("Retry-After")).isEmpty();

    clock.jump(Duration.ofSeconds(10));
    assertThat(http.newToken()).isNotBlank();
    assertThat(emulator.tokensIssued()).isEqualTo(3);
    assertThat(emulator.tokenRequests()).isEqualTo(4);
  }

  @Test
  void theThrottleCountsEachClientSeparately() {
    start(
        GenesysLoginEmulator.builder()
            .client("a", "x")
            .client("b", "y")
            .tokenRateLimit(1, Duration.ofMinutes(1)));

    assertThat(http.token("a", "x").statusCode()).isEqualTo(200);
    assertThat(http.token("b", "y").statusCode()).isEqualTo(200);
    assertThat(http.token("a", "x").statusCode()).isEqualTo(400);
  }

  @Test
  void everyReplyCarriesAFreshIninCorrelationId() {
    start(GenesysLoginEmulator.builder());

    String ok = correlationId(http.token(GenesysLoginEmulator.DEFAULT_CLIENT_ID, "wrong"));
    String other = correlationId(http.newTokenReply());
    String notFound = correlationId(http.request("GET", "/nowhere", null));
    String notAllowed = correlationId(http.request("GET", "/oauth/token", null));

    assertThat(java.util.List.of(ok, other, notFound, notAllowed)).doesNotHaveDuplicates();
  }

  @Test
  void theTokenEndpointAcceptsOnlyPost() {
    start(GenesysLoginEmulator.builder());

    HttpResponse<String> reply = http.request("GET", "/oauth/token", null);

    assertThat(reply.statusCode()).isEqualTo(405);
    assertThat(reply.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void builderRejectsWhatTheWireCannotCarry() {
    GenesysLoginEmulator.Builder builder = GenesysLoginEmulator.builder();
    assertThatThrownBy(() -> builder.client("a:b", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("':'");
    assertThatThrownBy(() -> builder.tokenLifetime(Duration.ofMillis(1500)))
        .hasMessageContaining("whole number of seconds");
    assertThatThrownBy(() -> builder.invalidClientStatus(403)).hasMessageContaining("400 or 401");
    assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class);
  }

  private static String correlationId(HttpResponse<String> reply) {
    String id = reply.headers().firstValue("ININ-Correlation-Id").orElse(null);
    assertThat(id).as("ININ-Correlation-Id of HTTP %s", reply.statusCode()).isNotBlank();
    assertThat(reply.headers().firstValue("Genesys-Correlation-Id")).isEmpty();
    return id;
  }
}

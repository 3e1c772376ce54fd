package io.github.genesystokens.emulator;

import static io.github.genesystokens.emulator.EmulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /api/v2/**}: bearer checks, revocation and the per-token rate limit. */
class ApiWireTest {

  private static final String BAD_CREDENTIALS =
      "{\"message\":\"Invalid login credentials.\",\"code\":\"bad.credentials\",\"status\":401}";

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
  void usersMeAndOrganizationsMeAnswer200ForAValidToken() {
    start(GenesysLoginEmulator.builder());
    String token = http.newToken();

    HttpResponse<String> user = http.request("GET", "/api/v2/users/me", token);
    HttpResponse<String> org = http.request("GET", "/api/v2/organizations/me", token);

    assertThat(user.statusCode()).isEqualTo(200);
    assertThat(json(user).get("id").asText()).contains(GenesysLoginEmulator.DEFAULT_CLIENT_ID);
    assertThat(org.statusCode()).isEqualTo(200);
    assertThat(json(org).get("name").asText()).isNotBlank();
    assertThat(user.headers().firstValue("Genesys-Correlation-Id")).isPresent();
    assertThat(emulator.apiRequests()).isEqualTo(2);
  }

  @Test
  void theBearerSchemeIsAcceptedInAnyCase() {
    start(GenesysLoginEmulator.builder());
    String token = http.newToken();

    HttpResponse<String> reply =
        http.send(
            java.net.http.HttpRequest.newBuilder(emulator.baseUri().resolve("/api/v2/users/me"))
                .timeout(EmulatorHttp.TIMEOUT)
                .header("Authorization", "bearer " + token)
                .build());

    assertThat(reply.statusCode()).isEqualTo(200);
  }

  @Test
  void noTokenIs401AuthenticationRequired() {
    start(GenesysLoginEmulator.builder());

    HttpResponse<String> reply = http.request("GET", "/api/v2/users/me", null);

    assertThat(reply.statusCode()).isEqualTo(401);
    assertThat(json(reply).get("code").asText()).isEqualTo("authentication.required");
    assertThat(json(reply).get("status").asInt()).isEqualTo(401);
  }

  @Test
  void anUnknownTokenIs401BadCredentials() {
    start(GenesysLoginEmulator.builder());

    HttpResponse<String> reply = http.request("GET", "/api/v2/users/me", "made-up");

    assertThat(reply.statusCode()).isEqualTo(401);
    assertThat(reply.body()).isEqualTo(BAD_CREDENTIALS);
    assertThat(reply.headers().firstValue("Genesys-Correlation-Id")).isPresent();
  }

  @Test
  void aTokenExpiresOnTheEmulatorsClock() {
    start(GenesysLoginEmulator.builder().tokenLifetime(Duration.ofSeconds(300)));
    String token = http.newToken();

    clock.jump(Duration.ofSeconds(299));
    assertThat(http.request("GET", "/api/v2/users/me", token).statusCode()).isEqualTo(200);

    clock.jump(Duration.ofSeconds(1));
    HttpResponse<String> expired = http.request("GET", "/api/v2/users/me", token);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.body()).isEqualTo(BAD_CREDENTIALS);
  }

  @Test
  void deleteTokensMeRevokesTheTokenUsedAndNoOther() {
    start(GenesysLoginEmulator.builder());
    String revoked = http.newToken();
    String other = http.newToken();

    assertThat(http.request("DELETE", "/api/v2/tokens/me", revoked).statusCode()).isEqualTo(204);

    HttpResponse<String> after = http.request("GET", "/api/v2/users/me", revoked);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.body()).isEqualTo(BAD_CREDENTIALS);
    assertThat(http.request("GET", "/api/v2/users/me", other).statusCode()).isEqualTo(200);
  }

  @Test
  void revokeAllTokensRejectsEveryIssuedTokenButNotLaterOnes() {
    start(GenesysLoginEmulator.builder());
    String before = http.newToken();

    emulator.revokeAllTokens();
    String after = http.newToken();

    assertThat(http.request("GET", "/api/v2/users/me", before).statusCode()).isEqualTo(401);
    assertThat(http.request("GET", "/api/v2/users/me", after).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenOverItsPerMinuteLimitGets429WithRetryAfterAndIninRateLimitHeaders() {
    start(GenesysLoginEmulator.builder().apiRateLimit(3));
    String token = http.newToken();
    for (int i = 0; i < 3; i++) {
      assertThat(http.request("GET", "/api/v2/users/me", token).statusCode()).isEqualTo(200);
    }
    clock.jump(Duration.ofSeconds(20));

    HttpResponse<String> limited = http.request("GET", "/api/v2/users/me", token);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("40");
    assertThat(limited.headers().firstValue("inin-ratelimit-allowed")).hasValue("3");
    assertThat(limited.headers().firstValue("inin-ratelimit-count")).hasValue("4");
    assertThat(limited.headers().firstValue("inin-ratelimit-reset")).hasValue("40");
    assertThat(json(limited).get("code").asText()).isEqualTo("too.many.requests");
    assertThat(json(limited).get("status").asInt()).isEqualTo(429);

    String otherToken = http.newToken();
    assertThat(http.request("GET", "/api/v2/users/me", otherToken).statusCode()).isEqualTo(200);

    clock.jump(Duration.ofSeconds(40));
    assertThat(http.request("GET", "/api/v2/users/me", token).statusCode()).isEqualTo(200);
  }

  @Test
  void theDefaultLimitIs300RequestsPerTokenPerMinute() {
    start(GenesysLoginEmulator.builder());
    String token = http.newToken();

    HttpResponse<String> first = http.request("GET", "/api/v2/organizations/me", token);

    assertThat(first.headers().firstValue("inin-ratelimit-allowed")).hasValue("300");
    assertThat(first.headers().firstValue("inin-ratelimit-count")).hasValue("1");
  }

  @Test
  void anUnknownApiPathIs404WithTheGenesysErrorShape() {
    start(GenesysLoginEmulator.builder());
    String token = http.newToken();

    HttpResponse<String> reply = http.request("GET", "/api/v2/routing/queues", token);

    assertThat(reply.statusCode()).isEqualTo(404);
    assertThat(json(reply).get("code").asText()).isEqualTo("not.found");
  }
}

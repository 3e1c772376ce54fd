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
    assertThat(user.headers().firstValue("ININ-Correlation-Id")).isPresent();
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
    assertThat(reply.headers().firstValue("ININ-Correlation-Id")).isPresent();
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
  void aTokenOverItsPerMinuteLimitGets429WithRetryAfterAndTheRetryAfterCode() {
    start(GenesysLoginEmulator.builder().apiRateLimit(3));
    String token = http.newToken();
    for (int i = 0; i < 3; i++) {
      assertThat(http.request("GET", "/api/v2/users/me", token).statusCode()).isEqualTo(200);
    }
    clock.jump(Duration.ofSeconds(20));

    HttpResponse<String> limited = http.request("GET", "/api/v2/users/me", token);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("40");
    assertThat(limited.headers().map().keySet())
        .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("inin-ratelimit"));
    assertThat(json(limited).get("code").asText()).isEqualTo("too.many.requests.retry.after");
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

    for (int i = 0; i < 300; i++) {
      assertThat(http.request("GET", "/api/v2/organizations/me", token).statusCode())
          .as("request %d", i + 1)
          .isEqualTo(200);
    }

    HttpResponse<String> over = http.request("GET", "/api/v2/organizations/me", token);

    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(over.headers().firstValue("Retry-After")).hasValue("60");
    assertThat(over.headers().map().keySet())
        .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("inin-ratelimit"));
  }

  @Test
  void headerNamesGoOnTheWireInTheirCanonicalCase() throws Exception {
    start(GenesysLoginEmulator.builder().apiRateLimit(1));
    String token = http.newToken();

    String ok = rawHeaders("GET /api/v2/users/me", token);
    String limited = rawHeaders("GET /api/v2/users/me", token);

    assertThat(ok).startsWith("HTTP/1.1 200").contains("\r\nININ-Correlation-Id: ")
        .contains("\r\nContent-Type: application/json").contains("\r\nContent-Length: ");
    assertThat(limited).startsWith("HTTP/1.1 429").contains("\r\nRetry-After: 60\r\n")
        .contains("\r\nININ-Correlation-Id: ");
  }

  @Test
  void aPermissionGuardedResourceIs403MissingPermissions() {
    start(GenesysLoginEmulator.builder());
    String token = http.newToken();

    HttpResponse<String> reply = http.request("GET", "/api/v2/oauth/clients", token);

    assertThat(reply.statusCode()).isEqualTo(403);
    assertThat(json(reply).get("code").asText()).isEqualTo("missing.permissions");
    assertThat(json(reply).get("status").asInt()).isEqualTo(403);
  }

  /** The status line and headers of one request, as bytes on the wire (names case preserved). */
  private String rawHeaders(String requestLine, String token) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", emulator.port())) {
      socket.setSoTimeout((int) EmulatorHttp.TIMEOUT.toMillis());
      String request =
          requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String reply =
          new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int end = reply.indexOf("\r\n\r\n");
      return end < 0 ? reply : reply.substring(0, end + 2);
    }
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

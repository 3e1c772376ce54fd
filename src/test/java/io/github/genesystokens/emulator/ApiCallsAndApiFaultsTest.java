package io.github.genesystokens.emulator;

import static io.github.genesystokens.emulator.EmulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's test tools on the API side, on the wire: the call log, scripted API faults and
 * the barrier that holds replies.
 */
class ApiCallsAndApiFaultsTest {

  private static final String BAD_CREDENTIALS =
      "{\"message\":\"Invalid login credentials.\",\"code\":\"bad.credentials\",\"status\":401}";

  private final GenesysLoginEmulator emulator =
      GenesysLoginEmulator.builder().client("app", "s3cret").apiRateLimit(1).start();
  private final EmulatorHttp http = new EmulatorHttp(emulator);

  @AfterEach
  void close() {
    emulator.close();
  }

  private String token(String form) {
    HttpResponse<String> reply =
        http.send(
            HttpRequest.newBuilder(emulator.tokenUri())
                .timeout(EmulatorHttp.TIMEOUT)
                .header("Authorization", EmulatorHttp.basic("app", "s3cret"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    assertThat(reply.statusCode()).isEqualTo(200);
    return json(reply).get("access_token").asText();
  }

  private HttpResponse<String> post(String path, String bearer, String body) {
    return http.send(
        HttpRequest.newBuilder(emulator.baseUri().resolve(path))
            .timeout(EmulatorHttp.TIMEOUT)
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  @Test
  void eachApiCallIsLoggedWithItsRequestItsAnswerAndTheClientAndScopesOfItsToken() {
    String scoped = token("grant_type=client_credentials&scope=users%3Areadonly+analytics");
    String plain = token("grant_type=client_credentials");

    HttpResponse<String> created = post("/api/v2/conversations", scoped, "{\"n\":1}");
    HttpResponse<String> me = http.request("GET", "/api/v2/users/me?expand=x", plain);
    HttpResponse<String> anonymous = http.request("GET", "/api/v2/users/me", null);

    List<GenesysLoginEmulator.ApiCall> calls = emulator.apiCalls();
    assertThat(calls).hasSize(3);
    GenesysLoginEmulator.ApiCall first = calls.get(0);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.path()).isEqualTo("/api/v2/conversations");
    assertThat(first.authorization()).isEqualTo("Bearer " + scoped);
    assertThat(first.body()).isEqualTo("{\"n\":1}");
    assertThat(first.status()).isEqualTo(404).isEqualTo(created.statusCode());
    assertThat(first.correlationId())
        .isEqualTo(created.headers().firstValue("ININ-Correlation-Id").orElseThrow());
    assertThat(first.clientId()).isEqualTo("app");
    assertThat(first.scopes()).containsExactlyInAnyOrder("users:readonly", "analytics");
    GenesysLoginEmulator.ApiCall second = calls.get(1);
    assertThat(second.path()).isEqualTo("/api/v2/users/me");
    assertThat(second.body()).isEmpty();
    assertThat(second.status()).isEqualTo(200).isEqualTo(me.statusCode());
    assertThat(second.scopes()).isEmpty();
    GenesysLoginEmulator.ApiCall third = calls.get(2);
    assertThat(third.authorization()).isNull();
    assertThat(third.status()).isEqualTo(401).isEqualTo(anonymous.statusCode());
    assertThat(third.clientId()).isNull();
    assertThat(calls).allSatisfy(call -> assertThat(call.toString()).doesNotContain(scoped, plain));
    assertThatThrownBy(() -> calls.add(first)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theCallLogKeepsTheLastTenThousandCalls() {
    ApiCallLog log = new ApiCallLog();
    IntStream.rangeClosed(1, GenesysLoginEmulator.API_CALL_LOG_CAPACITY + 1)
        .forEach(
            i ->
                log.add(
                    new GenesysLoginEmulator.ApiCall(
                        "GET", "/api/v2/" + i, null, "", 200, "c" + i, null, Set.of())));

    List<GenesysLoginEmulator.ApiCall> calls = log.snapshot();

    assertThat(GenesysLoginEmulator.API_CALL_LOG_CAPACITY).isEqualTo(10_000);
    assertThat(calls).hasSize(10_000);
    assertThat(calls.get(0).path()).isEqualTo("/api/v2/2");
    assertThat(calls.get(9_999).path()).isEqualTo("/api/v2/10001");
  }

  @Test
  void unauthorizedAnswersTheGenesys401ToAValidTokenThenTheApiAnswersAsUsual() {
    String token = token("grant_type=client_credentials");
    emulator.failNextApiRequests(2, Fault.unauthorized());

    HttpResponse<String> first = http.request("GET", "/api/v2/users/me", token);
    HttpResponse<String> second = http.request("GET", "/api/v2/users/me", token);
    // apiRateLimit(1): the faulted requests did not count against the token's minute.
    HttpResponse<String> third = http.request("GET", "/api/v2/users/me", token);

    assertThat(first.statusCode()).isEqualTo(401);
    assertThat(first.body()).isEqualTo(BAD_CREDENTIALS);
    assertThat(first.headers().firstValue("ININ-Correlation-Id")).isPresent();
    assertThat(second.statusCode()).isEqualTo(401);
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(emulator.apiCalls())
        .extracting(GenesysLoginEmulator.ApiCall::status)
        .containsExactly(401, 401, 200);
  }

  @Test
  void tooManyRequestsAndServiceUnavailableAreGatewayRepliesOfTheApi() {
    String token = token("grant_type=client_credentials");
    emulator.failNextApiRequests(1, Fault.tooManyRequests(Duration.ofMillis(2500)));
    emulator.failNextApiRequests(1, Fault.serviceUnavailable());

    HttpResponse<String> limited = http.request("GET", "/api/v2/users/me", token);
    HttpResponse<String> unavailable = http.request("GET", "/api/v2/users/me", token);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(json(limited).get("code").asText()).isEqualTo("too.many.requests.retry.after");
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(json(unavailable).get("code").asText()).isEqualTo("service.unavailable");
    assertThat(emulator.tokenRequests()).isEqualTo(1);
  }

  @Test
  void clearFaultsDropsQueuedApiFaults() {
    String token = token("grant_type=client_credentials");
    emulator.failNextApiRequests(3, Fault.unauthorized());

    emulator.clearFaults();

    assertThat(http.request("GET", "/api/v2/users/me", token).statusCode()).isEqualTo(200);
  }

  @Test
  void eachSideRefusesTheFaultsOfTheOther() {
    assertThatThrownBy(() -> emulator.failNextApiRequests(1, Fault.throttle()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("login service");
    assertThatThrownBy(() -> emulator.failNextApiRequests(1, Fault.malformed()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> emulator.failNextApiRequests(1, Fault.hang()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> emulator.failNextTokenRequests(1, Fault.unauthorized()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("API");
    assertThatThrownBy(() -> emulator.failNextApiRequests(0, Fault.unauthorized()))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> emulator.holdApiReplies(0)).hasMessageContaining("at least 1");
  }

  @Test
  void heldRepliesWaitForTheLastOfTheirCountAndAreJudgedWhenReleased() throws Exception {
    String token = token("grant_type=client_credentials");
    emulator.holdApiReplies(3);

    CompletableFuture<HttpResponse<String>> first = async(token);
    CompletableFuture<HttpResponse<String>> second = async(token);
    // The login service is not held: its answer comes while the two API requests wait.
    String other = token("grant_type=client_credentials");
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    // Judged on release, not on arrival: revoked now, both are refused.
    emulator.revokeAllTokens();
    HttpResponse<String> third = http.request("GET", "/api/v2/users/me", other);

    assertThat(third.statusCode()).isEqualTo(401);
    assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
    assertThat(second.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
    String fresh = token("grant_type=client_credentials");
    assertThat(http.request("GET", "/api/v2/users/me", fresh).statusCode())
        .as("the fourth request is not held")
        .isEqualTo(200);
    assertThat(emulator.apiCalls()).hasSize(4);
  }

  @Test
  void clearFaultsReleasesHeldReplies() throws Exception {
    String token = token("grant_type=client_credentials");
    emulator.holdApiReplies(2);
    CompletableFuture<HttpResponse<String>> held = async(token);
    token("grant_type=client_credentials");
    assertThat(held).isNotDone();

    emulator.clearFaults();

    assertThat(held.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  private CompletableFuture<HttpResponse<String>> async(String token) {
    return http.client()
        .sendAsync(
            HttpRequest.newBuilder(emulator.baseUri().resolve("/api/v2/users/me"))
                .timeout(EmulatorHttp.TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}

package io.github.genesystokens.emulator;

import static io.github.genesystokens.emulator.EmulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.TestClock;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Latency, queued token faults and outages, scripted while the emulator runs. */
class ScriptedFaultsTest {

  private final TestClock clock = TestClock.stoppedAt(TestClock.ORIGIN);
  private final GenesysLoginEmulator emulator = GenesysLoginEmulator.builder().clock(clock).start();
  private final EmulatorHttp http = new EmulatorHttp(emulator);

  @AfterEach
  void close() {
    emulator.close();
  }

  @Test
  void tooManyRequestsAnswers429WithRetryAfterInWholeSeconds() {
    emulator.failNextTokenRequests(1, Fault.tooManyRequests(Duration.ofMillis(1500)));

    HttpResponse<String> reply = http.newTokenReply();

    assertThat(reply.statusCode()).isEqualTo(429);
    assertThat(reply.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(reply.headers().firstValue("ININ-Correlation-Id")).isPresent();
    assertThat(EmulatorHttp.json(reply).get("code").asText()).isEqualTo("too.many.requests.retry.after");
  }

  @Test
  void serviceUnavailableAnswers503() {
    emulator.failNextTokenRequests(1, Fault.serviceUnavailable());

    HttpResponse<String> reply = http.newTokenReply();

    assertThat(reply.statusCode()).isEqualTo(503);
    assertThat(json(reply).get("status").asInt()).isEqualTo(503);
  }

  @Test
  void throttleAnswersTheGenesys400InvalidRequest() {
    emulator.failNextTokenRequests(1, Fault.throttle());

    HttpResponse<String> reply = http.newTokenReply();

    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(json(reply).get("error").asText()).isEqualTo("invalid_request");
    assertThat(json(reply).get("error_description").asText()).startsWith("rate limit exceeded;");
  }

  @Test
  void malformedAnswers200WithJsonThatDoesNotParse() {
    emulator.failNextTokenRequests(1, Fault.malformed());

    HttpResponse<String> reply = http.newTokenReply();

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThatThrownBy(() -> new ObjectMapper().readTree(reply.body()))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void queuedFaultsAreAnsweredInOrderThenTokensAgain() {
    emulator.failNextTokenRequests(2, Fault.serviceUnavailable());
    emulator.failNextTokenRequests(1, Fault.throttle());

    assertThat(http.newTokenReply().statusCode()).isEqualTo(503);
    assertThat(http.newTokenReply().statusCode()).isEqualTo(503);
    assertThat(http.newTokenReply().statusCode()).isEqualTo(400);
    assertThat(http.newTokenReply().statusCode()).isEqualTo(200);
    assertThat(emulator.tokenRequests()).isEqualTo(4);
    assertThat(emulator.tokensIssued()).isEqualTo(1);
  }

  @Test
  void faultsPrecedeCredentialChecks() {
    emulator.failNextTokenRequests(1, Fault.serviceUnavailable());

    assertThat(http.token("nobody", "nothing").statusCode()).isEqualTo(503);
  }

  @Test
  void anOutageAnswers503OnTheEmulatorsClockUntilItEnds() {
    emulator.outage(Duration.ofSeconds(30));

    assertThat(http.newTokenReply().statusCode()).isEqualTo(503);
    clock.jump(Duration.ofSeconds(29));
    assertThat(http.newTokenReply().statusCode()).isEqualTo(503);
    clock.jump(Duration.ofSeconds(1));
    assertThat(http.newTokenReply().statusCode()).isEqualTo(200);
  }

  @Test
  void theApiKeepsWorkingDuringALoginOutage() {
    String token = http.newToken();
    emulator.outage(Duration.ofMinutes(5));

    assertThat(http.request("GET", "/api/v2/users/me", token).statusCode()).isEqualTo(200);
  }

  @Test
  void latencyDelaysEveryReply() {
    emulator.latency(Duration.ofMillis(300));

    long start = System.nanoTime();
    http.newTokenReply();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void clearFaultsRemovesQueuedFaultsAndOutage() {
    emulator.failNextTokenRequests(3, Fault.serviceUnavailable());
    emulator.outage(Duration.ofMinutes(1));

    emulator.clearFaults();

    assertThat(http.newTokenReply().statusCode()).isEqualTo(200);
  }

  @Test
  void hangHoldsTheRequestUntilTheClientTimesOutAndCloseDoesNotWaitForIt() {
    emulator.failNextTokenRequests(1, Fault.hang());
    TokenProvider provider =
        GenesysTokenProvider.builder()
            .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
            .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
            .tokenUri(emulator.tokenUri())
            .requestTimeout(Duration.ofMillis(300))
            .maxRetries(0)
            .build();
    try {
      StepVerifier.create(provider.token())
          .expectErrorSatisfies(
              e -> assertThat(e).isInstanceOf(TokenException.class).hasMessageContaining("300ms"))
          .verify(Duration.ofSeconds(5));
    } finally {
      provider.close();
    }
    emulator.failNextTokenRequests(1, Fault.hang());
    http.client()
        .sendAsync(
            java.net.http.HttpRequest.newBuilder(emulator.tokenUri())
                .timeout(Duration.ofSeconds(30))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());

    long start = System.nanoTime();
    emulator.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void faultArgumentsAreChecked() {
    assertThatThrownBy(() -> emulator.failNextTokenRequests(0, Fault.throttle()))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Fault.tooManyRequests(Duration.ofSeconds(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> emulator.outage(Duration.ZERO)).hasMessageContaining("positive");
  }
}

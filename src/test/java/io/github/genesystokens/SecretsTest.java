package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;

/**
 * The client secret and token values never appear in {@code toString()}, in exception messages or
 * in logs at any level. Every Reactor and Reactor Netty logger is captured at TRACE while a
 * provider goes through success, refresh, rejection, failure and close.
 */
class SecretsTest {

  private static final String SECRET = "Sup3r+Secr=t/%value";
  private static final String TOKEN_1 = "eyJ-first-token-value";
  private static final String TOKEN_2 = "eyJ-second-token-value";
  private static final String BASIC =
      Base64.getEncoder().encodeToString(("client-1:" + SECRET).getBytes(StandardCharsets.UTF_8));

  private final TestLogger logs = new TestLogger(false);
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    TestJvmSetup.install();
    LoggerUtils.enableCaptureWith(logs);
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    LoggerUtils.disableCapture();
    server.close();
  }

  private static MockResponse reply(int status, String body) {
    return new MockResponse.Builder().code(status).body(body).build();
  }

  @Test
  void noSecretOrTokenInToStringMessagesOrLogsAtAnyLevel() {
    List<String> printed = new ArrayList<>();
    server.enqueue(reply(503, "{\"error\":\"temporarily_unavailable\",\"echo\":\"" + SECRET + "\"}"));
    server.enqueue(
        reply(200, "{\"access_token\":\"" + TOKEN_1 + "\",\"token_type\":\"bearer\",\"expires_in\":2}"));
    server.enqueue(reply(200, "{\"access_token\":\"" + TOKEN_2 + "\",\"expires_in\":\"soon\"}"));
    server.enqueue(
        reply(401, "{\"error\":\"invalid_client\",\"error_description\":\"authentication failed\","
            + "\"authorization\":\"Basic " + BASIC + "\"}"));

    GenesysTokenProvider.Builder builder =
        GenesysTokenProvider.builder()
            .clientId("client-1")
            .clientSecret(SECRET)
            .tokenUri(server.url("/oauth/token").uri())
            .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(10))
            .requestTimeout(Duration.ofSeconds(3))
            .maxRetries(1)
            .failureCooldown(Duration.ZERO);
    printed.add(builder.toString());
    TokenProvider provider = builder.build();

    AccessToken token = provider.token().block(Duration.ofSeconds(5)); // 503, then TOKEN_1
    printed.add(token.toString());
    printed.add(provider.toString());
    provider.invalidate(token);
    for (int i = 0; i < 2; i++) { // a bad reply echoing TOKEN_2; invalid_client
      try {
        provider.token().block(Duration.ofSeconds(5));
      } catch (TokenException e) {
        printed.add(e.toString());
        printed.add(String.valueOf(e.getCause()));
      }
    }
    printed.add(provider.toString());
    provider.close();

    // A server that never answers, on a provider of its own with a short timeout.
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    try (TokenProvider hanging =
        builder.requestTimeout(Duration.ofMillis(300)).maxRetries(0).build()) {
      hanging.token().block(Duration.ofSeconds(5));
    } catch (TokenException e) {
      printed.add(e.toString());
      printed.add(String.valueOf(e.getCause()));
    }
    try {
      provider.token().block(Duration.ofSeconds(5));
    } catch (TokenException e) {
      printed.add(e.toString());
    }

    String everything = String.join("\n", printed) + logs.getOutContent() + logs.getErrContent();
    assertThat(logs.getOutContent() + logs.getErrContent())
        .as("the capture works: something was logged")
        .contains("invalid_client")
        .contains("refresh", "rejected");
    assertThat(printed).hasSizeGreaterThan(8);
    assertThat(everything)
        .doesNotContain(SECRET)
        .doesNotContain(BASIC)
        .doesNotContain(TOKEN_1)
        .doesNotContain(TOKEN_2);
  }

  @Test
  void theTokenRecordNeverPrintsItsValue() {
    AccessToken token = new AccessToken(TOKEN_1, "bearer", java.time.Instant.EPOCH);
    assertThat(token.toString()).doesNotContain(TOKEN_1).contains("redacted");
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;

/**
 * For every {@link ClientAuthentication} method, with credentials given directly and from files:
 * the secret, raw or in any encoded form a server may echo it in, never appears in a {@code
 * toString()}, an exception message or a log line at any level, including failures whose reply
 * quotes it. And the request carries it the way the method says.
 */
class ClientAuthenticationSecretsTest {

  private static final String ID = "client-7";
  private static final String SECRET = "a+b/c=d%e f:g\"h\\";
  private static final String FORM = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
  private static final String JSON = SECRET.replace("\\", "\\\\").replace("\"", "\\\"");

  private final TestLogger logs = new TestLogger(false);
  private MockWebServer server;

  @TempDir Path dir;

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

  private static String basic(String id, String secret) {
    return Base64.getEncoder()
        .encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** Every form of the secret that must not be printed. */
  private static List<String> forms() {
    return List.of(
        SECRET,
        FORM,
        FORM.replace("+", "%20"),
        JSON,
        JSON.replace("/", "\\/"),
        basic(ID, SECRET),
        basic(ID, FORM));
  }

  private static MockResponse reply(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static String echoing(String error, String echoed) {
    return "{\"error\":\"" + error + "\",\"error_description\":\"got " + echoed + "\"}";
  }

  @ParameterizedTest
  @EnumSource(ClientAuthentication.class)
  void noFormOfTheSecretIsPrintedWhateverTheMethodAndTheReply(ClientAuthentication method)
      throws Exception {
    Files.writeString(dir.resolve("id"), ID + "\n");
    Files.writeString(dir.resolve("secret"), SECRET + "\n");
    Mono<ClientCredentials> files =
        ClientCredentials.fromFiles(dir.resolve("id"), dir.resolve("secret"));
    List<String> printed = new ArrayList<>();
    printed.add(ClientCredentials.of(ID, SECRET).toString());
    printed.add(files.toString());

    for (boolean fromFiles : new boolean[] {false, true}) {
      GenesysTokenProvider.Builder builder =
          GenesysTokenProvider.builder()
              .clientAuthentication(method)
              .tokenUri(server.url("/oauth/token").uri())
              .tokenRequestParameter("audience", "https://api.example.com")
              .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
              .maxRetries(1)
              .failureCooldown(Duration.ZERO);
      if (fromFiles) {
        builder.credentials(files);
      } else {
        builder.clientId(ID).clientSecret(SECRET);
      }
      printed.add(builder.toString());
      try (TokenProvider provider = builder.build()) {
        // Each form echoed: in a retried 503, then in a final 400 and 401.
        for (String echoed : forms()) {
          server.enqueue(reply(503, echoing("temporarily_unavailable", echoed)));
          server.enqueue(reply(401, echoing("invalid_client", echoed)));
          try {
            provider.token().block(Duration.ofSeconds(5));
          } catch (TokenException e) {
            printed.add(e.toString());
          }
          server.enqueue(reply(400, "{\"error\":\"invalid_request\",\"echo\":\"" + echoed + "\"}"));
          try {
            provider.token().block(Duration.ofSeconds(5));
          } catch (TokenException e) {
            printed.add(e.toString());
          }
        }
        printed.add(provider.toString());
        assertCarried(method);
      }
    }

    String everything = String.join("\n", printed) + logs.getOutContent() + logs.getErrContent();
    assertThat(everything).as("the failures were seen").contains("invalid_client", "<redacted>");
    for (String form : forms()) {
      assertThat(everything).doesNotContain(form);
    }
  }

  /** The requests so far carried the credentials as the method says. */
  private void assertCarried(ClientAuthentication method) throws InterruptedException {
    RecordedRequest request;
    while ((request = server.takeRequest(0, java.util.concurrent.TimeUnit.SECONDS)) != null) {
      String authorization = request.getHeaders().get("Authorization");
      String body = request.getBody() == null ? "" : request.getBody().utf8();
      assertThat(body).startsWith("grant_type=client_credentials&audience=https%3A%2F%2Fapi.example.com");
      switch (method) {
        case GENESYS_BASIC:
          assertThat(authorization).isEqualTo("Basic " + basic(ID, SECRET));
          assertThat(body).doesNotContain("client_secret");
          break;
        case CLIENT_SECRET_BASIC:
          assertThat(authorization).isEqualTo("Basic " + basic(ID, FORM));
          assertThat(body).doesNotContain("client_secret");
          break;
        case CLIENT_SECRET_POST:
          assertThat(authorization).isNull();
          assertThat(body).endsWith("&client_id=" + ID + "&client_secret=" + FORM);
          break;
        default:
          throw new AssertionError(method);
      }
    }
  }

  @Test
  void aClientIdWithAColonIsSentInTheFormByClientSecretPostGivenDirectlyOrFromASource()
      throws Exception {
    String id = "tenant:app";
    String token = "{\"access_token\":\"t\",\"token_type\":\"bearer\",\"expires_in\":3600}";
    List<GenesysTokenProvider.Builder> builders =
        List.of(
            GenesysTokenProvider.builder().clientId(id).clientSecret(SECRET),
            GenesysTokenProvider.builder().credentials(Mono.just(ClientCredentials.of(id, SECRET))));
    for (GenesysTokenProvider.Builder builder : builders) {
      server.enqueue(reply(200, token));
      try (TokenProvider provider =
          builder
              .clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST)
              .tokenUri(server.url("/oauth/token").uri())
              .build()) {
        assertThat(provider.token().block(Duration.ofSeconds(5)).value()).isEqualTo("t");
      }
      RecordedRequest request = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(request.getHeaders().get("Authorization")).isNull();
      assertThat(request.getBody().utf8())
          .isEqualTo("grant_type=client_credentials&client_id=tenant%3Aapp&client_secret=" + FORM);
    }
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** The token request on the wire, against MockWebServer on 127.0.0.1, one attempt at a time. */
class TokenEndpointTest {

  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final String ID = "3f1c8e42-client";
  private static final String SECRET = "s3cr+t/with=chars%and-é";
  private static final ClientCredentials CREDENTIALS = ClientCredentials.of(ID, SECRET);

  private MockWebServer server;
  private URI tokenUri;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    tokenUri = server.url("/oauth/token").uri();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TokenEndpoint endpoint(List<String> scopes, Duration timeout) {
    return genesys(HttpClient.create(), tokenUri, scopes, timeout, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** An endpoint with the Genesys method and no extra parameters, as the builder's defaults. */
  static TokenEndpoint genesys(
      HttpClient client, URI tokenUri, List<String> scopes, Duration timeout, Clock clock) {
    return new TokenEndpoint(
        client,
        tokenUri,
        ClientAuthentication.GENESYS_BASIC,
        scopes,
        List.of(),
        "clientId=" + ID,
        timeout,
        clock);
  }

  private TokenEndpoint endpoint() {
    return endpoint(List.of(), Duration.ofSeconds(5));
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static final String GOOD =
      "{\"access_token\":\"tok-abc\",\"token_type\":\"bearer\",\"expires_in\":86400}";

  @Test
  void sendsTheClientCredentialsGrantExactlyAsTheGenesysSdksDo() throws Exception {
    server.enqueue(json(200, GOOD));

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .assertNext(
            issued -> {
              assertThat(issued.token().value()).isEqualTo("tok-abc");
              assertThat(issued.token().tokenType()).isEqualTo("bearer");
            })
        .verifyComplete();

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget()).isEqualTo("/oauth/token");
    // Base64 of the UTF-8 bytes of id:secret, neither part URL-encoded (docs/genesys-login.md).
    String expected =
        Base64.getEncoder().encodeToString((ID + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Basic " + expected);
    assertThat(request.getHeaders().get("Content-Type"))
        .isEqualTo("application/x-www-form-urlencoded");
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(request.getHeaders().get("User-Agent")).startsWith("genesys-token-provider/");
    assertThat(request.getBody().string(StandardCharsets.UTF_8))
        .isEqualTo("grant_type=client_credentials");
  }

  @Test
  void sendsConfiguredScopesSpaceJoinedInOneScopeParameter() throws Exception {
    server.enqueue(json(200, GOOD));

    StepVerifier.create(endpoint(List.of("analytics:readonly", "users"), Duration.ofSeconds(5))
            .requestToken(CREDENTIALS))
        .expectNextCount(1)
        .verifyComplete();

    String body = server.takeRequest(5, TimeUnit.SECONDS).getBody().string(StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("grant_type=client_credentials&scope=analytics%3Areadonly+users");
    assertThat(java.net.URLDecoder.decode(body, StandardCharsets.UTF_8))
        .endsWith("scope=analytics:readonly users");
  }

  @Test
  void expiryIsTheRequestInstantPlusExpiresIn() {
    server.enqueue(json(200, GOOD));
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .assertNext(
            issued -> {
              assertThat(issued.requestedAt()).isEqualTo(NOW);
              assertThat(issued.token().expiresAt()).isEqualTo(NOW.plusSeconds(86400));
            })
        .verifyComplete();
  }

  @Test
  void acceptsExpiresInAsANumericStringAndAMissingTokenType() {
    server.enqueue(json(200, "{\"access_token\":\"t\",\"expires_in\":\" 300 \"}"));
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .assertNext(
            issued -> {
              assertThat(issued.lifetime()).isEqualTo(Duration.ofSeconds(300));
              assertThat(issued.token().tokenType()).isEqualTo("Bearer");
            })
        .verifyComplete();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json at all",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        "[1,2,3]",
        "{}",
        "{\"access_token\":\"\",\"expires_in\":3600}",
        "{\"access_token\":\"   \",\"expires_in\":3600}",
        "{\"access_token\":42,\"expires_in\":3600}",
        "{\"access_token\":\"tok-abc\"}",
        "{\"access_token\":\"tok-abc\",\"expires_in\":0}",
        "{\"access_token\":\"tok-abc\",\"expires_in\":-5}",
        "{\"access_token\":\"tok-abc\",\"expires_in\":\"soon\"}",
        "{\"access_token\":\"tok-abc\",\"expires_in\":null}",
        "{\"access_token\":\"tok-abc\",\"expires_in\":3600.5}",
        "{\"access_token\":\"tok-abc\",\"expires_in\":99999999999999999999}",
        "{\"access_token\":\"tok-abc\",\"expires_in\":3600",
        "",
      })
  void aReplyThatIsNotAUsableTokenIsAPermanentTypedErrorThatNeverQuotesTheToken(String body) {
    server.enqueue(
        new MockResponse.Builder().code(200).setHeader("Genesys-Correlation-Id", "corr-1")
            .body(body).build());

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(TokenEndpointException.class);
              TokenEndpointException te = (TokenEndpointException) e;
              assertThat(te.isRetryable()).isFalse();
              assertThat(te.statusCode()).isEqualTo(200);
              assertThat(te.correlationId()).isEqualTo("corr-1");
              assertThat(te.getMessage())
                  .contains(tokenUri.toString())
                  .contains("corr-1")
                  .doesNotContain("tok-abc")
                  .doesNotContain(SECRET);
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aReplyLargerThan64KibIsRefusedWhetherDeclaredOrChunked() {
    String huge = "{\"access_token\":\"" + "x".repeat(TokenEndpoint.MAX_REPLY_BYTES) + "\"}";
    server.enqueue(json(200, huge));
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody(huge, 1024).build());

    for (int i = 0; i < 2; i++) {
      StepVerifier.create(endpoint().requestToken(CREDENTIALS))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(TokenEndpointException.class)
                      .hasMessageContaining("larger than 65536 bytes"))
          .verify(Duration.ofSeconds(5));
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAsARetryableError() {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    StepVerifier.create(endpoint(List.of(), Duration.ofMillis(300)).requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isExactlyInstanceOf(TokenException.class)
                  .hasMessageContaining("did not answer within 300ms");
              assertThat(((TokenException) e).isRetryable()).isTrue();
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aServerThatStallsHalfwayThroughTheBodyTimesOut() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(GOOD)
            .onResponseBody(SocketEffect.Stall.INSTANCE)
            .build());

    StepVerifier.create(endpoint(List.of(), Duration.ofMillis(300)).requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> assertThat(((TokenException) e).isRetryable()).isTrue())
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aRefusedConnectionIsARetryableNetworkError() throws Exception {
    int port = server.getPort();
    server.close();
    TokenEndpoint unreachable =
        genesys(
            HttpClient.create(),
            URI.create("http://127.0.0.1:" + port + "/oauth/token"),
            List.of(),
            Duration.ofSeconds(5),
            Clock.systemUTC());

    StepVerifier.create(unreachable.requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isExactlyInstanceOf(TokenException.class)
                  .hasMessageStartingWith("could not reach token endpoint");
              assertThat(((TokenException) e).isRetryable()).isTrue();
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void clientNotFoundSaysTheRegionMayBeWrong() {
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .setHeader("ININ-Correlation-Id", "inin-7")
            .body(
                "{\"error\":\"invalid_client\",\"description\":\"client not found\","
                    + "\"error_description\":\"client not found\"}")
            .build());

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              TokenEndpointException te = (TokenEndpointException) e;
              assertThat(te.statusCode()).isEqualTo(400);
              assertThat(te.error()).isEqualTo("invalid_client");
              assertThat(te.errorDescription()).isEqualTo("client not found");
              assertThat(te.correlationId()).isEqualTo("inin-7");
              assertThat(te.isRetryable()).isFalse();
              assertThat(te.getMessage())
                  .contains("HTTP 400 invalid_client (client not found)")
                  .contains("the region may be wrong")
                  .contains("[correlation id inin-7]")
                  .contains(ID)
                  .doesNotContain(SECRET);
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void theIninCorrelationIdWinsOverTheGenesysOne() {
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .setHeader("Genesys-Correlation-Id", "gen-1")
            .setHeader("ININ-Correlation-Id", "inin-1")
            .body("{\"error\":\"invalid_client\",\"error_description\":\"authentication failed\"}")
            .build());

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              TokenEndpointException te = (TokenEndpointException) e;
              assertThat(te.correlationId()).isEqualTo("inin-1");
              assertThat(te.getMessage()).contains("check the client id and secret");
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void theGenesysThrottleIsRetryableAndCarriesItsDescription() {
    server.enqueue(
        json(
            400,
            "{\"error\":\"invalid_request\",\"description\":\"rate limit exceeded; try again later\","
                + "\"error_description\":\"rate limit exceeded; try again later\"}"));

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              TokenEndpointException te = (TokenEndpointException) e;
              assertThat(te.isRetryable()).isTrue();
              assertThat(te.errorDescription()).startsWith("rate limit exceeded");
              assertThat(te.getMessage()).contains("throttling");
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void a429CarriesItsRetryAfter() {
    server.enqueue(
        new MockResponse.Builder().code(429).setHeader("Retry-After", "12").body("").build());

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              TokenEndpointException te = (TokenEndpointException) e;
              assertThat(te.isRetryable()).isTrue();
              assertThat(te.retryAfter()).contains(Duration.ofSeconds(12));
              assertThat(te.getMessage()).contains("Retry-After 12s").contains("empty body");
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void anHtmlErrorPageFromAProxyIsQuotedShortAndOnOneLine() {
    String page = "<html>\n<head><title>503 Service Unavailable</title></head>\n<body>"
        + "y".repeat(5000) + "</body></html>";
    server.enqueue(
        new MockResponse.Builder().code(503).setHeader("Content-Type", "text/html").body(page)
            .build());

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> {
              TokenEndpointException te = (TokenEndpointException) e;
              assertThat(te.isRetryable()).isTrue();
              assertThat(te.error()).isNull();
              assertThat(te.getMessage())
                  .contains("HTTP 503")
                  .contains("<html> <head><title>503 Service Unavailable")
                  .doesNotContain("\n")
                  .hasSizeLessThan(600);
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void anErrorBodyThatEchoesTheSecretOrATokenIsRedacted() {
    String basic =
        Base64.getEncoder().encodeToString((ID + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    server.enqueue(
        json(
            500,
            "{\"error\":\"server_error\",\"echo\":\"" + SECRET + " " + basic
                + "\",\"access_token\":\"leaked-tok\"}"));

    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(SECRET)
                    .doesNotContain(basic)
                    .doesNotContain("leaked-tok")
                    .contains("<redacted>"))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void doesNotChangeTheCallersHttpClient() throws Exception {
    HttpClient callers = HttpClient.create();
    genesys(callers, tokenUri, List.of(), Duration.ofSeconds(5), Clock.systemUTC());
    server.enqueue(json(200, "{}"));

    callers.get().uri(tokenUri).response().block(Duration.ofSeconds(5));

    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isNull();
  }

  @Test
  void closesTheConnectionOfAnOversizedReplyInsteadOfReadingIt() {
    Buffer endless = new Buffer().write(new byte[TokenEndpoint.MAX_REPLY_BYTES * 4]);
    server.enqueue(new MockResponse.Builder().code(200).body(endless).build());
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectError(TokenEndpointException.class)
        .verify(Duration.ofSeconds(5));
  }
}

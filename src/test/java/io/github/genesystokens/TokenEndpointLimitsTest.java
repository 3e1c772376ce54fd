package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** The limits the wire puts on a reply: its size and the length of the headers it quotes. */
class TokenEndpointLimitsTest {

  private static final ClientCredentials CREDENTIALS = ClientCredentials.of("id", "secret");

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

  private TokenEndpoint endpoint() {
    return TokenEndpointTest.genesys(
        HttpClient.create(),
        tokenUri,
        List.of(),
        Duration.ofSeconds(10),
        Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
  }

  /** A JSON token reply padded with spaces to exactly {@code size} bytes. */
  private static String tokenOfSize(int size) {
    String token = "{\"access_token\":\"abc\",\"token_type\":\"bearer\",\"expires_in\":60}";
    return token + " ".repeat(size - token.length());
  }

  @Test
  void aReplyOfExactlyTheLimitIsReadAndOneByteMoreIsRefusedWithItsCorrelationId() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(tokenOfSize(TokenEndpoint.MAX_REPLY_BYTES))
            .build());
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .assertNext(issued -> assertThat(issued.token().value()).isEqualTo("abc"))
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .setHeader("ININ-Correlation-Id", "c-big")
            .body(tokenOfSize(TokenEndpoint.MAX_REPLY_BYTES + 1))
            .build());
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .hasMessageContaining("with a reply larger than 65536 bytes; not reading it")
                    .hasMessageEndingWith("[correlation id c-big]"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aChunkedReplyOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .chunkedBody(tokenOfSize(TokenEndpoint.MAX_REPLY_BYTES), 1000)
            .build());
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .assertNext(issued -> assertThat(issued.token().value()).isEqualTo("abc"))
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .chunkedBody(tokenOfSize(TokenEndpoint.MAX_REPLY_BYTES + 1), 1000)
            .build());
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .hasMessageContaining("larger than 65536 bytes")
                    .message()
                    .doesNotContain("correlation id"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aCorrelationIdOfExactly128CharactersIsQuotedWholeAndALongerOneIsCut() {
    String exact = "c".repeat(128);
    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .setHeader("ININ-Correlation-Id", exact)
            .body("")
            .build());
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> assertThat(((TokenEndpointException) e).correlationId()).isEqualTo(exact))
        .verify(Duration.ofSeconds(10));

    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .setHeader("ININ-Correlation-Id", exact + "d")
            .body("")
            .build());
    StepVerifier.create(endpoint().requestToken(CREDENTIALS))
        .expectErrorSatisfies(
            e -> assertThat(((TokenEndpointException) e).correlationId()).isEqualTo(exact + "..."))
        .verify(Duration.ofSeconds(10));
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * A token endpoint that cannot be reached is a retryable failure that says so; a caller's {@code
 * HttpClient} that fails otherwise, or gives no reply at all, is a typed failure too.
 */
class TokenEndpointTransportFailureTest {

  /** Nothing listens here; the clients below never connect anyway. */
  private static final URI UNUSED = URI.create("http://127.0.0.1:9/oauth/token");

  /** The endpoint over a caller's client whose connection step is {@code connect}. */
  private static TokenEndpoint over(
      Function<Mono<? extends Connection>, Mono<? extends Connection>> connect) {
    return TokenEndpointTest.genesys(
        HttpClient.create().mapConnect(connect),
        UNUSED,
        List.of(),
        Duration.ofSeconds(5),
        Clock.systemUTC());
  }

  private static void failsWith(TokenEndpoint endpoint, String message, boolean retryable) {
    StepVerifier.create(endpoint.requestToken(ClientCredentials.of("id", "secret")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(TokenException.class).hasMessage(message);
              assertThat(((TokenException) e).isRetryable()).isEqualTo(retryable);
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aClientThatCompletesWithoutAConnectionIsARetryableNoReply() {
    // A connection interceptor of the caller's (a circuit breaker, a filter) that drops the
    // attempt: no reply at all, which must not become a token request that never ends.
    failsWith(
        over(connect -> Mono.empty()),
        "token endpoint " + UNUSED + " closed the connection without a reply",
        true);
  }

  @Test
  void aChannelThatCannotBeOpenedIsARetryableCouldNotReach() {
    // What Netty reports when the process is out of file descriptors.
    ChannelException noSocket =
        new ChannelException("failed to open a socket", new SocketException("Too many open files"));
    failsWith(
        over(connect -> Mono.error(noSocket)),
        "could not reach token endpoint " + UNUSED + ": ChannelException: failed to open a socket",
        true);
  }

  @Test
  void aFailureOfTheClientItselfIsAPermanentFailedRequest() {
    failsWith(
        over(connect -> Mono.error(new IllegalStateException("event loop group shut down"))),
        "token request to " + UNUSED + " failed: IllegalStateException: event loop group shut down",
        false);
  }

  @Test
  void aRefusedConnectionIsARetryableCouldNotReachNamingTheEndpointAndTheError() throws Exception {
    URI closed;
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      closed = server.url("/oauth/token").uri();
    }
    TokenEndpoint endpoint =
        TokenEndpointTest.genesys(
            HttpClient.create(), closed, List.of(), Duration.ofSeconds(5), Clock.systemUTC());

    StepVerifier.create(endpoint.requestToken(ClientCredentials.of("id", "secret")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(TokenException.class)
                  .hasMessageStartingWith("could not reach token endpoint " + closed + ": ")
                  .message()
                  .doesNotContain(" failed: ");
              assertThat(((TokenException) e).isRetryable()).isTrue();
            })
        .verify(Duration.ofSeconds(10));
  }
}

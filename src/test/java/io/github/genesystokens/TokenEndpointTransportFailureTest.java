package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** A token endpoint that cannot be reached is a retryable failure that says so. */
class TokenEndpointTransportFailureTest {

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

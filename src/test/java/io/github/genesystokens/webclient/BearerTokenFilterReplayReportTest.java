package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * What the filter tells the provider about a replay after a 401, and how it quotes the Genesys
 * correlation id in its log lines.
 */
class BearerTokenFilterReplayReportTest {

  private static final ClientRequest REQUEST =
      ClientRequest.create(HttpMethod.GET, URI.create("http://127.0.0.1:1/api/v2/users/me?x=1"))
          .build();

  /** Counts replays as the provider's listeners would. */
  private static final class ReportingProvider extends SequenceTokenProvider {
    final List<Boolean> replays = new CopyOnWriteArrayList<>();

    @Override
    public void reportReplay(boolean recovered) {
      replays.add(recovered);
    }
  }

  /** Answers the scripted statuses in order. */
  private static ExchangeFunction answering(HttpStatus... statuses) {
    Deque<HttpStatus> script = new ArrayDeque<>(List.of(statuses));
    return request -> Mono.fromSupplier(() -> ClientResponse.create(script.remove()).build());
  }

  private static int status(ReportingProvider tokens, ExchangeFunction next) {
    return BearerTokenFilter.of(tokens)
        .filter(REQUEST, next)
        .map(response -> response.statusCode().value())
        .block(Duration.ofSeconds(5));
  }

  @Test
  void aReplayThatSucceedsIsReportedRecovered() {
    ReportingProvider tokens = new ReportingProvider();
    assertThat(status(tokens, answering(HttpStatus.UNAUTHORIZED, HttpStatus.OK))).isEqualTo(200);
    assertThat(tokens.replays).containsExactly(true);
  }

  @Test
  void aReplayRejectedAgainIsReportedAndItsResponseReturned() {
    ReportingProvider tokens = new ReportingProvider();
    assertThat(status(tokens, answering(HttpStatus.UNAUTHORIZED, HttpStatus.UNAUTHORIZED)))
        .isEqualTo(401);
    assertThat(tokens.replays).containsExactly(false);
  }

  @Test
  void aRequestAcceptedAtOnceIsNoReplay() {
    ReportingProvider tokens = new ReportingProvider();
    StepVerifier.create(BearerTokenFilter.of(tokens).filter(REQUEST, answering(HttpStatus.FORBIDDEN)))
        .assertNext(r -> assertThat(r.statusCode().value()).isEqualTo(403))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(tokens.replays).isEmpty();
  }

  private static String correlationIdOf(String header, String value) {
    return BearerTokenFilter.correlationId(
        ClientResponse.create(HttpStatus.UNAUTHORIZED).header(header, value).build());
  }

  @Test
  void theCorrelationIdIsQuotedUpTo128PrintableCharacters() {
    String exact = "c".repeat(128);
    assertThat(correlationIdOf("ININ-Correlation-Id", exact)).isEqualTo(exact);
    assertThat(correlationIdOf("ININ-Correlation-Id", exact + "d")).isEqualTo(exact);
    assertThat(correlationIdOf("Genesys-Correlation-Id", "g-1")).isEqualTo("g-1");
    assertThat(BearerTokenFilter.correlationId(ClientResponse.create(HttpStatus.UNAUTHORIZED).build()))
        .isEqualTo("none");
  }

  @Test
  void charactersOutsidePrintableAsciiAreReplacedInTheCorrelationId() {
    assertThat(correlationIdOf("ININ-Correlation-Id", "a b~c\u007fd\u00e9e")).isEqualTo("a b~c?d?e");
  }
}

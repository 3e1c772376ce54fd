package io.github.genesystokens.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.webclient.BearerTokenFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** One way of authenticating API calls, measured in the load scenarios. */
final class Contender {

  static final String LIBRARY = "this library";
  static final String PEER = "Spring Security";
  /** The peer with the failure handler its javadoc recommends, run in the revoked-token scenario. */
  static final String PEER_WITH_401_HANDLER = PEER + " + 401 handler";
  static final String NAIVE = "naive (token per call)";
  static final String STATIC = "static header";

  final String name;
  final ExchangeFilterFunction filter;
  final Supplier<Mono<?>> token;
  private final Runnable close;

  private Contender(
      String name, ExchangeFilterFunction filter, Supplier<Mono<?>> token, Runnable close) {
    this.name = name;
    this.filter = filter;
    this.token = token;
    this.close = close;
  }

  void close() {
    close.run();
  }

  /** This library with its defaults, its token requests on {@code tokenHttp}. */
  static Contender library(
      URI tokenUri, String id, String secret, HttpClient tokenHttp, Clock clock) {
    TokenProvider provider =
        GenesysTokenProvider.builder()
            .clientId(id)
            .clientSecret(secret)
            .tokenUri(tokenUri)
            .httpClient(tokenHttp)
            .clock(clock)
            .build();
    return new Contender(LIBRARY, BearerTokenFilter.of(provider), provider::token, provider::close);
  }

  static Contender peer(String name, URI tokenUri, String id, String secret, Peer.Options options) {
    Peer peer = new Peer(tokenUri, id, secret, options);
    return new Contender(name, peer.filter, peer::authorize, () -> {});
  }

  /** Calibration: a new token request before every call, no cache at all. */
  static Contender naive(URI tokenUri, String id, String secret, HttpClient tokenHttp) {
    WebClient tokens =
        WebClient.builder().clientConnector(new ReactorClientHttpConnector(tokenHttp)).build();
    ObjectMapper json = new ObjectMapper();
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    Supplier<Mono<?>> fetch =
        () ->
            tokens
                .post()
                .uri(tokenUri)
                .header(HttpHeaders.AUTHORIZATION, basic)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue("grant_type=client_credentials")
                .retrieve()
                .bodyToMono(String.class)
                .map(body -> accessToken(json, body));
    ExchangeFilterFunction filter =
        (request, next) ->
            fetch
                .get()
                .flatMap(
                    token ->
                        next.exchange(
                            ClientRequest.from(request)
                                .headers(h -> h.setBearerAuth((String) token))
                                .build()));
    return new Contender(NAIVE, filter, fetch, () -> {});
  }

  /** The floor: a constant, valid bearer header and nothing else. */
  static Contender staticHeader(String tokenValue) {
    String header = "Bearer " + tokenValue;
    ExchangeFilterFunction filter =
        (request, next) ->
            next.exchange(ClientRequest.from(request).header(HttpHeaders.AUTHORIZATION, header).build());
    return new Contender(STATIC, filter, () -> Mono.just(tokenValue), () -> {});
  }

  /** Not a contender: what the harness measures for a herd when every caller waits 100 ms alone. */
  static Contender delayFloor(java.time.Duration delay) {
    return new Contender(
        "floor", (request, next) -> next.exchange(request), () -> Mono.delay(delay), () -> {});
  }

  private static String accessToken(ObjectMapper json, String body) {
    try {
      JsonNode node = json.readTree(body);
      return node.path("access_token").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

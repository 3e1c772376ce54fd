package io.github.genesystokens;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Sends a bearer token on every request of a Reactor Netty {@code HttpClient}.
 *
 * <pre>{@code
 * HttpClient api = HttpClient.create()
 *     .baseUrl(region.apiBaseUri().toString())
 *     .headersWhen(BearerHeaders.of(tokens));
 * }</pre>
 *
 * <p>The token is taken from the provider as each request is sent, so a renewed token is picked
 * up without rebuilding the client. This does not replay a request answered 401: the WebClient
 * filter does, and {@code docs/integrations.md} shows how to do it by hand with Reactor Netty.
 */
public final class BearerHeaders {

  private BearerHeaders() {}

  /**
   * A header builder for {@code HttpClient.headersWhen} that sets {@code Authorization: Bearer
   * <token>}, replacing any value already there. A token failure fails the request with the
   * provider's {@link TokenException}, before anything is sent.
   *
   * @param tokens the provider
   * @return a function for {@code HttpClient#headersWhen(Function)}
   */
  public static Function<HttpHeaders, Mono<? extends HttpHeaders>> of(TokenProvider tokens) {
    Objects.requireNonNull(tokens, "tokens must not be null");
    return headers ->
        tokens
            .token()
            .map(token -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token.value()));
  }
}

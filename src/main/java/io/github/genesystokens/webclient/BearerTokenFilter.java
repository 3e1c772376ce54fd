package io.github.genesystokens.webclient;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TokenProviderRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A {@code WebClient} filter that sends {@code Authorization: Bearer <token>} and recovers once
 * when the API rejects the token.
 *
 * <pre>{@code
 * WebClient api = WebClient.builder()
 *     .baseUrl(GenesysRegion.EU_CENTRAL_1.apiBaseUri().toString())
 *     .filter(BearerTokenFilter.of(tokens))
 *     .build();
 * }</pre>
 *
 * <p><b>On 401.</b> Genesys answers 401 for a token that expired early (idle timeout of HIPAA
 * orgs) or was revoked. The filter then releases that response, {@linkplain
 * TokenProvider#invalidate invalidates} exactly the token it sent, takes a new one and sends the
 * request once more; a second 401 is returned to the caller as is. Many requests rejected for one
 * token cause one token request, because invalidation is compare-and-invalidate. A 403 is a
 * missing role, which a new token does not fix: it is returned at once.
 *
 * <p><b>On 429.</b> The API refused the token for its per-token rate limit. The filter tells the
 * provider ({@link TokenProvider#reportRateLimited}), which sets that token aside until the 429's
 * {@code Retry-After}; a provider with a pool of tokens ({@code poolSize}) that has another with
 * headroom gets the request sent once more with it. Otherwise, and for a single-token provider,
 * the 429 is returned to the caller as is, with its {@code Retry-After}.
 *
 * <p><b>Bodies.</b> A second attempt re-sends the request's body inserter: {@code bodyValue},
 * forms and other inserters that can write twice replay the same body. A body from a hot {@code
 * Publisher} cannot be replayed; do not send such requests through a 401- or 429-prone path.
 *
 * <p><b>Replays</b> are reported to the provider with {@link TokenProvider#reportReplay(boolean)}
 * (recovered, or rejected again), for its listeners' metrics; a replay that gets no new token is
 * not reported, as its failure is the fetch's.
 *
 * <p><b>Logs.</b> Each 401 is logged at DEBUG with the method, the URL without its query and the
 * Genesys correlation id, which Genesys support asks for. Token values are never logged.
 *
 * <p><b>Hosts.</b> The filter sends the token to whatever host a request goes to: put it only on a
 * {@code WebClient} for the Genesys API, and prefer {@link #allowingOnlyHost(String)}, which
 * refuses a request to any other host before a token is taken (the Spring Boot auto-configuration
 * does so for its API host).
 */
public final class BearerTokenFilter implements ExchangeFilterFunction {

  /**
   * The request attribute that names the OAuth client of a request, for a filter made by {@link
   * #of(TokenProviderRegistry)}; its value is a {@link TokenProviderRegistry.Key}. Set it with
   * {@link #client(TokenProviderRegistry.Key)}.
   */
  public static final String CLIENT_ATTRIBUTE = BearerTokenFilter.class.getName() + ".client";

  private static final Logger log = Loggers.getLogger(BearerTokenFilter.class);

  private static final int MAX_CORRELATION_ID_CHARS = 128;

  private final Function<ClientRequest, TokenProvider> providers;
  /** The only host tokens are sent to, lower case; null when any host is. */
  private final String allowedHost;

  private BearerTokenFilter(Function<ClientRequest, TokenProvider> providers, String allowedHost) {
    this.providers = providers;
    this.allowedHost = allowedHost;
  }

  /**
   * A filter that authenticates every request with tokens of one provider.
   *
   * @param tokens the provider, shared by every request of the {@code WebClient}
   * @return the filter
   */
  public static BearerTokenFilter of(TokenProvider tokens) {
    Objects.requireNonNull(tokens, "tokens must not be null");
    return new BearerTokenFilter(request -> tokens, null);
  }

  /**
   * A filter for many OAuth clients: each request names its client in the {@link
   * #CLIENT_ATTRIBUTE} attribute, and gets that client's provider from the registry (created on
   * first use). A request without the attribute fails with an {@link IllegalStateException}
   * before anything is sent.
   *
   * <pre>{@code
   * api.get().uri("/api/v2/organizations/me")
   *     .attributes(BearerTokenFilter.client(TokenProviderRegistry.Key.of(region, clientId)))
   *     .retrieve()...
   * }</pre>
   *
   * @param registry the registry of providers
   * @return the filter
   */
  public static BearerTokenFilter of(TokenProviderRegistry registry) {
    Objects.requireNonNull(registry, "registry must not be null");
    return new BearerTokenFilter(
        request -> {
          Object key = request.attribute(CLIENT_ATTRIBUTE).orElse(null);
          if (!(key instanceof TokenProviderRegistry.Key)) {
            throw new IllegalStateException(
                "request "
                    + request.method()
                    + " "
                    + withoutQuery(request)
                    + " has no "
                    + CLIENT_ATTRIBUTE
                    + " attribute holding a TokenProviderRegistry.Key; set it with"
                    + " .attributes(BearerTokenFilter.client(key))");
          }
          return registry.provider((TokenProviderRegistry.Key) key);
        },
        null);
  }

  /**
   * A copy of this filter that sends tokens to one host only: a request to any other host fails
   * with an {@link IllegalStateException} naming both hosts, before a token is taken and before
   * anything is sent. A guard against a relative path that became absolute, or a {@code WebClient}
   * shared by mistake with calls to other services, which would otherwise receive the token.
   *
   * <pre>{@code
   * URI api = GenesysRegion.EU_CENTRAL_1.apiBaseUri();
   * WebClient client = WebClient.builder()
   *     .baseUrl(api.toString())
   *     .filter(BearerTokenFilter.of(tokens).allowingOnlyHost(api.getHost()))
   *     .build();
   * }</pre>
   *
   * @param host the API host, such as {@code api.mypurecloud.de}; compared without regard to case,
   *     on any port and scheme
   * @return a new filter; this one is unchanged
   */
  public BearerTokenFilter allowingOnlyHost(String host) {
    Objects.requireNonNull(host, "host must not be null");
    if (host.isBlank() || host.indexOf('/') >= 0 || host.indexOf(':') >= 0 && !host.startsWith("[")) {
      throw new IllegalArgumentException(
          "host must be a host name or address without scheme, port or path: '" + host + "'");
    }
    return new BearerTokenFilter(providers, host.toLowerCase(Locale.ROOT));
  }

  /**
   * Names the OAuth client of one request, for {@code WebClient.RequestHeadersSpec#attributes}.
   *
   * @param key the client whose token the request carries
   * @return a consumer that sets {@link #CLIENT_ATTRIBUTE}
   */
  public static Consumer<Map<String, Object>> client(TokenProviderRegistry.Key key) {
    Objects.requireNonNull(key, "key must not be null");
    return attributes -> attributes.put(CLIENT_ATTRIBUTE, key);
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.defer(
        () -> {
          if (allowedHost != null) {
            String host = request.url().getHost();
            if (host == null || !allowedHost.equals(host.toLowerCase(Locale.ROOT))) {
              return Mono.error(
                  new IllegalStateException(
                      "BearerTokenFilter sends tokens only to host "
                          + allowedHost
                          + (host == null ? ", not to a URL without a host" : ", not to " + host)
                          + ": refused "
                          + request.method()
                          + " "
                          + withoutQuery(request)
                          + " before sending it"));
            }
          }
          TokenProvider tokens = providers.apply(request);
          return tokens
              .token()
              .flatMap(token -> send(request, next, token))
              .flatMap(
                  first ->
                      isUnauthorized(first.response)
                          ? retryOnce(request, next, tokens, first)
                          : isTooManyRequests(first.response)
                              ? replayRateLimited(request, next, tokens, first)
                              : Mono.just(first.response));
        });
  }

  /**
   * A 429 for this token: the provider sets it aside until the {@code Retry-After}, and if it has
   * another token with headroom (a pool) the request is sent once more with it; else the 429 is
   * the caller's, as is the replay's answer, whatever it is.
   */
  private Mono<ClientResponse> replayRateLimited(
      ClientRequest request, ExchangeFunction next, TokenProvider tokens, Attempt first) {
    Duration retryAfter = retryAfter(first.response);
    if (!tokens.reportRateLimited(first.token, retryAfter)) {
      return Mono.just(first.response);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "{} {} answered 429 (Retry-After {} s) [correlation id {}]; sending it once more with"
              + " another token",
          request.method(),
          withoutQuery(request),
          retryAfter.toSeconds(),
          correlationId(first.response));
    }
    return first
        .response
        .releaseBody()
        .then(tokens.token())
        .flatMap(token -> send(request, next, token))
        .map(Attempt::response);
  }

  private static boolean isTooManyRequests(ClientResponse response) {
    return response.statusCode().value() == HttpStatus.TOO_MANY_REQUESTS.value();
  }

  /**
   * The 429's {@code Retry-After} in whole seconds, the form Genesys promises on every 429
   * (docs/genesys-login.md, "On API calls"); zero when absent or in another form (an HTTP date
   * would need a clock the filter does not have; the provider then sets the token aside for its
   * minimum).
   */
  static Duration retryAfter(ClientResponse response) {
    String value = first(response.headers().header(HttpHeaders.RETRY_AFTER));
    if (value == null || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
      return Duration.ZERO;
    }
    return Duration.ofSeconds(Long.parseLong(value));
  }

  private Mono<ClientResponse> retryOnce(
      ClientRequest request, ExchangeFunction next, TokenProvider tokens, Attempt first) {
    if (log.isDebugEnabled()) {
      log.debug(
          "{} {} answered 401 [correlation id {}]; dropping the token and retrying once with a new"
              + " one",
          request.method(),
          withoutQuery(request),
          correlationId(first.response));
    }
    // Only this exact token is dropped: if another request already replaced it, the new token is
    // kept and reused, which is what keeps a burst of 401s to one token request.
    tokens.invalidate(first.token);
    return first
        .response
        .releaseBody()
        .then(tokens.token())
        .flatMap(token -> send(request, next, token))
        .map(
            second -> {
              boolean rejectedAgain = isUnauthorized(second.response);
              tokens.reportReplay(!rejectedAgain);
              if (rejectedAgain && log.isDebugEnabled()) {
                log.debug(
                    "{} {} answered 401 again with a new token [correlation id {}]; returning it",
                    request.method(),
                    withoutQuery(request),
                    correlationId(second.response));
              }
              return second.response;
            });
  }

  private static Mono<Attempt> send(ClientRequest request, ExchangeFunction next, AccessToken token) {
    // from(request) keeps the body inserter and attributes, so a replay writes the same body.
    ClientRequest authorized =
        ClientRequest.from(request).headers(h -> h.setBearerAuth(token.value())).build();
    return next.exchange(authorized).map(response -> new Attempt(token, response));
  }

  private static boolean isUnauthorized(ClientResponse response) {
    return response.statusCode().value() == HttpStatus.UNAUTHORIZED.value();
  }

  private static String withoutQuery(ClientRequest request) {
    String url = request.url().toString();
    int cut = url.indexOf('?');
    String shown = cut < 0 ? url : url.substring(0, cut);
    // A relative URL may be its query alone: name it rather than print nothing.
    return shown.isEmpty() ? "(a URL of a query alone)" : shown;
  }

  /**
   * {@code ININ-Correlation-Id} (what the real service sends, docs/genesys-login.md, "Correlation
   * ids"), else {@code Genesys-Correlation-Id}, made safe for one log line.
   */
  static String correlationId(ClientResponse response) {
    String id = first(response.headers().header("ININ-Correlation-Id"));
    if (id == null) {
      id = first(response.headers().header("Genesys-Correlation-Id"));
    }
    if (id == null) {
      return "none";
    }
    StringBuilder safe = new StringBuilder();
    for (int i = 0; i < id.length() && safe.length() < MAX_CORRELATION_ID_CHARS; i++) {
      char c = id.charAt(i);
      safe.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return safe.toString();
  }

  private static String first(List<String> values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }

  /** A response and the token its request carried. */
  private record Attempt(AccessToken token, ClientResponse response) {}
}

package io.github.genesystokens.emulator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /oauth/token}: the client-credentials grant as the Genesys login service answers it.
 *
 * <p>Checks run in the order a real server must run them: scripted faults and outages first (they
 * stand for the service or its gateway failing before it reads anything), then client
 * authentication, then the grant, then the token-creation throttle.
 */
final class LoginService {

  /** The emulator's clients, changed at run time by the emulator (reset secret, disable). */
  private final Map<String, RegisteredClient> clients;
  private final TokenStore store;
  private final MintThrottle throttle;
  private final FaultPlan faults;
  private final Counters counters;
  private final Clock clock;
  private final int invalidClientStatus;
  private final Mono<Void> closing;

  LoginService(
      Map<String, RegisteredClient> clients,
      TokenStore store,
      MintThrottle throttle,
      FaultPlan faults,
      Counters counters,
      Clock clock,
      int invalidClientStatus,
      Mono<Void> closing) {
    this.clients = clients;
    this.store = store;
    this.throttle = throttle;
    this.faults = faults;
    this.counters = counters;
    this.clock = clock;
    this.invalidClientStatus = invalidClientStatus;
    this.closing = closing;
  }

  Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    counters.tokenRequests.incrementAndGet();
    return request
        .receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("")
        .flatMap(form -> answer(request, response, form));
  }

  private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response, String form) {
    if (faults.inOutage(clock.instant())) {
      return unavailable(response);
    }
    Fault fault = faults.pollTokenFault();
    if (fault != null) {
      return fail(response, fault);
    }
    String[] credentials =
        basicCredentials(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
    if (credentials == null) {
      return invalidClient(response, "authentication failed");
    }
    RegisteredClient client = clients.get(credentials[0]);
    if (client == null) {
      return invalidClient(response, "client not found");
    }
    if (!client.enabled()) {
      // What the real service answers a disabled client is not documented; this is the generic
      // refusal.
      return invalidClient(response, "authentication failed");
    }
    if (!MessageDigest.isEqual(
        client.secret().getBytes(StandardCharsets.UTF_8),
        credentials[1].getBytes(StandardCharsets.UTF_8))) {
      return invalidClient(response, "authentication failed");
    }
    String contentType = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return Replies.json(
          response,
          400,
          Wire.oauthError(
              "invalid_request", "Content-Type must be application/x-www-form-urlencoded"));
    }
    List<String> grant = new QueryStringDecoder(form, false).parameters().get("grant_type");
    if (grant == null || grant.isEmpty()) {
      return Replies.json(
          response, 400, Wire.oauthError("invalid_request", "grant_type is required"));
    }
    if (!"client_credentials".equals(grant.get(0))) {
      return Replies.json(
          response,
          400,
          Wire.oauthError("unsupported_grant_type", "grant type not supported: " + grant.get(0)));
    }
    Instant now = clock.instant();
    if (!throttle.tryMint(client.id(), now)) {
      return throttled(response);
    }
    String token = store.issue(client.id(), now.plus(client.tokenLifetime()), scopes(form));
    counters.issued(client.id());
    return Replies.json(
        response
            .header(Wire.CACHE_CONTROL, "no-store")
            .header(Wire.PRAGMA, "no-cache"),
        200,
        Wire.tokenReply(token, client.tokenLifetime().getSeconds()));
  }

  /** The {@code scope} parameter's space-separated scopes (RFC 6749 section 3.3); none if absent. */
  private static Set<String> scopes(String form) {
    List<String> scope = new QueryStringDecoder(form, false).parameters().get("scope");
    if (scope == null || scope.isEmpty() || scope.get(0).isBlank()) {
      return Set.of();
    }
    // copyOf, not of: a repeated scope is legal and must not throw.
    return Set.copyOf(Arrays.asList(scope.get(0).strip().split(" +")));
  }

  private Mono<Void> fail(HttpServerResponse response, Fault fault) {
    switch (fault.kind()) {
      case TOO_MANY_REQUESTS:
        return Replies.json(
            response.header(Wire.RETRY_AFTER, Long.toString(fault.retryAfterSeconds())),
            429,
            Wire.tooManyRequests(fault.retryAfterSeconds()));
      case SERVICE_UNAVAILABLE:
        return unavailable(response);
      case THROTTLE:
        return throttled(response);
      case MALFORMED:
        return Replies.json(response, 200, Wire.MALFORMED_TOKEN_REPLY);
      case HANG:
        // Never answers; when the emulator closes, the connection is dropped so close() need
        // not wait for this exchange.
        return closing.then(
            Mono.fromRunnable(() -> response.withConnection(connection -> connection.dispose())));
      default:
        throw new IllegalStateException("unhandled fault " + fault);
    }
  }

  private Mono<Void> invalidClient(HttpServerResponse response, String description) {
    if (invalidClientStatus == 401) {
      // RFC 6749 section 5.2: a 401 to a client that used the Authorization header names the scheme.
      response.header(Wire.WWW_AUTHENTICATE, "Basic realm=\"oauth\"");
    }
    return Replies.json(
        response, invalidClientStatus, Wire.oauthError("invalid_client", description));
  }

  private Mono<Void> throttled(HttpServerResponse response) {
    return Replies.json(
        response,
        400,
        Wire.oauthError(
            "invalid_request",
            "rate limit exceeded; too many tokens requested for this client, " + throttle.describe()));
  }

  private static Mono<Void> unavailable(HttpServerResponse response) {
    return Replies.json(
        response,
        503,
        Wire.apiError("The service is currently unavailable.", "service.unavailable", 503));
  }

  /** {@code [id, secret]} of a {@code Basic} header, neither part URL-decoded; null if unusable. */
  static String[] basicCredentials(String authorization) {
    if (authorization == null || authorization.length() < 6) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }
}

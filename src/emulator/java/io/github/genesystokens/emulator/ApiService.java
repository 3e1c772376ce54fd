package io.github.genesystokens.emulator;

import io.github.genesystokens.emulator.ApiRateLimiter.Decision;
import io.github.genesystokens.emulator.TokenStore.Verdict;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code /api/v2/**}: just enough of the Platform API to exercise bearer tokens. A scripted fault
 * answers first (it stands for the gateway failing before the API reads anything); otherwise every
 * request is authenticated, then counted against its token's rate limit, then routed. Each request
 * is logged with its answer once the answer is chosen.
 */
final class ApiService {

  private final TokenStore store;
  private final ApiRateLimiter limiter;
  private final Counters counters;
  private final Clock clock;
  private final FaultPlan faults;
  private final ApiCallLog log;

  ApiService(
      TokenStore store,
      ApiRateLimiter limiter,
      Counters counters,
      Clock clock,
      FaultPlan faults,
      ApiCallLog log) {
    this.store = store;
    this.limiter = limiter;
    this.counters = counters;
    this.clock = clock;
    this.faults = faults;
    this.log = log;
  }

  Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    counters.apiRequests.incrementAndGet();
    String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    return request
        .receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("")
        .flatMap(
            body -> {
              // Replies.json sets the status at once and sends on subscription, so the status is
              // known here, before anything is on the wire.
              Mono<Void> reply = answer(request, response, authorization);
              String token = bearer(authorization);
              log.add(
                  new GenesysLoginEmulator.ApiCall(
                      request.method().name(),
                      request.fullPath(),
                      authorization,
                      body,
                      response.status().code(),
                      response.responseHeaders().get(Wire.CORRELATION_ID),
                      store.clientOf(token),
                      store.scopesOf(token)));
              return reply;
            });
  }

  private Mono<Void> answer(
      HttpServerRequest request, HttpServerResponse response, String authorization) {
    Fault fault = faults.pollApiFault();
    if (fault != null) {
      return fail(response, fault);
    }
    String token = bearer(authorization);
    if (token == null) {
      return Replies.json(
          response,
          401,
          Wire.apiError(
              "No authentication bearer token specified in authorization header.",
              "authentication.required",
              401));
    }
    Instant now = clock.instant();
    Verdict verdict = store.check(token, now);
    if (verdict != Verdict.VALID) {
      // Unknown, expired and revoked tokens get the same body, as the real service gives them.
      return Replies.json(
          response, 401, Wire.apiError("Invalid login credentials.", "bad.credentials", 401));
    }
    // No inin-ratelimit-* headers: Genesys removed them from every response in 2021.
    Decision limit = limiter.count(token, now);
    if (!limit.allowed()) {
      return Replies.json(
          response.header(Wire.RETRY_AFTER, Long.toString(limit.resetSeconds())),
          429,
          Wire.tooManyRequests(limit.resetSeconds()));
    }
    return route(request, response, token);
  }

  private static Mono<Void> fail(HttpServerResponse response, Fault fault) {
    switch (fault.kind()) {
      case UNAUTHORIZED:
        return Replies.json(
            response, 401, Wire.apiError("Invalid login credentials.", "bad.credentials", 401));
      case TOO_MANY_REQUESTS:
        return Replies.json(
            response.header(Wire.RETRY_AFTER, Long.toString(fault.retryAfterSeconds())),
            429,
            Wire.tooManyRequests(fault.retryAfterSeconds()));
      case SERVICE_UNAVAILABLE:
        return Replies.json(
            response,
            503,
            Wire.apiError("The service is currently unavailable.", "service.unavailable", 503));
      default:
        // failNextApiRequests refuses the others.
        throw new IllegalStateException("not an API fault: " + fault);
    }
  }

  private Mono<Void> route(HttpServerRequest request, HttpServerResponse response, String token) {
    String path = request.fullPath();
    HttpMethod method = request.method();
    if (HttpMethod.GET.equals(method) && path.equals("/api/v2/users/me")) {
      return Replies.json(response, 200, user(store.clientOf(token)));
    }
    if (HttpMethod.GET.equals(method) && path.equals("/api/v2/organizations/me")) {
      return Replies.json(response, 200, organization());
    }
    if (HttpMethod.GET.equals(method) && path.equals("/api/v2/oauth/clients")) {
      // The emulator's OAuth clients have no roles: a permission-guarded resource answers as the
      // real one does to a client without the role, 403 missing.permissions.
      return Replies.json(
          response,
          403,
          Wire.apiError(
              "You are missing the following permission(s): [oauth:client:view]",
              "missing.permissions",
              403));
    }
    if (HttpMethod.DELETE.equals(method) && path.equals("/api/v2/tokens/me")) {
      store.revoke(token);
      return Replies.empty(response, 204);
    }
    return Replies.json(
        response,
        404,
        Wire.apiError("The emulator has no resource " + method + " " + path, "not.found", 404));
  }

  private static String user(String clientId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", "emulator-user-" + clientId);
    body.put("name", "Emulated user of client " + clientId);
    body.put("state", "active");
    return Wire.write(body);
  }

  private static String organization() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", "emulator-organization");
    body.put("name", "Genesys login emulator");
    body.put("state", "active");
    return Wire.write(body);
  }

  /** The token of a {@code Bearer} header, whatever the case of the scheme; null if none. */
  static String bearer(String authorization) {
    if (authorization == null || authorization.length() <= 7) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}

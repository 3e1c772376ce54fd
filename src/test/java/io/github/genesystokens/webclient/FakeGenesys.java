package io.github.genesystokens.webclient;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A small stand-in for Genesys Cloud on 127.0.0.1, test-only: a login service that issues
 * client-credentials tokens and an API that accepts only the tokens it issued and has not revoked,
 * answering 401 with the Genesys error body otherwise, as docs/genesys-login.md describes.
 *
 * <p>{@code POST /oauth/token} checks the Basic credentials against the registered clients.
 * {@code /api/v2/forbidden} answers 403; every other {@code /api/v2/...} path echoes the request
 * body and says which client and scopes the token was issued for.
 */
final class FakeGenesys implements AutoCloseable {

  static final String UNAUTHORIZED_BODY =
      "{\"message\":\"Invalid login credentials.\",\"code\":\"bad.credentials\",\"status\":401}";

  /** A token the API accepted or refused, and the request that carried it. */
  record ApiCall(String method, String path, String authorization, String body) {}

  private record Issued(String clientId, String scopes) {}

  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, Issued> valid = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> tokenRequestsByClient = new ConcurrentHashMap<>();
  private final Queue<ApiCall> apiCalls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger correlation = new AtomicInteger();
  private volatile boolean rejectEverything;
  private volatile Sinks.Empty<Void> rejectionGate;
  private volatile int rejectionsToHold;
  private final AtomicInteger rejections = new AtomicInteger();
  private final DisposableServer server;

  FakeGenesys() {
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes
                        .post("/oauth/token", this::token)
                        .route(r -> r.uri().startsWith("/api/v2/"), this::api))
            .bindNow(Duration.ofSeconds(5));
  }

  FakeGenesys client(String clientId, String secret) {
    secrets.put(clientId, secret);
    return this;
  }

  URI tokenUri() {
    return URI.create("http://127.0.0.1:" + server.port() + "/oauth/token");
  }

  String apiBase() {
    return "http://127.0.0.1:" + server.port();
  }

  int tokenRequests() {
    return tokenRequests.get();
  }

  int tokenRequests(String clientId) {
    AtomicInteger n = tokenRequestsByClient.get(clientId);
    return n == null ? 0 : n.get();
  }

  List<ApiCall> apiCalls() {
    return List.copyOf(apiCalls);
  }

  /** Every token issued so far, as the strings that must never reach a log. */
  Set<String> issuedTokens() {
    return Set.copyOf(valid.keySet());
  }

  /** Revokes every token issued so far, as an admin or a HIPAA idle timeout would. */
  void revokeAll() {
    valid.replaceAll((token, issued) -> new Issued(null, null));
  }

  /** Answers 401 to every API call from now on, whatever the token. */
  void rejectEverything() {
    rejectEverything = true;
  }

  /**
   * Holds every 401 until {@code count} requests have been refused, so that all of them are known
   * to have carried the refused token before any client can react.
   */
  void holdRejectionsUntil(int count) {
    rejections.set(0);
    rejectionsToHold = count;
    rejectionGate = Sinks.empty();
  }

  private Mono<Void> reject(HttpServerResponse response) {
    Sinks.Empty<Void> gate = rejectionGate;
    Mono<Void> reply = json(response, HttpResponseStatus.UNAUTHORIZED, UNAUTHORIZED_BODY);
    if (gate == null) {
      return reply;
    }
    if (rejections.incrementAndGet() >= rejectionsToHold) {
      rejectionGate = null;
      gate.tryEmitEmpty();
    }
    return gate.asMono().then(reply);
  }

  private Mono<Void> token(HttpServerRequest request, HttpServerResponse response) {
    tokenRequests.incrementAndGet();
    String clientId = basicClientId(request.requestHeaders().get("Authorization"));
    return request
        .receive()
        .aggregate()
        .asString()
        .defaultIfEmpty("")
        .flatMap(
            form -> {
              if (clientId == null) {
                return json(
                    response,
                    HttpResponseStatus.UNAUTHORIZED,
                    "{\"error\":\"invalid_client\",\"description\":\"client not found\","
                        + "\"error_description\":\"client not found\"}");
              }
              tokenRequestsByClient
                  .computeIfAbsent(clientId, k -> new AtomicInteger())
                  .incrementAndGet();
              String scopes = new TreeSet<>(List.of(formValue(form, "scope").split(" "))).toString();
              String token = "tok-" + issued.incrementAndGet() + "-" + clientId + "-secretvalue";
              valid.put(token, new Issued(clientId, scopes));
              return json(
                  response,
                  HttpResponseStatus.OK,
                  "{\"access_token\":\""
                      + token
                      + "\",\"token_type\":\"bearer\",\"expires_in\":86400}");
            });
  }

  private Mono<Void> api(HttpServerRequest request, HttpServerResponse response) {
    String authorization = request.requestHeaders().get("Authorization");
    String path = request.path();
    return request
        .receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("")
        .flatMap(
            body -> {
              apiCalls.add(new ApiCall(request.method().name(), "/" + path, authorization, body));
              response.header("ININ-Correlation-Id", "corr-" + correlation.incrementAndGet());
              Issued holder = bearer(authorization);
              if (rejectEverything || holder == null || holder.clientId() == null) {
                return reject(response);
              }
              if (path.endsWith("forbidden")) {
                return json(
                    response,
                    HttpResponseStatus.FORBIDDEN,
                    "{\"message\":\"Missing permissions\",\"code\":\"missing.permissions\","
                        + "\"status\":403}");
              }
              response.header("X-Token-Client", holder.clientId());
              response.header("X-Token-Scopes", holder.scopes());
              return response.status(HttpResponseStatus.OK).sendString(Mono.just(body)).then();
            });
  }

  private Issued bearer(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return null;
    }
    return valid.get(authorization.substring("Bearer ".length()));
  }

  private String basicClientId(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return null;
    }
    String pair =
        new String(
            Base64.getDecoder().decode(authorization.substring("Basic ".length())),
            StandardCharsets.UTF_8);
    int colon = pair.indexOf(':');
    String id = pair.substring(0, colon);
    return pair.substring(colon + 1).equals(secrets.get(id)) ? id : null;
  }

  private static String formValue(String form, String name) {
    for (String pair : form.split("&")) {
      if (pair.startsWith(name + "=")) {
        return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  private static Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, String body) {
    return response
        .status(status)
        .header("Content-Type", "application/json")
        .sendString(Mono.just(body))
        .then();
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
  }
}

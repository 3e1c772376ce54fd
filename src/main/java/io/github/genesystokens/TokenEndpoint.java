package io.github.genesystokens;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The token request on the wire: one client-credentials POST and the reading of its reply.
 *
 * <p>The request is the one the Genesys SDKs send (docs/genesys-login.md, "The token request"):
 * {@code Authorization: Basic base64(UTF-8(id + ":" + secret))} with neither part URL-encoded, a
 * form body {@code grant_type=client_credentials}, {@code scope} only when scopes are configured,
 * then any extra parameters; that is {@link ClientAuthentication#GENESYS_BASIC}. The other methods
 * encode the credentials as RFC 6749 section 2.3.1 says; {@link TokenRequest} builds the header
 * and the body from the credentials of each request. The reply is read up to {@link #MAX_REPLY_BYTES}; the whole exchange, from connecting to the last
 * byte, is bounded by the request timeout.
 */
final class TokenEndpoint {

  /** A token reply is a few hundred bytes; anything this large is a proxy page or an attack. */
  static final int MAX_REPLY_BYTES = 64 * 1024;

  private static final int MAX_HEADER_CHARS = 128;

  private final HttpClient client;
  private final URI tokenUri;
  private final String endpoint;
  private final ClientAuthentication authentication;
  private final List<Map.Entry<String, String>> parameters;
  private final String source;
  private final Duration timeout;
  private final Clock clock;

  /**
   * @param client the transport, already configured with the caller's options; this adds headers
   *     and timeouts to a copy and never changes the caller's
   * @param extraParameters form parameters after {@code grant_type} and {@code scope}, not yet
   *     encoded
   * @param source what the credentials come from, for messages
   */
  TokenEndpoint(
      HttpClient client,
      URI tokenUri,
      ClientAuthentication authentication,
      List<String> scopes,
      List<Map.Entry<String, String>> extraParameters,
      String source,
      Duration timeout,
      Clock clock) {
    Objects.requireNonNull(client, "client");
    this.tokenUri = Objects.requireNonNull(tokenUri, "tokenUri");
    this.endpoint = tokenUri.toString();
    this.authentication = Objects.requireNonNull(authentication, "authentication");
    this.source = Objects.requireNonNull(source, "source");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    List<Map.Entry<String, String>> form = new ArrayList<>();
    form.add(Map.entry("grant_type", "client_credentials"));
    if (!scopes.isEmpty()) {
      form.add(Map.entry("scope", String.join(" ", scopes)));
    }
    form.addAll(extraParameters);
    this.parameters = List.copyOf(form);
    this.client =
        client
            .responseTimeout(timeout)
            .headers(
                h ->
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .set(HttpHeaderNames.ACCEPT, "application/json")
                        .set(HttpHeaderNames.USER_AGENT, LibraryVersion.USER_AGENT));
  }

  /**
   * One attempt with these credentials: a token, or a {@link TokenException} saying whether a
   * retry may help.
   */
  Mono<IssuedToken> requestToken(ClientCredentials credentials) {
    return Mono.defer(
        () -> {
          // Built for each attempt: a token request is rare, and building it costs microseconds.
          TokenRequest request = TokenRequest.of(credentials, authentication, parameters, source);
          TokenReply.Context context =
              new TokenReply.Context(endpoint, credentials.clientId(), request.redaction);
          Instant requestedAt = clock.instant();
          byte[] form = request.form;
          return client
              .headers(
                  h -> {
                    h.set(HttpHeaderNames.CONTENT_LENGTH, form.length);
                    if (request.authorization != null) {
                      h.set(HttpHeaderNames.AUTHORIZATION, request.authorization);
                    }
                  })
              .post()
              .uri(tokenUri)
              .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(form)))
              .response(this::read)
              .next()
              // Real time on purpose, not the provider's scheduler: this bounds network I/O, which
              // a virtual clock in a test does not speed up.
              .timeout(timeout, Schedulers.parallel())
              .switchIfEmpty(Mono.error(this::noReply))
              .map(reply -> reply.toToken(requestedAt, clock.instant(), context))
              .onErrorMap(
                  e -> !(e instanceof TokenException), e -> transportFailure(e, context));
        });
  }

  private Mono<TokenReply> read(HttpClientResponse response, ByteBufFlux body) {
    HttpHeaders headers = response.responseHeaders();
    int status = response.status().code();
    String contentType = header(headers, HttpHeaderNames.CONTENT_TYPE.toString());
    String retryAfter = header(headers, "Retry-After");
    // The real service sends ININ-Correlation-Id (docs/genesys-login.md, "Correlation ids").
    String correlationId = header(headers, "ININ-Correlation-Id");
    if (correlationId == null) {
      correlationId = header(headers, "Genesys-Correlation-Id");
    }
    String correlation = correlationId;
    long declared = headers.getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
    if (declared > MAX_REPLY_BYTES) {
      return Mono.error(tooLarge(status, correlation));
    }
    return body.asByteArray()
        .reduceWith(
            () -> new BoundedBytes(MAX_REPLY_BYTES),
            (bytes, chunk) -> {
              if (!bytes.append(chunk)) {
                throw tooLarge(status, correlation);
              }
              return bytes;
            })
        .map(bytes -> new TokenReply(status, bytes.toArray(), contentType, retryAfter, correlation));
  }

  private static String header(HttpHeaders headers, String name) {
    String value = headers.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    value = value.strip();
    return value.length() > MAX_HEADER_CHARS ? value.substring(0, MAX_HEADER_CHARS) + "..." : value;
  }

  private TokenException noReply() {
    return new TokenException(
        "token endpoint " + endpoint + " closed the connection without a reply", null, true);
  }

  private TokenEndpointException tooLarge(int status, String correlationId) {
    return new TokenEndpointException(
        "token endpoint "
            + endpoint
            + " answered HTTP "
            + status
            + " with a reply larger than "
            + MAX_REPLY_BYTES
            + " bytes; not reading it"
            + (correlationId == null ? "" : " [correlation id " + correlationId + "]"),
        status,
        null,
        null,
        null,
        correlationId,
        false);
  }

  private TokenException transportFailure(Throwable error, TokenReply.Context context) {
    // Two clocks bound one request: Reactor's timeout and the transport's read timeout, both set to
    // requestTimeout. Whichever fires first, it is the same timeout to the caller.
    if (error instanceof TimeoutException
        || error instanceof io.netty.handler.timeout.TimeoutException) {
      return new TokenException(
          "token endpoint "
              + context.endpoint
              + " did not answer within "
              + Failures.format(timeout),
          error,
          true);
    }
    boolean network = error instanceof IOException || error instanceof ChannelException;
    String detail = context.redaction.redact(String.valueOf(error.getMessage()));
    return new TokenException(
        (network ? "could not reach token endpoint " : "token request to ")
            + context.endpoint
            + (network ? ": " : " failed: ")
            + error.getClass().getSimpleName()
            + ": "
            + detail,
        error,
        network);
  }

  /** Collects a reply body, refusing to grow past a limit. */
  private static final class BoundedBytes {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);

    BoundedBytes(int limit) {
      this.limit = limit;
    }

    /** Appends {@code chunk}; refuses it ({@code false}) if it would take the body past the limit. */
    boolean append(byte[] chunk) {
      if (chunk.length > limit - bytes.size()) {
        return false;
      }
      bytes.writeBytes(chunk);
      return true;
    }

    byte[] toArray() {
      return bytes.toByteArray();
    }
  }
}

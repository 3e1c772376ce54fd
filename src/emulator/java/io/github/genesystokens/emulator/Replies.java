package io.github.genesystokens.emulator;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Sends one JSON reply; the correlation id is already set by the dispatcher. The length is set
 * here, so that Reactor Netty does not add its own lower-case {@code content-length}.
 */
final class Replies {

  private Replies() {}

  static Mono<Void> json(HttpServerResponse response, int status, String body) {
    return response
        .status(HttpResponseStatus.valueOf(status))
        .header(Wire.CONTENT_TYPE, Wire.JSON)
        .header(
            Wire.CONTENT_LENGTH,
            Integer.toString(body.getBytes(StandardCharsets.UTF_8).length))
        .sendString(Mono.just(body), StandardCharsets.UTF_8)
        .then();
  }

  static Mono<Void> empty(HttpServerResponse response, int status) {
    return response.status(HttpResponseStatus.valueOf(status)).send();
  }
}

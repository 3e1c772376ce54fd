package io.github.genesystokens.emulator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** Sends one JSON reply; the correlation id is already set by the dispatcher. */
final class Replies {

  private Replies() {}

  static Mono<Void> json(HttpServerResponse response, int status, String body) {
    return response
        .status(HttpResponseStatus.valueOf(status))
        .header(HttpHeaderNames.CONTENT_TYPE, Wire.JSON)
        .sendString(Mono.just(body))
        .then();
  }

  static Mono<Void> empty(HttpServerResponse response, int status) {
    return response.status(HttpResponseStatus.valueOf(status)).send();
  }
}

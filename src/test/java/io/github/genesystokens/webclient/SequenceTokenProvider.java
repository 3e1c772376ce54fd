package io.github.genesystokens.webclient;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenProvider;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/** A provider for filter tests: issues token-1, token-2, ... and counts fetches and invalidations. */
class SequenceTokenProvider implements TokenProvider {

  private final AtomicReference<AccessToken> current = new AtomicReference<>();
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicInteger invalidations = new AtomicInteger();

  @Override
  public Mono<AccessToken> token() {
    return Mono.fromSupplier(
        () ->
            current.updateAndGet(
                t ->
                    t != null
                        ? t
                        : new AccessToken(
                            "token-" + fetches.incrementAndGet(),
                            "bearer",
                            Instant.parse("2030-01-01T00:00:00Z"))));
  }

  @Override
  public void invalidate(AccessToken rejected) {
    invalidations.incrementAndGet();
    current.compareAndSet(rejected, null);
  }

  @Override
  public void close() {}
}

package io.github.genesystokens.bench;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenListener;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.micrometer.GenesysTokenMetrics;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.webclient.BearerTokenFilter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reactivestreams.Subscription;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The per-call cost of a cached token and of the filter's work, with the token already cached
 * (FRESH, a 24 h token from the emulator). Every benchmark subscribes once with a new minimal
 * subscriber and returns what it received, so all pay the same subscription cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {

  /** The emulator, this library's provider and filter, the peer, and the floors. */
  @State(Scope.Benchmark)
  public static class Contenders {
    GenesysLoginEmulator emulator;
    TokenProvider provider;
    /** The same provider with listeners: one that does nothing, one that counts hits, Micrometer's. */
    TokenProvider withNoOpListener;
    TokenProvider withCountingListener;
    TokenProvider withMetrics;
    /** Pools (issue 14): {@code poolSize(1)}, 5 with one token in use, 5 with all 5 over the limit. */
    TokenProvider poolOfOne;
    TokenProvider poolOfFive;
    TokenProvider poolOfFiveOverLimit;
    final LongAdder hits = new LongAdder();
    ExchangeFilterFunction filter;
    Peer peer;
    ExchangeFilterFunction peerFilter;
    Mono<AccessToken> floorToken;
    ExchangeFilterFunction floorFilter;
    ClientRequest request;
    ExchangeFunction stubExchange;
    final java.time.Clock clock = java.time.Clock.systemUTC();

    @Setup(Level.Trial)
    public void setUp() {
      emulator = GenesysLoginEmulator.start();
      provider =
          GenesysTokenProvider.builder()
              .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
              .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
              .tokenUri(emulator.tokenUri())
              .build();
      AccessToken token = provider.token().block(Duration.ofSeconds(10));
      filter = BearerTokenFilter.of(provider);
      withNoOpListener = listened(new TokenListener() {});
      withCountingListener =
          listened(
              new TokenListener() {
                @Override
                public void onCacheHit() {
                  hits.increment();
                }
              });
      withMetrics =
          listened(
              GenesysTokenMetrics.builder()
                  .name("bench")
                  .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                  .observationRegistry(io.micrometer.observation.ObservationRegistry.create())
                  .build());

      poolOfOne = pooled(1, 300);
      // A limit no benchmark reaches: one token, always with headroom (the FRESH path of a pool).
      poolOfFive = pooled(5, Integer.MAX_VALUE);
      // Every call counted against 300 a minute: the pool grows to 5 tokens (one a second), then
      // all five are over the limit and each call takes the pool's slow path.
      poolOfFiveOverLimit = pooled(5, 300);
      for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 400; j++) {
          poolOfFiveOverLimit.token().block(Duration.ofSeconds(10));
        }
        try {
          Thread.sleep(1100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      if (!poolOfFiveOverLimit.toString().contains("pool of 5 of at most 5")) {
        throw new IllegalStateException("the pool did not grow to 5: " + poolOfFiveOverLimit);
      }

      // The peer with every default; only the registration is ours.
      peer =
          new Peer(
              emulator.tokenUri(),
              GenesysLoginEmulator.DEFAULT_CLIENT_ID,
              GenesysLoginEmulator.DEFAULT_CLIENT_SECRET,
              new Peer.Options());
      OAuth2AuthorizedClient authorized = peer.authorize().block(Duration.ofSeconds(10));
      if (token == null || authorized == null) {
        throw new IllegalStateException("no token from the emulator");
      }
      peerFilter = peer.filter;

      floorToken = Mono.just(token);
      String header = "Bearer " + token.value();
      floorFilter =
          (request, next) ->
              next.exchange(ClientRequest.from(request).header("Authorization", header).build());

      request = ClientRequest.create(HttpMethod.GET, URI.create("http://127.0.0.1/api/v2/users/me"))
          .build();
      Mono<ClientResponse> ok = Mono.just(ClientResponse.create(HttpStatus.OK).build());
      stubExchange = r -> ok;

      // The peer's filter asks its manager for the anonymous principal, a second cache entry: warm
      // it, then check that every contender now completes synchronously (subscribe() throws if not).
      peerFilter.filter(request, stubExchange).block(Duration.ofSeconds(10));
      subscribe(provider.token());
      subscribe(withNoOpListener.token());
      subscribe(withCountingListener.token());
      subscribe(withMetrics.token());
      subscribe(peer.authorize());
      subscribe(filter.filter(request, stubExchange));
      subscribe(peerFilter.filter(request, stubExchange));
    }

    private TokenProvider pooled(int size, int perMinute) {
      GenesysTokenProvider.Builder builder =
          GenesysTokenProvider.builder()
              .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
              .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
              .tokenUri(emulator.tokenUri())
              .poolSize(size);
      if (size > 1) {
        builder.requestsPerTokenPerMinute(perMinute);
      }
      TokenProvider pool = builder.build();
      pool.token().block(Duration.ofSeconds(10));
      return pool;
    }

    private TokenProvider listened(TokenListener listener) {
      TokenProvider listened =
          GenesysTokenProvider.builder()
              .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
              .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
              .tokenUri(emulator.tokenUri())
              .listener(listener)
              .build();
      listened.token().block(Duration.ofSeconds(10));
      return listened;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      provider.close();
      withNoOpListener.close();
      withCountingListener.close();
      withMetrics.close();
      poolOfOne.close();
      poolOfFive.close();
      poolOfFiveOverLimit.close();
      emulator.close();
    }
  }

  @Benchmark
  public AccessToken tokenLibrary(Contenders c) {
    return subscribe(c.provider.token());
  }

  /** {@code token()} with a listener that overrides nothing. */
  @Benchmark
  public AccessToken tokenLibraryNoOpListener(Contenders c) {
    return subscribe(c.withNoOpListener.token());
  }

  /** {@code token()} with a listener that counts cache hits in a {@code LongAdder}. */
  @Benchmark
  public AccessToken tokenLibraryCountingListener(Contenders c) {
    return subscribe(c.withCountingListener.token());
  }

  /** {@code token()} with {@code GenesysTokenMetrics} (meters and observations). */
  @Benchmark
  public AccessToken tokenLibraryMicrometer(Contenders c) {
    return subscribe(c.withMetrics.token());
  }

  @Benchmark
  public OAuth2AuthorizedClient tokenPeer(Contenders c) {
    return subscribe(c.peer.authorize());
  }

  @Benchmark
  public AccessToken tokenFloor(Contenders c) {
    return subscribe(c.floorToken);
  }

  /** {@code token()} of {@code poolSize(1)}: the single-token provider. */
  @Benchmark
  public AccessToken tokenPoolOfOne(Contenders c) {
    return subscribe(c.poolOfOne.token());
  }

  /** {@code token()} of a pool of 5 with one token in use, under its limit. */
  @Benchmark
  public AccessToken tokenPoolOfFive(Contenders c) {
    return subscribe(c.poolOfFive.token());
  }

  /** {@code token()} of a pool of 5 whose five tokens are all over their limit (the slow path). */
  @Benchmark
  public AccessToken tokenPoolOfFiveOverLimit(Contenders c) {
    return subscribe(c.poolOfFiveOverLimit.token());
  }

  /** Reference, not a contender: reading the system clock, which {@code token()} does per call. */
  @Benchmark
  public java.time.Instant clockInstant(Contenders c) {
    return c.clock.instant();
  }

  @Benchmark
  public ClientResponse filterLibrary(Contenders c) {
    return subscribe(c.filter.filter(c.request, c.stubExchange));
  }

  @Benchmark
  public ClientResponse filterPeer(Contenders c) {
    return subscribe(c.peerFilter.filter(c.request, c.stubExchange));
  }

  @Benchmark
  public ClientResponse filterFloor(Contenders c) {
    return subscribe(c.floorFilter.filter(c.request, c.stubExchange));
  }

  /** Subscribes and returns the value, which every contender here delivers synchronously. */
  static <T> T subscribe(Mono<T> mono) {
    Last<T> last = new Last<>();
    mono.subscribe(last);
    if (last.value == null) {
      throw new IllegalStateException("no value delivered synchronously", last.error);
    }
    return last.value;
  }

  /** The smallest subscriber: requests everything, keeps the last value. */
  static final class Last<T> implements CoreSubscriber<T> {
    T value;
    Throwable error;

    @Override
    public void onSubscribe(Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(T t) {
      value = t;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {}
  }
}

package io.github.genesystokens.bench;

import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.webclient.BearerTokenFilter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Offered load through the WebClient filter against the emulator's per-token limit (issue 14): an
 * open loop of {@code rate} calls a minute for {@code minutes}, with a provider of {@code poolSize}
 * tokens ({@code 1}: the single-token provider). Counted: calls completed with 200, 429s the
 * callers saw (after the filter's replay), other failures, and tokens minted.
 *
 * <p>Run: {@code java -cp <bench classpath> io.github.genesystokens.bench.PoolLoad} (system
 * properties {@code load.minutes=2}, {@code load.rates=300,600,1500}, {@code load.pools=1,2,5},
 * {@code load.limit=300}).
 */
public final class PoolLoad {

  /** One run's numbers. */
  record Result(
      int rate, int pool, long offered, long ok, long tooMany, long otherFailures, long tokens, long wire429) {}

  /**
   * Runs every rate with every pool size and prints a table row for each.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    double minutes = Double.parseDouble(System.getProperty("load.minutes", "2"));
    int limit = Integer.getInteger("load.limit", 300);
    System.out.println(
        "| offered / min | pool | calls | completed (200) | 429 seen by callers | other failures |"
            + " tokens minted | 429 on the wire |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (String rate : System.getProperty("load.rates", "300,600,1500").split(",")) {
      for (String pool : System.getProperty("load.pools", "1,2,5").split(",")) {
        Result r = run(Integer.parseInt(rate), Integer.parseInt(pool), minutes, limit);
        System.out.println(
            String.format(
                Locale.ROOT,
                "| %d | %d | %d | %d | %d | %d | %d | %d |",
                r.rate(),
                r.pool(),
                r.offered(),
                r.ok(),
                r.tooMany(),
                r.otherFailures(),
                r.tokens(),
                r.wire429()));
      }
    }
    System.exit(0);
  }

  static Result run(int rate, int poolSize, double minutes, int limit) {
    ConnectionProvider connections =
        ConnectionProvider.builder("pool-load").maxConnections(256).pendingAcquireMaxCount(-1).build();
    try (GenesysLoginEmulator emulator =
        GenesysLoginEmulator.builder()
            .client(Scenarios.ID, Scenarios.SECRET)
            .apiRateLimit(limit)
            .start()) {
      GenesysTokenProvider.Builder builder =
          GenesysTokenProvider.builder()
              .clientId(Scenarios.ID)
              .clientSecret(Scenarios.SECRET)
              .tokenUri(emulator.tokenUri());
      if (poolSize > 1) {
        builder.poolSize(poolSize).requestsPerTokenPerMinute(limit);
      }
      AtomicLong ok = new AtomicLong();
      AtomicLong tooMany = new AtomicLong();
      AtomicLong other = new AtomicLong();
      AtomicLong wire429 = new AtomicLong();
      try (TokenProvider tokens = builder.build()) {
        WebClient api =
            WebClient.builder()
                .baseUrl(emulator.baseUri().toString())
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
                .filter(BearerTokenFilter.of(tokens))
                .filter(
                    (request, next) ->
                        next.exchange(request)
                            .doOnNext(
                                r -> {
                                  if (r.statusCode().value() == 429) {
                                    wire429.incrementAndGet();
                                  }
                                }))
                .build();
        long calls = Math.round(rate * minutes);
        Duration period = Duration.ofNanos(60_000_000_000L / rate);
        Flux.interval(period)
            .take(calls)
            .flatMap(
                i ->
                    api.get()
                        .uri("/api/v2/users/me")
                        .exchangeToMono(ClientResponse::toBodilessEntity)
                        .doOnNext(
                            e -> {
                              int status = e.getStatusCode().value();
                              (status == 200 ? ok : status == 429 ? tooMany : other).incrementAndGet();
                            })
                        .onErrorResume(
                            e -> {
                              other.incrementAndGet();
                              return reactor.core.publisher.Mono.empty();
                            }),
                1024)
            .blockLast(Duration.ofMinutes((long) Math.ceil(minutes) + 2));
        return new Result(
            rate, poolSize, calls, ok.get(), tooMany.get(), other.get(), emulator.tokensIssued(), wire429.get());
      }
    } finally {
      connections.disposeLater().block(Duration.ofSeconds(10));
    }
  }

  private PoolLoad() {}
}

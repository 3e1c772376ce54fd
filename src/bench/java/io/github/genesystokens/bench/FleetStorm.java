package io.github.genesystokens.bench;

import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.webclient.BearerTokenFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A restart storm (issue 14): {@code n} instances of one OAuth client start at the same moment,
 * each with its own provider (all on one shared Reactor Netty client, as {@code
 * Builder.httpClient} allows, never {@code n} connection pools), each making its first API call
 * through the WebClient filter against one emulator whose login service throttles token creation.
 * An instance whose call fails tries it again a second later, as a service's first request or
 * readiness probe would, until it succeeds or the run's bound passes.
 *
 * <p>Measured: the time until every instance held a token (its first call succeeded), the token
 * requests the login service received, and the API calls that failed.
 *
 * <p>Run: {@code java -cp <bench classpath> io.github.genesystokens.bench.FleetStorm 100 500}
 * (system properties {@code storm.throttle=50}, {@code storm.window=60} (seconds), {@code
 * storm.bound=180} (seconds)).
 */
public final class FleetStorm {

  private static final Duration CALL_AGAIN_AFTER = Duration.ofSeconds(1);

  /** One storm's numbers. */
  record Result(
      int instances,
      int holding,
      Duration allHolding,
      Duration p50Holding,
      long tokenRequests,
      long tokensIssued,
      long failedCalls) {}

  /**
   * Runs one storm per argument (the number of instances) and prints a table row for each.
   *
   * @param args instance counts, 100 by default
   * @throws InterruptedException if interrupted while waiting for the storm
   */
  public static void main(String[] args) throws InterruptedException {
    int throttle = Integer.getInteger("storm.throttle", 50);
    Duration window = Duration.ofSeconds(Integer.getInteger("storm.window", 60));
    Duration bound = Duration.ofSeconds(Integer.getInteger("storm.bound", 180));
    System.out.println(
        "| instances | holding a token | all holding after | half holding after | token requests"
            + " | tokens issued | failed calls |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    for (String arg : args.length == 0 ? new String[] {"100"} : args) {
      Result r = run(Integer.parseInt(arg), throttle, window, bound);
      System.out.println(
          String.format(
              Locale.ROOT,
              "| %d | %d | %s | %s | %d | %d | %d |",
              r.instances(),
              r.holding(),
              r.allHolding() == null ? "not within " + bound.toSeconds() + " s" : seconds(r.allHolding()),
              seconds(r.p50Holding()),
              r.tokenRequests(),
              r.tokensIssued(),
              r.failedCalls()));
    }
    System.exit(0);
  }

  private static String seconds(Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  static Result run(int n, int throttle, Duration window, Duration bound)
      throws InterruptedException {
    ConnectionProvider tokenPool =
        ConnectionProvider.builder("storm-token").maxConnections(64).pendingAcquireMaxCount(-1).build();
    ConnectionProvider apiPool =
        ConnectionProvider.builder("storm-api").maxConnections(64).pendingAcquireMaxCount(-1).build();
    HttpClient tokenHttp = HttpClient.create(tokenPool);
    HttpClient apiHttp = HttpClient.create(apiPool);
    List<TokenProvider> providers = new ArrayList<>();
    List<Disposable> loops = new ArrayList<>();
    AtomicLong failed = new AtomicLong();
    AtomicLongArray heldAt = new AtomicLongArray(n);
    CountDownLatch allHolding = new CountDownLatch(n);
    try (GenesysLoginEmulator emulator =
        GenesysLoginEmulator.builder()
            .client(Scenarios.ID, Scenarios.SECRET)
            .tokenRateLimit(throttle, window)
            .apiRateLimit(Integer.MAX_VALUE)
            .start()) {
      for (int i = 0; i < n; i++) {
        providers.add(
            GenesysTokenProvider.builder()
                .clientId(Scenarios.ID)
                .clientSecret(Scenarios.SECRET)
                .tokenUri(emulator.tokenUri())
                .httpClient(tokenHttp)
                .build());
      }
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int instance = i;
        WebClient api =
            WebClient.builder()
                .baseUrl(emulator.baseUri().toString())
                .clientConnector(new ReactorClientHttpConnector(apiHttp))
                .filter(BearerTokenFilter.of(providers.get(i)))
                .build();
        Mono<Void> firstCall =
            api.get()
                .uri("/api/v2/users/me")
                .retrieve()
                .toBodilessEntity()
                .then()
                .doOnError(e -> failed.incrementAndGet());
        loops.add(
            firstCall
                .retryWhen(
                    reactor.util.retry.Retry.fixedDelay(Long.MAX_VALUE, CALL_AGAIN_AFTER)
                        .scheduler(Schedulers.parallel()))
                .subscribe(
                    ok -> {},
                    e -> {},
                    () -> {
                      heldAt.set(instance, System.nanoTime() - start);
                      allHolding.countDown();
                    }));
      }
      boolean all = allHolding.await(bound.toMillis(), TimeUnit.MILLISECONDS);
      loops.forEach(Disposable::dispose);
      List<Long> times = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (heldAt.get(i) > 0) {
          times.add(heldAt.get(i));
        }
      }
      times.sort(null);
      Duration last = all ? Duration.ofNanos(times.get(times.size() - 1)) : null;
      Duration half = times.size() * 2 >= n ? Duration.ofNanos(times.get(n / 2 - (n % 2 == 0 ? 1 : 0))) : null;
      Result r =
          new Result(
              n,
              times.size(),
              last,
              half,
              emulator.tokenRequests(),
              emulator.tokensIssued(),
              failed.get());
      providers.forEach(TokenProvider::close);
      return r;
    } finally {
      tokenPool.disposeLater().block(Duration.ofSeconds(10));
      apiPool.disposeLater().block(Duration.ofSeconds(10));
    }
  }

  private FleetStorm() {}
}

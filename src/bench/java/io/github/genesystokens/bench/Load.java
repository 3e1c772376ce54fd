package io.github.genesystokens.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Drives calls and measures them. Every run is bounded in count and in time: a run stops at its
 * deadline or its call budget, whichever comes first, and every call times out.
 */
final class Load {

  /** No single call may take longer; a timed-out call counts as failed. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

  /** One call: its final HTTP status (-1 for an error) and how long it took. */
  record Sample(int status, long nanos) {}

  /** What the wire saw below the authentication filter: every response status, counted. */
  static final class WireCounter {
    final AtomicLong unauthorized = new AtomicLong();

    ExchangeFilterFunction filter() {
      return (request, next) ->
          next.exchange(request)
              .doOnNext(
                  response -> {
                    if (response.statusCode().value() == 401) {
                      unauthorized.incrementAndGet();
                    }
                  });
    }
  }

  /**
   * The time each call spends inside the authentication filter before its request reaches the
   * wire: how long it waited for a token. An outer filter stamps the request, an inner one reads
   * the stamp; both contenders copy attributes when they add their header.
   */
  static final class AuthWait {
    static final String STARTED = "bench.started";
    final AtomicLong maxNanos = new AtomicLong();

    ExchangeFilterFunction outer() {
      return (request, next) ->
          next.exchange(
              org.springframework.web.reactive.function.client.ClientRequest.from(request)
                  .attribute(STARTED, System.nanoTime())
                  .build());
    }

    ExchangeFilterFunction inner() {
      return (request, next) -> {
        Object started = request.attribute(STARTED).orElse(null);
        if (started instanceof Long) {
          long waited = System.nanoTime() - (Long) started;
          maxNanos.accumulateAndGet(waited, Math::max);
        }
        return next.exchange(request);
      };
    }

    double maxMillis() {
      return maxNanos.get() / 1e6;
    }
  }

  /** The number of file descriptors this process holds, or -1 where /proc is missing. */
  static long openFiles() {
    String[] fds = new java.io.File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /** The first few distinct errors of a run, for the report's notes. */
  static final class Errors {
    final ConcurrentHashMap<String, AtomicLong> byKind = new ConcurrentHashMap<>();

    void add(Throwable error) {
      String kind = error.getClass().getSimpleName();
      String message = String.valueOf(error.getMessage());
      int cut = message.indexOf('\n');
      if (cut >= 0) {
        message = message.substring(0, cut);
      }
      if (message.length() > 140) {
        message = message.substring(0, 140) + "...";
      }
      String key = kind + ": " + message;
      if (byKind.size() < 8 || byKind.containsKey(key)) {
        byKind.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      }
    }
  }

  /** One GET of the API through the given client, timed from its own subscription, never failing. */
  static Mono<Sample> call(WebClient api, Errors errors) {
    return Mono.defer(() -> call(api, errors, System.nanoTime()));
  }

  /**
   * One GET of the API, timed from {@code arrivedAt} (a {@link System#nanoTime()} instant): the
   * moment the caller asked, which for a herd is before its subscription.
   */
  static Mono<Sample> call(WebClient api, Errors errors, long arrivedAt) {
    return api.get()
        .uri("/api/v2/users/me")
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
        .timeout(CALL_TIMEOUT)
        .onErrorResume(
            e -> {
              errors.add(e);
              return Mono.just(-1);
            })
        .map(status -> new Sample(status, System.nanoTime() - arrivedAt));
  }

  /** Any timed operation, e.g. a bare token acquisition: status 200 on a value, -1 on error. */
  static Mono<Sample> timed(Supplier<Mono<?>> operation, Errors errors) {
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return operation
              .get()
              .timeout(CALL_TIMEOUT)
              .map(v -> 200)
              .onErrorResume(
                  e -> {
                    errors.add(e);
                    return Mono.just(-1);
                  })
              .defaultIfEmpty(-1)
              .map(status -> new Sample(status, System.nanoTime() - start));
        });
  }

  /**
   * {@code n} calls that arrive at one instant, as a burst of requests reaches a server: each is
   * subscribed on {@code Schedulers.parallel()} (the server's threads, not one loop that
   * subscribes them in turn) and timed from the herd's start, so that the time a call waited
   * before it could even be subscribed counts as its latency. Subscribed one after another on one
   * thread and timed from their own subscriptions, the calls of a contender whose every
   * subscription is costly would arrive late, spread over a second, and be timed from then: no
   * herd at all. Waits for all of them, at most a minute.
   */
  static List<Sample> herdArrivingAtOnce(int n, LongFunction<Mono<Sample>> callArrivedAt) {
    long start = System.nanoTime();
    List<Sample> samples =
        Flux.range(0, n)
            .flatMap(
                i -> Mono.defer(() -> callArrivedAt.apply(start)).subscribeOn(Schedulers.parallel()), n)
            .collectList()
            .block(Duration.ofSeconds(60).plus(CALL_TIMEOUT));
    return samples == null ? List.of() : samples;
  }

  /** {@code n} calls subscribed at once (a herd); waits for all of them, at most a minute. */
  static List<Sample> herd(int n, Supplier<Mono<Sample>> call) {
    List<Sample> samples =
        Flux.range(0, n)
            .flatMap(i -> call.get(), n)
            .collectList()
            .block(Duration.ofSeconds(60).plus(CALL_TIMEOUT));
    return samples == null ? List.of() : samples;
  }

  /**
   * Closed loop: {@code concurrency} calls in flight until {@code duration} has passed or {@code
   * maxCalls} were started.
   *
   * <p>Each call is subscribed on {@code Schedulers.parallel()}, as independent requests of a
   * server would be. Without that, a call that completes synchronously (this library's cached
   * failure during its cooldown, which needs no I/O) lets the loop start the next call from inside
   * the delivery of the previous result: the first fetch's error, delivered to its first waiter,
   * then ran the whole 5 s wrong-secret loop on that stack before the other waiters got it, and
   * they were measured as waiting 5 s.
   */
  static List<Sample> closedLoop(
      int concurrency, Duration duration, int maxCalls, Supplier<Mono<Sample>> call) {
    long deadline = System.nanoTime() + duration.toNanos();
    List<Sample> samples =
        Flux.range(0, maxCalls)
            .takeWhile(i -> System.nanoTime() < deadline)
            .flatMap(i -> call.get().subscribeOn(Schedulers.parallel()), concurrency)
            .collectList()
            .block(duration.plus(CALL_TIMEOUT).plusSeconds(10));
    return samples == null ? List.of() : samples;
  }

  /** Summary statistics of one run. */
  record Stats(int calls, int failed, long p50Nanos, long p99Nanos, long maxNanos, double seconds) {

    static Stats of(List<Sample> samples, long elapsedNanos) {
      long[] nanos = new long[samples.size()];
      int failed = 0;
      for (int i = 0; i < nanos.length; i++) {
        Sample s = samples.get(i);
        nanos[i] = s.nanos();
        if (s.status() < 200 || s.status() > 299) {
          failed++;
        }
      }
      Arrays.sort(nanos);
      return new Stats(
          nanos.length,
          failed,
          percentile(nanos, 0.50),
          percentile(nanos, 0.99),
          nanos.length == 0 ? 0 : nanos[nanos.length - 1],
          elapsedNanos / 1e9);
    }

    double throughput() {
      return seconds <= 0 ? 0 : (calls - failed) / seconds;
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The median of some rounds' values. */
  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private Load() {}
}

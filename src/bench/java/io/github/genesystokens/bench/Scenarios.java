package io.github.genesystokens.bench;

import io.github.genesystokens.TestClock;
import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The load scenarios: a real {@code WebClient} (Reactor Netty) against the emulator on 127.0.0.1,
 * one fresh emulator and fresh contenders per scenario and round, except the steady state, whose
 * contenders take turns on one emulator (the ratio compares each with the static header of the
 * same round).
 */
final class Scenarios implements AutoCloseable {

  static final String ID = "bench-client";
  static final String SECRET = "bench-secret";

  /** The client's transport for API calls: big enough that the pool never limits a herd. */
  private final ConnectionProvider apiPool = pool("bench-api");
  /** The transport for token requests, the same for every contender. */
  private final ConnectionProvider tokenPool = pool("bench-token");

  final HttpClient apiHttp = HttpClient.create(apiPool);
  final HttpClient tokenHttp = HttpClient.create(tokenPool);
  final WebClient tokenWebClient =
      WebClient.builder().clientConnector(new ReactorClientHttpConnector(tokenHttp)).build();

  /** Errors seen per scenario and contender, for the notes of the report. */
  final Map<String, Load.Errors> errors = new LinkedHashMap<>();

  private static ConnectionProvider pool(String name) {
    return ConnectionProvider.builder(name)
        .maxConnections(512)
        .pendingAcquireMaxCount(-1)
        .pendingAcquireTimeout(Duration.ofSeconds(60))
        .maxIdleTime(Duration.ofSeconds(10))
        .build();
  }

  /** A fresh emulator with one client of the given lifetime and no API rate limit in the way. */
  static GenesysLoginEmulator emulator(Duration lifetime, Clock clock) {
    return GenesysLoginEmulator.builder()
        .client(ID, SECRET, lifetime)
        .apiRateLimit(Integer.MAX_VALUE)
        .clock(clock)
        .start();
  }

  Contender library(GenesysLoginEmulator emulator, String secret, Clock clock) {
    return Contender.library(emulator.tokenUri(), ID, secret, tokenHttp, clock);
  }

  Contender peer(GenesysLoginEmulator emulator, String secret, Peer.Options options) {
    return peer(Contender.PEER, emulator, secret, options);
  }

  Contender peer(String name, GenesysLoginEmulator emulator, String secret, Peer.Options options) {
    options.tokenWebClient = tokenWebClient;
    return Contender.peer(name, emulator.tokenUri(), ID, secret, options);
  }

  Contender naive(GenesysLoginEmulator emulator) {
    return Contender.naive(emulator.tokenUri(), ID, SECRET, tokenHttp);
  }

  WebClient api(GenesysLoginEmulator emulator, Contender contender, Load.WireCounter wire) {
    return WebClient.builder()
        .baseUrl(emulator.baseUri().toString())
        .clientConnector(new ReactorClientHttpConnector(apiHttp))
        .filter(contender.filter)
        .filter(wire.filter())
        .build();
  }

  /** The same, timing each call's wait inside the authentication filter (not used for throughput). */
  WebClient api(
      GenesysLoginEmulator emulator, Contender contender, Load.WireCounter wire, Load.AuthWait wait) {
    return WebClient.builder()
        .baseUrl(emulator.baseUri().toString())
        .clientConnector(new ReactorClientHttpConnector(apiHttp))
        .filter(wait.outer())
        .filter(contender.filter)
        .filter(wait.inner())
        .filter(wire.filter())
        .build();
  }

  static void log(String scenario) {
    System.out.println("[bench] " + scenario + ", open files " + Load.openFiles());
  }

  Load.Errors errorsOf(String scenario, String contender) {
    return errors.computeIfAbsent(scenario + " / " + contender, k -> new Load.Errors());
  }

  /**
   * A herd of API calls on a cold cache, the token endpoint (and the API) 100 ms slow: all calls
   * arrive at once ({@link Load#herdArrivingAtOnce}) and are timed from then. The static header,
   * whose token is fetched before the herd, is the floor: what the burst of API calls costs with
   * no token to wait for.
   */
  List<Row> coldHerd(int callers, int rounds) {
    List<Row> rows = new ArrayList<>();
    for (String which :
        List.of(Contender.LIBRARY, Contender.PEER, Contender.NAIVE, Contender.STATIC)) {
      List<Row> perRound = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        try (GenesysLoginEmulator emulator = emulator(Duration.ofHours(24), Clock.systemUTC())) {
          emulator.latency(Duration.ofMillis(100));
          Contender contender = make(which, emulator);
          Load.WireCounter wire = new Load.WireCounter();
          Load.AuthWait wait = new Load.AuthWait();
          WebClient api = api(emulator, contender, wire, wait);
          Load.Errors errs = errorsOf("cold herd " + callers, which);
          long start = System.nanoTime();
          List<Load.Sample> samples =
              Load.herdArrivingAtOnce(callers, arrivedAt -> Load.call(api, errs, arrivedAt));
          perRound.add(
              Row.of(
                  which,
                  emulator.tokenRequests(),
                  wire.unauthorized.get(),
                  Load.Stats.of(samples, System.nanoTime() - start),
                  wait.maxMillis()));
          contender.close();
          release(emulator);
        }
      }
      rows.add(Row.median(perRound));
    }
    return rows;
  }

  private Contender make(String which, GenesysLoginEmulator emulator) {
    switch (which) {
      case Contender.LIBRARY:
        return library(emulator, SECRET, Clock.systemUTC());
      case Contender.PEER:
        return peer(emulator, SECRET, new Peer.Options());
      case Contender.NAIVE:
        return naive(emulator);
      case Contender.STATIC:
        return Contender.staticHeader(
            (String) naive(emulator).token.get().block(Duration.ofSeconds(10)));
      default:
        throw new IllegalArgumentException(which);
    }
  }

  /** The harness's own floor for a herd: an independent 100 ms timer per caller, nothing shared. */
  static final String FLOOR = "floor: Mono.delay(100 ms) per caller";

  /** Scaling: bare token acquisitions ({@code token()} / {@code authorize()}) by a cold herd. */
  List<Row> scaling(int callers, int rounds) {
    List<Row> rows = new ArrayList<>();
    for (String which : List.of(Contender.LIBRARY, Contender.PEER, FLOOR)) {
      List<Row> perRound = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        try (GenesysLoginEmulator emulator = emulator(Duration.ofHours(24), Clock.systemUTC())) {
          emulator.latency(Duration.ofMillis(100));
          log("scaling " + callers + " / " + which);
          Contender contender =
              which.equals(FLOOR) ? Contender.delayFloor(Duration.ofMillis(100)) : make(which, emulator);
          Load.Errors errs = errorsOf("scaling " + callers, which);
          long start = System.nanoTime();
          List<Load.Sample> samples = Load.herd(callers, () -> Load.timed(contender.token, errs));
          perRound.add(
              Row.of(
                  which, emulator.tokenRequests(), 0, Load.Stats.of(samples, System.nanoTime() - start)));
          contender.close();
        release(emulator);
        }
      }
      rows.add(Row.median(perRound));
    }
    return rows;
  }

  /** Steady-state results: per contender the median row and the median throughput ratio. */
  record Steady(Row row, double throughput, double ratio) {}

  /**
   * Steady state with 24 h tokens: closed loop at {@code concurrency}, each contender in turn for
   * {@code each} per round, the static header measured in the same round for the ratio.
   */
  List<Steady> steadyState(int concurrency, Duration each, int rounds) {
    try (GenesysLoginEmulator emulator = emulator(Duration.ofHours(24), Clock.systemUTC())) {
      Contender naive = naive(emulator);
      String staticToken = (String) naive.token.get().block(Duration.ofSeconds(10));
      List<Contender> contenders =
          List.of(
              Contender.staticHeader(staticToken),
              library(emulator, SECRET, Clock.systemUTC()),
              peer(emulator, SECRET, new Peer.Options()),
              naive);
      Map<String, WebClient> apis = new LinkedHashMap<>();
      Map<String, Load.WireCounter> wires = new LinkedHashMap<>();
      for (Contender c : contenders) {
        Load.WireCounter wire = new Load.WireCounter();
        wires.put(c.name, wire);
        apis.put(c.name, api(emulator, c, wire));
        // Warm-up: JIT, connections and the cached token; not measured.
        Load.closedLoop(concurrency, Duration.ofSeconds(1), 1_000_000, () -> Load.call(apis.get(c.name), new Load.Errors()));
      }
      Map<String, List<Row>> rows = new LinkedHashMap<>();
      Map<String, List<Double>> throughputs = new LinkedHashMap<>();
      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        double staticThroughput = 0;
        for (Contender c : contenders) {
          Load.Errors errs = errorsOf("steady state", c.name);
          long tokensBefore = emulator.tokenRequests();
          long unauthorizedBefore = wires.get(c.name).unauthorized.get();
          long start = System.nanoTime();
          List<Load.Sample> samples =
              Load.closedLoop(concurrency, each, 1_000_000, () -> Load.call(apis.get(c.name), errs));
          Load.Stats stats = Load.Stats.of(samples, System.nanoTime() - start);
          if (c.name.equals(Contender.STATIC)) {
            staticThroughput = stats.throughput();
          }
          rows.computeIfAbsent(c.name, k -> new ArrayList<>())
              .add(
                  Row.of(
                      c.name,
                      emulator.tokenRequests() - tokensBefore,
                      wires.get(c.name).unauthorized.get() - unauthorizedBefore,
                      stats));
          throughputs.computeIfAbsent(c.name, k -> new ArrayList<>()).add(stats.throughput());
          ratios
              .computeIfAbsent(c.name, k -> new ArrayList<>())
              .add(staticThroughput == 0 ? Double.NaN : stats.throughput() / staticThroughput);
        }
      }
      List<Steady> result = new ArrayList<>();
      for (Contender c : contenders) {
        result.add(
            new Steady(
                Row.median(rows.get(c.name)),
                Load.median(throughputs.get(c.name)),
                Load.median(ratios.get(c.name))));
        c.close();
      }
      release(emulator);
      return result;
    }
  }

  /** One closed-loop run of each contender against its own fresh emulator. */
  List<Row> closedLoopEach(
      String scenario,
      List<String> names,
      Setup setup,
      int concurrency,
      Duration duration,
      int maxCalls) {
    List<Row> rows = new ArrayList<>();
    for (String name : names) {
      TestClock clock = TestClock.system();
      try (GenesysLoginEmulator emulator = setup.emulator(clock)) {
        log(scenario + " / " + name);
        Contender contender = setup.contender(name, emulator, clock);
        Load.WireCounter wire = new Load.WireCounter();
        Load.AuthWait wait = new Load.AuthWait();
        WebClient api = api(emulator, contender, wire, wait);
        Load.Errors errs = errorsOf(scenario, name);
        Disposable during = setup.before(emulator, clock, api);
        wait.maxNanos.set(0);
        long tokensBefore = emulator.tokenRequests();
        long start = System.nanoTime();
        List<Load.Sample> samples =
            Load.closedLoop(concurrency, duration, maxCalls, () -> Load.call(api, errs));
        rows.add(
            Row.of(
                name,
                emulator.tokenRequests() - tokensBefore,
                wire.unauthorized.get(),
                Load.Stats.of(samples, System.nanoTime() - start),
                wait.maxMillis()));
        during.dispose();
        contender.close();
        release(emulator);
      }
    }
    return rows;
  }

  /** How one closed-loop scenario builds its emulator and contenders and what it does first. */
  interface Setup {
    GenesysLoginEmulator emulator(TestClock clock);

    Contender contender(String name, GenesysLoginEmulator emulator, TestClock clock);

    /** Runs just before the load starts; returns what to cancel afterwards. */
    Disposable before(GenesysLoginEmulator emulator, TestClock clock, WebClient api);
  }

  /** A herd of API calls on a cold cache with faults queued on the token endpoint. */
  List<Row> faultedHerd(String scenario, int callers, int count, Fault fault) {
    List<Row> rows = new ArrayList<>();
    for (String which : List.of(Contender.LIBRARY, Contender.PEER)) {
      try (GenesysLoginEmulator emulator = emulator(Duration.ofHours(24), Clock.systemUTC())) {
        emulator.failNextTokenRequests(count, fault);
        Contender contender = make(which, emulator);
        Load.WireCounter wire = new Load.WireCounter();
        Load.AuthWait wait = new Load.AuthWait();
        WebClient api = api(emulator, contender, wire, wait);
        Load.Errors errs = errorsOf(scenario, which);
        long start = System.nanoTime();
        List<Load.Sample> samples = Load.herd(callers, () -> Load.call(api, errs));
        rows.add(
            Row.of(
                which,
                emulator.tokenRequests(),
                wire.unauthorized.get(),
                Load.Stats.of(samples, System.nanoTime() - start),
                wait.maxMillis()));
        contender.close();
        release(emulator);
      }
    }
    return rows;
  }

  /**
   * What one contender saw in {@link #outageRecovery}: calls made, failed and token requests, and
   * when after the end of the outage the first call succeeded (negative: none did).
   */
  record Recovery(
      String contender,
      Duration outage,
      long tokenRequests,
      int calls,
      int failed,
      double recoveryMillis) {
    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%-24s outage %2d s: token requests %d, calls %d, failed %d, first success %.0f ms after"
              + " the outage ended",
          contender,
          outage.toSeconds(),
          tokenRequests,
          calls,
          failed,
          recoveryMillis);
    }
  }

  /**
   * A login outage on a cold cache: 503 for {@code outage} from the start (8 s and more outlast
   * this library's first fetch, whose 3 retries wait 1 s, 2 s and 4 s, each up to half longer or
   * shorter), a closed loop at concurrency 16 until 6 s after it, and the time from its end to
   * the first successful call. Where the outage ends within the fetch's retries and the cooldown
   * after them varies with its length and the jitter, so it is run at several lengths.
   */
  List<Recovery> outageRecovery(List<String> names, Duration outage) {
    List<Recovery> result = new ArrayList<>();
    for (String name : names) {
      try (GenesysLoginEmulator emulator = emulator(Duration.ofHours(24), Clock.systemUTC())) {
        log("outage recovery / " + name);
        Contender contender = make(name, emulator);
        WebClient api = api(emulator, contender, new Load.WireCounter());
        Load.Errors errs = errorsOf("outage recovery", name);
        java.util.concurrent.atomic.AtomicLong firstSuccess =
            new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        emulator.outage(outage);
        long outageEnds = System.nanoTime() + outage.toNanos();
        List<Load.Sample> samples =
            Load.closedLoop(
                CONCURRENCY_OF_RECOVERY,
                outage.plusSeconds(6),
                3_000_000,
                () ->
                    Load.call(api, errs)
                        .doOnNext(
                            s -> {
                              if (s.status() / 100 == 2) {
                                firstSuccess.accumulateAndGet(System.nanoTime(), Math::min);
                              }
                            }));
        int failed = 0;
        for (Load.Sample s : samples) {
          if (s.status() / 100 != 2) {
            failed++;
          }
        }
        long first = firstSuccess.get();
        result.add(
            new Recovery(
                name,
                outage,
                emulator.tokenRequests(),
                samples.size(),
                failed,
                first == Long.MAX_VALUE ? -1 : (first - outageEnds) / 1e6));
        contender.close();
        release(emulator);
      }
    }
    return result;
  }

  private static final int CONCURRENCY_OF_RECOVERY = 16;

  /**
   * Closes this client's pooled connections to an emulator before it stops. Closing the emulator
   * alone left both ends of keep-alive connections open (the process's descriptors grew by about
   * one per connection per scenario until 20 000 and "Too many open files").
   */
  void release(GenesysLoginEmulator emulator) {
    java.net.InetSocketAddress address =
        new java.net.InetSocketAddress("127.0.0.1", emulator.port());
    apiPool.disposeWhen(address);
    tokenPool.disposeWhen(address);
  }

  /** Warms a contender with one successful call before a scenario starts. */
  static void warm(WebClient api) {
    Load.call(api, new Load.Errors()).block(Duration.ofSeconds(30));
  }

  static Disposable nothing() {
    return () -> {};
  }

  static Disposable after(Duration delay, Runnable action) {
    return Mono.delay(delay).subscribe(x -> action.run());
  }

  @Override
  public void close() {
    apiPool.disposeLater().block(Duration.ofSeconds(10));
    tokenPool.disposeLater().block(Duration.ofSeconds(10));
  }
}

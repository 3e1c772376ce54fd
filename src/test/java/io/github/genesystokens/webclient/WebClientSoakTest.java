package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TokenStatus;
import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The soak of issue 13, in real time and only with {@code mvn -B -Psoak verify} (the default build
 * excludes it): {@value #CALLERS} callers in a closed loop call the emulator's API through a real
 * {@code WebClient} with {@link BearerTokenFilter}, for {@code -Dsoak.duration} (ISO-8601, default
 * {@code PT5M}), while a fault plan cycles through latency, 429 bursts, the Genesys throttle, 503
 * windows, revocations, stalls, malformed replies and an outage longer than the token's
 * 20-second lifetime.
 *
 * <p>Checked the whole time: a call may fail only while no valid token could be had, that is, with
 * a {@link TokenException}, while the provider holds no usable token (EXPIRED or EMPTY) and the
 * login service refused a token request within the last {@link #FETCH_BUDGET} (the longest a fetch
 * with its retries and the cooldown after it can take). A 401 handed to a caller counts as expected
 * only within 2 seconds of a revocation (the replay's token was revoked too). Every other failure
 * is unexpected and fails the soak. At the end: the token requests are within the bound the fault
 * plan allows, and the heap after GC, the open file descriptors and the open connections are flat
 * between the end of the warm-up and the end. docs/reliability.md has the figures of a run.
 */
class WebClientSoakTest {

  static final Duration DURATION =
      Duration.parse(System.getProperty("soak.duration", "PT5M"));
  static final Duration LIFETIME = Duration.ofSeconds(20);
  static final int CALLERS = 16;
  static final Duration THINK = Duration.ofMillis(50);
  static final Duration WARM_UP = Duration.ofSeconds(15);

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  static final int MAX_RETRIES = 2;
  static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  static final Duration COOLDOWN = Duration.ofSeconds(2);
  /** The longest one fetch can take (every attempt timing out, the longest waits) and its cooldown. */
  static final Duration FETCH_BUDGET =
      REQUEST_TIMEOUT
          .multipliedBy(MAX_RETRIES + 1)
          .plus(MAX_BACKOFF.multipliedBy(MAX_RETRIES))
          .plus(COOLDOWN);
  /** No call may take longer than two fetches: past it, a caller was left waiting. */
  static final Duration CALL_TIMEOUT = FETCH_BUDGET.multipliedBy(2);

  private static final long MIB = 1024 * 1024;

  /** One step of the fault plan: what it does at its start, and how long until the next. */
  private record Step(String name, Duration length, Faults action) {}

  @FunctionalInterface
  private interface Faults {
    void apply(Soak soak);
  }

  /** The plan, cycled until the end: 135 s a round. */
  private static final List<Step> PLAN =
      List.of(
          new Step("calm", Duration.ofSeconds(10), soak -> {}),
          new Step("latency 300 ms", Duration.ofSeconds(10), soak -> soak.latency(Duration.ofMillis(300))),
          new Step("429 burst (3, Retry-After 1 s)", Duration.ofSeconds(10),
              soak -> soak.queue(3, Fault.tooManyRequests(Duration.ofSeconds(1)))),
          new Step("calm", Duration.ofSeconds(5), soak -> {}),
          new Step("throttle (2)", Duration.ofSeconds(10), soak -> soak.queue(2, Fault.throttle())),
          new Step("503 window 6 s", Duration.ofSeconds(10), soak -> soak.outage(Duration.ofSeconds(6))),
          new Step("revocation", Duration.ofSeconds(5), Soak::revoke),
          new Step("stall (1 hung request)", Duration.ofSeconds(10), soak -> soak.queue(1, Fault.hang())),
          new Step("malformed reply (1)", Duration.ofSeconds(10), soak -> soak.queue(1, Fault.malformed())),
          new Step("revocation in a 503 window of 8 s", Duration.ofSeconds(10),
              soak -> {
                soak.outage(Duration.ofSeconds(8));
                soak.revoke();
              }),
          new Step("outage 30 s (longer than a lifetime)", Duration.ofSeconds(35),
              soak -> soak.outage(Duration.ofSeconds(30))),
          new Step("calm", Duration.ofSeconds(10), soak -> {}));

  @Test
  void callsThroughTheFilterFailOnlyWhileNoValidTokenCouldBeHad() throws Exception {
    try (Soak soak = new Soak()) {
      soak.run();
    }
  }

  /** One run: the emulator, the provider, the WebClient, the callers, the plan and the checks. */
  private static final class Soak implements AutoCloseable {

    private final GenesysLoginEmulator emulator =
        GenesysLoginEmulator.builder()
            .client("soak-client", "soak-secret", LIFETIME)
            // The API's per-token limit is not what this soak is about: 16 callers make about
            // 300 calls a second on one token.
            .apiRateLimit(Integer.MAX_VALUE)
            .start();

    private final Connections tokenConnections = new Connections();
    private final Connections apiConnections = new Connections();
    private final ConnectionProvider tokenPool =
        ConnectionProvider.builder("soak-token").maxConnections(8).build();
    private final ConnectionProvider apiPool =
        ConnectionProvider.builder("soak-api")
            .maxConnections(CALLERS)
            .pendingAcquireTimeout(CALL_TIMEOUT)
            .build();

    private final TokenProvider tokens =
        GenesysTokenProvider.builder()
            .clientId("soak-client")
            .clientSecret("soak-secret")
            .tokenUri(emulator.tokenUri())
            .requestTimeout(REQUEST_TIMEOUT)
            .maxRetries(MAX_RETRIES)
            .retryBackoff(MIN_BACKOFF, MAX_BACKOFF)
            .failureCooldown(COOLDOWN)
            .httpClient(tokenConnections.counting(HttpClient.create(tokenPool)))
            .build();

    private final WebClient api =
        WebClient.builder()
            .clientConnector(
                new ReactorClientHttpConnector(apiConnections.counting(HttpClient.create(apiPool))))
            .baseUrl(emulator.baseUri().toString())
            .filter(BearerTokenFilter.of(tokens))
            .build();

    private final LongAdder calls = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failedExpected = new LongAdder();
    private final LongAdder rejectedAfterRevocation = new LongAdder();
    private final Map<String, LongAdder> unexpected = new ConcurrentHashMap<>();
    private final List<String> firstUnexpected = new ArrayList<>();

    /** Nanos (System.nanoTime) of the last refused token request the monitor saw; 0 for none. */
    private final AtomicLong lastRefusalNanos = new AtomicLong();
    private final AtomicLong lastRevocationNanos = new AtomicLong();
    private final AtomicInteger revocations = new AtomicInteger();
    private final AtomicInteger queuedFaults = new AtomicInteger();
    private final List<Duration> outages = new ArrayList<>();
    private final List<String> stepsRun = new ArrayList<>();

    void latency(Duration latency) {
      emulator.latency(latency);
    }

    void queue(int count, Fault fault) {
      queuedFaults.addAndGet(count);
      emulator.failNextTokenRequests(count, fault);
    }

    synchronized void outage(Duration length) {
      outages.add(length);
      emulator.outage(length);
    }

    void revoke() {
      revocations.incrementAndGet();
      lastRevocationNanos.set(System.nanoTime());
      emulator.revokeAllTokens();
    }

    void run() throws IOException {
      long startNanos = System.nanoTime();
      long deadline = startNanos + DURATION.toNanos();
      Instant startedAt = Instant.now();

      Disposable monitor = monitorRefusals();
      Disposable plan = runPlan(deadline);
      Mono<Void> callers =
          Flux.range(0, CALLERS).flatMap(caller -> callerLoop(deadline), CALLERS).then().cache();
      callers.subscribe();

      // Measured here, on the test's thread: the file-descriptor count reads /proc.
      Mono.delay(WARM_UP).block();
      Measurement atWarmUp = Measurement.take(this);
      callers.block(DURATION.plus(CALL_TIMEOUT).plus(Duration.ofMinutes(1)));
      // Closed before the counters are read: its timer would go on refreshing without callers.
      tokens.close();
      long elapsedNanos = System.nanoTime() - startNanos;
      long tokenRequests = emulator.tokenRequests();
      long tokensIssued = emulator.tokensIssued();
      plan.dispose();
      monitor.dispose();
      emulator.clearFaults();
      Measurement atEnd = Measurement.take(this);

      long issuedBound =
          1 + (elapsedNanos / LIFETIME.dividedBy(2).toNanos()) + revocations.get();
      long outageRequests;
      synchronized (this) {
        outageRequests =
            outages.stream()
                .mapToLong(o -> (o.toNanos() / COOLDOWN.toNanos() + 1) * (MAX_RETRIES + 1))
                .sum();
      }
      long requestBound = issuedBound + queuedFaults.get() + outageRequests;

      report(
          startedAt, elapsedNanos, atWarmUp, atEnd, tokensIssued, issuedBound, tokenRequests, requestBound);

      assertThat(unexpected).as("unexpected failures, first ones: %s", firstUnexpected).isEmpty();
      assertThat(succeeded.sum()).as("calls that succeeded").isGreaterThan(calls.sum() / 2);
      assertThat(tokensIssued).as("tokens issued").isLessThanOrEqualTo(issuedBound);
      assertThat(tokenRequests).as("token requests").isLessThanOrEqualTo(requestBound);
      assertThat(atEnd.heapBytes)
          .as("heap after GC, end vs warm-up")
          .isLessThanOrEqualTo(atWarmUp.heapBytes + 32 * MIB);
      assertThat(atEnd.fds).as("open file descriptors").isLessThanOrEqualTo(atWarmUp.fds + 16);
      assertThat(atEnd.apiOpen).as("open API connections").isLessThanOrEqualTo(CALLERS);
      assertThat(atEnd.tokenOpen).as("open token connections").isLessThanOrEqualTo(8);
    }

    /** Samples the emulator's counters: a token request that was not answered a token was refused. */
    private Disposable monitorRefusals() {
      AtomicLong refused = new AtomicLong();
      return Flux.interval(Duration.ofMillis(100))
          .subscribe(
              tick -> {
                long now = emulator.tokenRequests() - emulator.tokensIssued();
                if (now > refused.getAndSet(now)) {
                  lastRefusalNanos.set(System.nanoTime());
                }
              });
    }

    private Disposable runPlan(long deadline) {
      return Flux.fromIterable(PLAN)
          .repeat()
          .concatMap(
              step ->
                  Mono.fromRunnable(
                          () -> {
                            emulator.latency(Duration.ZERO);
                            synchronized (this) {
                              stepsRun.add(step.name());
                            }
                            step.action().apply(this);
                          })
                      .then(Mono.delay(step.length())))
          .takeWhile(tick -> System.nanoTime() < deadline)
          .subscribe();
    }

    private Mono<Void> callerLoop(long deadline) {
      return Mono.defer(this::oneCall)
          .then(Mono.delay(THINK))
          .repeat(() -> System.nanoTime() < deadline)
          .then();
    }

    private Mono<Void> oneCall() {
      calls.increment();
      return api.get()
          .uri("/api/v2/users/me")
          .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
          .timeout(CALL_TIMEOUT)
          .doOnNext(this::judgeStatus)
          .doOnError(this::judgeFailure)
          .onErrorResume(e -> Mono.empty())
          .then();
    }

    private void judgeStatus(int status) {
      if (status == 200) {
        succeeded.increment();
      } else if (status == 401 && within(lastRevocationNanos.get(), Duration.ofSeconds(2))) {
        rejectedAfterRevocation.increment();
      } else {
        unexpected("HTTP " + status, null);
      }
    }

    private void judgeFailure(Throwable failure) {
      TokenException noToken = tokenException(failure);
      TokenStatus.Phase phase = tokens.status().phase();
      boolean noUsableToken =
          phase == TokenStatus.Phase.EXPIRED || phase == TokenStatus.Phase.EMPTY;
      if (noToken != null && noUsableToken && within(lastRefusalNanos.get(), FETCH_BUDGET)) {
        failedExpected.increment();
      } else {
        unexpected(
            (noToken != null ? "TokenException while " + phase : failure.getClass().getName()),
            failure);
      }
    }

    private static TokenException tokenException(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof TokenException) {
          return (TokenException) t;
        }
      }
      return null;
    }

    private void unexpected(String kind, Throwable failure) {
      unexpected.computeIfAbsent(kind, k -> new LongAdder()).increment();
      synchronized (firstUnexpected) {
        if (firstUnexpected.size() < 5) {
          firstUnexpected.add(
              Instant.now() + " " + kind + (failure == null ? "" : ": " + failure.getMessage()));
        }
      }
    }

    private static boolean within(long sinceNanos, Duration window) {
      return sinceNanos != 0 && System.nanoTime() - sinceNanos <= window.toNanos();
    }

    private void report(
        Instant startedAt,
        long elapsedNanos,
        Measurement atWarmUp,
        Measurement atEnd,
        long tokensIssued,
        long issuedBound,
        long tokenRequests,
        long requestBound) {
      StringBuilder out = new StringBuilder();
      out.append("\n=== soak report ===\n");
      out.append("started ").append(startedAt).append(", ran ")
          .append(Duration.ofNanos(elapsedNanos).toSeconds()).append(" s\n");
      out.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cpus, java ")
          .append(System.getProperty("java.vm.name")).append(' ')
          .append(System.getProperty("java.runtime.version")).append(", load average ")
          .append(String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
          .append(" at the end\n");
      out.append("callers ").append(CALLERS).append(", think ").append(THINK.toMillis())
          .append(" ms, token lifetime ").append(LIFETIME.toSeconds()).append(" s\n");
      out.append("calls ").append(calls.sum()).append(", succeeded ").append(succeeded.sum())
          .append(", failed while no token could be had ").append(failedExpected.sum())
          .append(", 401 after a revocation raced the replay ").append(rejectedAfterRevocation.sum())
          .append(", unexpected ").append(unexpected).append('\n');
      synchronized (this) {
        out.append("plan steps run ").append(stepsRun.size()).append(", revocations ")
            .append(revocations.get()).append(", queued faults ").append(queuedFaults.get())
            .append(", outages ").append(outages).append('\n');
      }
      out.append("tokens issued ").append(tokensIssued).append(" (bound ")
          .append(issuedBound).append("), token requests ").append(tokenRequests)
          .append(" (bound ").append(requestBound).append(")\n");
      out.append("at warm-up: ").append(atWarmUp).append('\n');
      out.append("at end:     ").append(atEnd).append('\n');
      out.append("connections opened: api ").append(apiConnections.opened.sum())
          .append(", token ").append(tokenConnections.opened.sum()).append('\n');
      System.out.println(out);
    }

    @Override
    public void close() {
      tokens.close();
      apiPool.disposeLater().block(Duration.ofSeconds(10));
      tokenPool.disposeLater().block(Duration.ofSeconds(10));
      emulator.close();
    }
  }

  /** Counts the client's connections: every channel opened, and those not closed yet. */
  private static final class Connections {
    final LongAdder opened = new LongAdder();
    final AtomicInteger open = new AtomicInteger();

    HttpClient counting(HttpClient client) {
      return client.doOnChannelInit(
          (observer, channel, remoteAddress) -> {
            opened.increment();
            open.incrementAndGet();
            channel.closeFuture().addListener(closed -> open.decrementAndGet());
          });
    }
  }

  /** Heap after GC, open file descriptors and open connections at one moment. */
  private record Measurement(long heapBytes, long fds, int apiOpen, int tokenOpen) {

    static Measurement take(Soak soak) {
      System.gc();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long fds;
      try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
        fds = open.count();
      } catch (IOException e) {
        fds = -1;
      }
      return new Measurement(heap, fds, soak.apiConnections.open.get(), soak.tokenConnections.open.get());
    }

    @Override
    public String toString() {
      return String.format(
          "heap after GC %.1f MiB, open fds %d, open connections api %d token %d",
          heapBytes / (double) MIB, fds, apiOpen, tokenOpen);
    }
  }
}

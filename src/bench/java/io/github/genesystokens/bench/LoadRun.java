package io.github.genesystokens.bench;

import io.github.genesystokens.TestClock;
import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * Runs the load scenarios against the emulator, in the report's order, and keeps their rows. The
 * loads (callers, durations, call budgets, faults) are here; what they mean is for {@link Judge},
 * how they read for {@link LoadSections}.
 */
final class LoadRun {

  /** Rounds of the repeated scenarios (cold herd, steady state, scaling); the median is kept. */
  static final int ROUNDS = 3;

  /** Calls in flight in every closed-loop scenario. */
  static final int CONCURRENCY = 16;

  /** The outage lengths of the recovery scenario for this library; the peer's is the last. */
  static final int[] RECOVERY_OUTAGES_SECONDS = {8, 9, 10, 11, 12, 13};

  /** The herd sizes of the scaling scenario. */
  static final int[] SCALING_HERDS = {10, 100, 1_000, 10_000};

  static LoadResults run(Scenarios sc) {
    Scenarios.log("cold herd");
    List<Row> coldHerd = sc.coldHerd(1000, ROUNDS);

    Scenarios.log("steady state");
    List<Scenarios.Steady> steady = sc.steadyState(CONCURRENCY, Duration.ofSeconds(3), ROUNDS);

    Scenarios.log("expiry under load");
    List<Row> expiry =
        sc.closedLoopEach(
            "expiry",
            List.of(Contender.LIBRARY, Contender.PEER),
            expiry(sc),
            CONCURRENCY,
            Duration.ofSeconds(12),
            2_000_000);

    Scenarios.log("throttle");
    List<Row> throttle = sc.faultedHerd("Genesys throttle", 100, 2, Fault.throttle());
    List<Row> retryAfter =
        sc.faultedHerd("429 Retry-After", 100, 1, Fault.tooManyRequests(Duration.ofSeconds(2)));

    Scenarios.log("outage");
    List<Row> outage =
        sc.closedLoopEach(
            "outage",
            List.of(Contender.LIBRARY, Contender.PEER),
            outage(sc),
            CONCURRENCY,
            Duration.ofSeconds(14),
            2_000_000);

    Scenarios.log("outage recovery");
    List<Scenarios.Recovery> recovery = new ArrayList<>();
    for (int seconds : RECOVERY_OUTAGES_SECONDS) {
      recovery.addAll(sc.outageRecovery(List.of(Contender.LIBRARY), Duration.ofSeconds(seconds)));
    }
    int longest = RECOVERY_OUTAGES_SECONDS[RECOVERY_OUTAGES_SECONDS.length - 1];
    recovery.addAll(sc.outageRecovery(List.of(Contender.PEER), Duration.ofSeconds(longest)));

    Scenarios.log("revoked");
    List<Row> revoked =
        sc.closedLoopEach(
            "revoked",
            List.of(Contender.LIBRARY, Contender.PEER, Contender.PEER_WITH_401_HANDLER),
            revoked(sc),
            CONCURRENCY,
            Duration.ofSeconds(4),
            2_000_000);

    Scenarios.log("wrong secret");
    List<Row> wrongSecret =
        sc.closedLoopEach(
            "wrong secret",
            List.of(Contender.LIBRARY, Contender.PEER),
            wrongSecret(sc),
            CONCURRENCY,
            Duration.ofSeconds(5),
            3_000_000);

    Scenarios.log("scaling");
    List<LoadResults.ScalingStep> scaling = new ArrayList<>();
    for (int callers : SCALING_HERDS) {
      List<Row> rows = sc.scaling(callers, ROUNDS);
      scaling.add(
          new LoadResults.ScalingStep(
              callers,
              Row.find(rows, Contender.LIBRARY),
              Row.find(rows, Contender.PEER),
              Row.find(rows, Scenarios.FLOOR)));
    }

    return new LoadResults(
        coldHerd,
        steady,
        expiry,
        throttle,
        retryAfter,
        outage,
        recovery,
        revoked,
        wrongSecret,
        scaling,
        errors(sc));
  }

  /** 3 s tokens; the peer's clock skew a tenth of that, since its 60 s default outlives them. */
  private static Scenarios.Setup expiry(Scenarios sc) {
    return new Scenarios.Setup() {
      @Override
      public GenesysLoginEmulator emulator(TestClock clock) {
        return Scenarios.emulator(Duration.ofSeconds(3), clock);
      }

      @Override
      public Contender contender(String name, GenesysLoginEmulator e, TestClock clock) {
        if (name.equals(Contender.LIBRARY)) {
          return sc.library(e, Scenarios.SECRET, clock);
        }
        Peer.Options o = new Peer.Options();
        o.clockSkew = Duration.ofMillis(300);
        o.clock = clock;
        return sc.peer(e, Scenarios.SECRET, o);
      }

      @Override
      public Disposable before(GenesysLoginEmulator e, TestClock clock, WebClient api) {
        Scenarios.warm(api);
        return Scenarios.nothing();
      }
    };
  }

  /**
   * 120 s tokens; after the warm-up the shared clock jumps to 1 s before both contenders renew, and
   * the login service answers 503 for 8 s.
   */
  private static Scenarios.Setup outage(Scenarios sc) {
    return new Scenarios.Setup() {
      @Override
      public GenesysLoginEmulator emulator(TestClock clock) {
        return Scenarios.emulator(Duration.ofSeconds(120), clock);
      }

      @Override
      public Contender contender(String name, GenesysLoginEmulator e, TestClock clock) {
        if (name.equals(Contender.LIBRARY)) {
          return sc.library(e, Scenarios.SECRET, clock);
        }
        Peer.Options o = new Peer.Options();
        o.clock = clock;
        return sc.peer(e, Scenarios.SECRET, o);
      }

      @Override
      public Disposable before(GenesysLoginEmulator e, TestClock clock, WebClient api) {
        Scenarios.warm(api);
        clock.jump(Duration.ofSeconds(59));
        e.outage(Duration.ofSeconds(8));
        return Scenarios.nothing();
      }
    };
  }

  /** 24 h tokens, all revoked 1 s into the load; the peer also with its recommended 401 handler. */
  private static Scenarios.Setup revoked(Scenarios sc) {
    return new Scenarios.Setup() {
      @Override
      public GenesysLoginEmulator emulator(TestClock clock) {
        return Scenarios.emulator(Duration.ofHours(24), clock);
      }

      @Override
      public Contender contender(String name, GenesysLoginEmulator e, TestClock clock) {
        if (name.equals(Contender.LIBRARY)) {
          return sc.library(e, Scenarios.SECRET, clock);
        }
        Peer.Options o = new Peer.Options();
        o.removeOn401 = name.equals(Contender.PEER_WITH_401_HANDLER);
        return sc.peer(name, e, Scenarios.SECRET, o);
      }

      @Override
      public Disposable before(GenesysLoginEmulator e, TestClock clock, WebClient api) {
        Scenarios.warm(api);
        return Scenarios.after(Duration.ofSeconds(1), e::revokeAllTokens);
      }
    };
  }

  /** Both contenders with a secret the emulator refuses; no warm-up, since it cannot succeed. */
  private static Scenarios.Setup wrongSecret(Scenarios sc) {
    return new Scenarios.Setup() {
      @Override
      public GenesysLoginEmulator emulator(TestClock clock) {
        return Scenarios.emulator(Duration.ofHours(24), clock);
      }

      @Override
      public Contender contender(String name, GenesysLoginEmulator e, TestClock clock) {
        return name.equals(Contender.LIBRARY)
            ? sc.library(e, "wrong-secret", clock)
            : sc.peer(e, "wrong-secret", new Peer.Options());
      }

      @Override
      public Disposable before(GenesysLoginEmulator e, TestClock clock, WebClient api) {
        return Scenarios.nothing();
      }
    };
  }

  /** A plain copy of the errors the scenarios collected, in the order the scenarios ran. */
  private static Map<String, Map<String, Long>> errors(Scenarios sc) {
    Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
    sc.errors.forEach(
        (scenario, errors) -> {
          Map<String, Long> byKind = new LinkedHashMap<>();
          errors.byKind.forEach((kind, count) -> byKind.put(kind, count.get()));
          copy.put(scenario, byKind);
        });
    return copy;
  }

  private LoadRun() {}
}

package io.github.genesystokens.bench;

import static io.github.genesystokens.bench.Format.count;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges the targets of issue 5 and finds where the peer did better: a pure function of what was
 * measured. The thresholds are here, and only here.
 */
final class Judge {

  private final List<Target> targets = new ArrayList<>();
  private final List<String> peerWins = new ArrayList<>();

  /** The load scenarios' targets first, then the hot path's, as the report lists them. */
  static Judgement judge(Measurements m) {
    Judge judge = new Judge();
    judge.load(m.load());
    judge.hotPath(m.hotPath());
    return new Judgement(judge.targets, judge.peerWins);
  }

  private void load(LoadResults r) {
    Row libHerd = Row.find(r.coldHerd(), Contender.LIBRARY);
    target(
        "cold herd of 1000: 1 token request",
        count(libHerd.tokenRequests()) + " token requests, " + count(libHerd.failed()) + " failed",
        libHerd.tokenRequests() == 1 && libHerd.failed() == 0);
    compare("cold herd", libHerd, Row.find(r.coldHerd(), Contender.PEER));

    Scenarios.Steady libSteady = r.steady(Contender.LIBRARY);
    Scenarios.Steady peerSteady = r.steady(Contender.PEER);
    target(
        "steady state: throughput with the filter / with a static header >= 0.95",
        Format.of("%.3f (peer %.3f)", libSteady.ratio(), peerSteady.ratio()),
        libSteady.ratio() >= 0.95);
    // A 2 % margin, within which two closed-loop runs on a shared machine are a tie.
    if (peerSteady.throughput() > libSteady.throughput() * 1.02) {
      peerWins.add(
          Format.of(
              "steady state: the peer's throughput (%.0f calls/s) is higher than this library's"
                  + " (%.0f calls/s)",
              peerSteady.throughput(), libSteady.throughput()));
    }

    // 12 s of load is 4 lifetimes of 3 s; the fifth request allows for one at the boundary.
    Row libExp = Row.find(r.expiry(), Contender.LIBRARY);
    double libNoRefreshP99 = libSteady.row().p99Millis();
    target(
        "expiry under load: one token request per lifetime",
        count(libExp.tokenRequests())
            + " token requests in 12 s = "
            + Format.of("%.1f", libExp.tokenRequests() / 4.0)
            + " per 3 s lifetime",
        libExp.tokenRequests() <= 5);
    target("expiry under load: 0 failed calls", count(libExp.failed()), libExp.failed() == 0);
    target(
        "expiry under load: max latency within the no-refresh p99",
        Format.of(
            "max %.2f ms, p99 %.2f ms vs no-refresh p99 %.2f ms; longest wait for a token in the"
                + " filter %.2f ms",
            libExp.maxMillis(), libExp.p99Millis(), libNoRefreshP99, libExp.maxAuthWaitMillis()),
        libExp.maxMillis() <= libNoRefreshP99);
    compare("expiry under load", libExp, Row.find(r.expiry(), Contender.PEER));

    Row libThr = Row.find(r.throttle(), Contender.LIBRARY);
    Row libTm = Row.find(r.retryAfter(), Contender.LIBRARY);
    // Issue 5's target here was "every call succeeds, 3 token requests", with the throttle retried
    // after 1 to 4 s. Issue 14 retries it after 10 s to 30 s (its window is about a minute) and
    // answers the callers at once instead of holding them (docs/design.md, "Restart storms"):
    // the target is what that design promises within this scenario.
    target(
        "throttle x2: callers answered at once (max under 1 s) while the fetch waits 10 s to 30 s,"
            + " 1 token request meanwhile",
        count(libThr.tokenRequests())
            + " token requests, "
            + count(libThr.failed())
            + " calls answered with the failure, max "
            + Format.of("%.1f ms", libThr.maxMillis()),
        libThr.tokenRequests() == 1 && libThr.maxMillis() < 1000);
    target(
        "429 + Retry-After 2 s: success after the advised wait, 2 token requests",
        count(libTm.tokenRequests())
            + " token requests, "
            + count(libTm.failed())
            + " failed, p50 "
            + Format.of("%.0f ms", libTm.p50Millis()),
        libTm.failed() == 0 && libTm.tokenRequests() == 2 && libTm.p50Millis() >= 2000);
    compare("Genesys throttle", libThr, Row.find(r.throttle(), Contender.PEER));
    compare("429 + Retry-After", libTm, Row.find(r.retryAfter(), Contender.PEER));

    Row libOut = Row.find(r.outage(), Contender.LIBRARY);
    target(
        "login outage of 8 s while the token is valid: 0 failed calls",
        count(libOut.failed()) + " failed, max latency " + Format.of("%.1f ms", libOut.maxMillis()),
        libOut.failed() == 0);
    compare("login outage", libOut, Row.find(r.outage(), Contender.PEER));

    // Issue 13: one backoff step of the default schedule is at most 3 s (the second, 1 to 3 s).
    double slowest = 0;
    for (Scenarios.Recovery rec : r.recovery()) {
      if (rec.contender().equals(Contender.LIBRARY)) {
        double ms = rec.recoveryMillis() < 0 ? Double.POSITIVE_INFINITY : rec.recoveryMillis();
        slowest = Math.max(slowest, ms);
      }
    }
    target(
        "login outage on a cold cache: first success within 3 s (one backoff step) of its end",
        Format.of("slowest %.0f ms", slowest),
        slowest <= 3000);

    // Compared with the peer's best setup here, the one that acts on 401s at all.
    Row libRev = Row.find(r.revoked(), Contender.LIBRARY);
    target(
        "revoked token: 0 failed calls, one new token",
        count(libRev.failed()) + " failed, " + count(libRev.tokenRequests()) + " token requests",
        libRev.failed() == 0 && libRev.tokenRequests() == 1);
    compare("revoked token", libRev, Row.find(r.revoked(), Contender.PEER_WITH_401_HANDLER));

    // 5 s of load with a 5 s cooldown: the first request, and one more if the loop outlives it.
    Row libWrong = Row.find(r.wrongSecret(), Contender.LIBRARY);
    target(
        "wrong secret for 5 s: at most one token request per 5 s cooldown",
        count(libWrong.tokenRequests())
            + " token requests for "
            + count(libWrong.calls())
            + " calls",
        libWrong.tokenRequests() <= 2);
    Row peerWrong = Row.find(r.wrongSecret(), Contender.PEER);
    if (peerWrong.tokenRequests() < libWrong.tokenRequests()) {
      peerWins.add("wrong secret: the peer made fewer token requests");
    }

    scaling(r.scaling());
  }

  private void scaling(List<LoadResults.ScalingStep> steps) {
    List<Double> libP99 = new ArrayList<>();
    boolean oneEach = true;
    for (LoadResults.ScalingStep step : steps) {
      libP99.add(step.library().p99Millis());
      oneEach &= step.library().tokenRequests() == 1 && step.library().failed() == 0;
      compare("scaling " + step.callers(), step.library(), step.peer());
    }
    target(
        "scaling: 1 token request at every herd size",
        oneEach ? "1 at 10, 100, 1 000 and 10 000" : "more than 1 somewhere, see the table",
        oneEach);
    target(
        "scaling: p99 wait flat as the herd grows",
        Format.of(
            "p99 %.1f / %.1f / %.1f / %.1f ms",
            libP99.get(0), libP99.get(1), libP99.get(2), libP99.get(3)),
        libP99.get(3) <= 2 * libP99.get(0));
  }

  private void hotPath(Map<String, HotPathRun.Result> jmh) {
    HotPathRun.Result tokenFloor = jmh.get(HotPathSection.TOKEN_FLOOR);
    HotPathRun.Result tokenLib = jmh.get("tokenLibrary");
    HotPathRun.Result tokenPeer = jmh.get("tokenPeer");
    if (tokenLib != null && tokenFloor != null && tokenPeer != null) {
      target(
          "hot path: `token()` within 1.5x of the `Mono.just` floor",
          Format.of(
              "%.2fx (%.0f ns vs %.0f ns)",
              tokenLib.nanosPerOp() / tokenFloor.nanosPerOp(),
              tokenLib.nanosPerOp(),
              tokenFloor.nanosPerOp()),
          tokenLib.nanosPerOp() <= 1.5 * tokenFloor.nanosPerOp());
      target(
          "hot path: `token()` at least 10x cheaper than the peer's cached `authorize`",
          Format.of(
              "%.1fx cheaper (%.0f ns vs %.0f ns; %.0f B vs %.0f B)",
              tokenPeer.nanosPerOp() / tokenLib.nanosPerOp(),
              tokenLib.nanosPerOp(),
              tokenPeer.nanosPerOp(),
              tokenLib.bytesPerOp(),
              tokenPeer.bytesPerOp()),
          tokenPeer.nanosPerOp() >= 10 * tokenLib.nanosPerOp());
      if (tokenPeer.nanosPerOp() < tokenLib.nanosPerOp()) {
        peerWins.add("hot path: the peer's cached `authorize` is faster than `token()`");
      }
    }
    HotPathRun.Result filterFloor = jmh.get(HotPathSection.FILTER_FLOOR);
    HotPathRun.Result filterLib = jmh.get("filterLibrary");
    HotPathRun.Result filterPeer = jmh.get("filterPeer");
    if (filterLib != null && filterFloor != null && filterPeer != null) {
      target(
          "hot path: filter within 1.5x of the constant-header floor",
          Format.of(
              "%.2fx (%.0f ns vs %.0f ns; %.0f B vs %.0f B)",
              filterLib.nanosPerOp() / filterFloor.nanosPerOp(),
              filterLib.nanosPerOp(),
              filterFloor.nanosPerOp(),
              filterLib.bytesPerOp(),
              filterFloor.bytesPerOp()),
          filterLib.nanosPerOp() <= 1.5 * filterFloor.nanosPerOp());
      target(
          "hot path: filter at least 10x cheaper than the peer's filter",
          Format.of(
              "%.1fx cheaper (%.0f ns vs %.0f ns)",
              filterPeer.nanosPerOp() / filterLib.nanosPerOp(),
              filterLib.nanosPerOp(),
              filterPeer.nanosPerOp()),
          filterPeer.nanosPerOp() >= 10 * filterLib.nanosPerOp());
      if (filterPeer.nanosPerOp() < filterLib.nanosPerOp()) {
        peerWins.add("hot path: the peer's filter is faster than this library's");
      }
    }
  }

  /**
   * Records where the peer did better in one scenario: fewer failed calls or token requests, or a
   * p99 or max latency lower by more than 10 % and 1 ms (less is noise between single runs).
   */
  private void compare(String scenario, Row lib, Row peer) {
    List<String> better = new ArrayList<>();
    if (peer.failed() < lib.failed()) {
      better.add(
          "fewer failed calls (" + count(peer.failed()) + " vs " + count(lib.failed()) + ")");
    }
    if (peer.tokenRequests() < lib.tokenRequests()) {
      better.add(
          "fewer token requests ("
              + count(peer.tokenRequests())
              + " vs "
              + count(lib.tokenRequests())
              + ")");
    }
    if (peer.p99Millis() < lib.p99Millis() * 0.9 && lib.p99Millis() - peer.p99Millis() > 1) {
      better.add(Format.of("lower p99 (%.1f ms vs %.1f ms)", peer.p99Millis(), lib.p99Millis()));
    }
    if (peer.maxMillis() < lib.maxMillis() * 0.9 && lib.maxMillis() - peer.maxMillis() > 1) {
      better.add(
          Format.of("lower max latency (%.1f ms vs %.1f ms)", peer.maxMillis(), lib.maxMillis()));
    }
    if (!better.isEmpty()) {
      peerWins.add(scenario + ": " + String.join(", ", better));
    }
  }

  private void target(String promise, String measured, boolean met) {
    targets.add(new Target(promise, measured, met));
  }

  private Judge() {}
}

package io.github.genesystokens.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 1 of the report: one row per JMH benchmark, each with its ratio to its floor. Every
 * benchmark that ran gets a row; {@link #LABELS} only says what a row is and where it goes.
 */
final class HotPathSection {

  static final String TOKEN_FLOOR = "tokenFloor";
  static final String FILTER_FLOOR = "filterFloor";

  /** What a benchmark measures and the floor it is compared with. */
  private record Label(String what, String floor) {}

  /**
   * The rows in the report's order, by benchmark method name. A benchmark missing from here still
   * gets a row, after these, labelled with its name and compared with the floor of its prefix
   * ({@code tokenX} with {@code tokenFloor}); one listed here that did not run shows as missing.
   */
  private static final Map<String, Label> LABELS = new LinkedHashMap<>();

  static {
    label(TOKEN_FLOOR, "`Mono.just(token)` subscribed (floor)", TOKEN_FLOOR);
    label("tokenLibrary", "this library: `provider.token()` subscribed", TOKEN_FLOOR);
    label(
        "tokenPeer",
        "Spring Security: `manager.authorize(request)` subscribed (cached)",
        TOKEN_FLOOR);
    label("tokenPoolOfOne", "`poolSize(1)`: the single-token provider's `token()`", TOKEN_FLOOR);
    label(
        "tokenPoolOfFive",
        "`poolSize(5)`, one token in use with headroom: `token()`",
        TOKEN_FLOOR);
    label(
        "tokenPoolOfFiveOverLimit",
        "`poolSize(5)`, all five tokens over 300 a minute: `token()` (slow path)",
        TOKEN_FLOOR);
    label(
        "clockInstant",
        "reference: `Clock.systemUTC().instant()`, which `token()` reads per call",
        TOKEN_FLOOR);
    label(FILTER_FLOOR, "filter setting a constant `Authorization` header (floor)", FILTER_FLOOR);
    label("filterLibrary", "this library: `BearerTokenFilter.filter(...)`", FILTER_FLOOR);
    label(
        "filterPeer",
        "Spring Security: `ServerOAuth2AuthorizedClientExchangeFilterFunction`",
        FILTER_FLOOR);
  }

  private static void label(String benchmark, String what, String floor) {
    LABELS.put(benchmark, new Label(what, floor));
  }

  static String render(Map<String, HotPathRun.Result> jmh) {
    StringBuilder s = new StringBuilder();
    s.append("## 1. Hot path (JMH)\n\n");
    s.append(
        "A cached, FRESH 24 h token; one subscription per operation with a minimal subscriber;"
            + " the filter with a stub `ExchangeFunction` that answers a prebuilt 200 response."
            + " Median of 5 one-second iterations after 3 of warm-up, 1 fork, 1 thread;"
            + " B/op from `-prof gc` (`gc.alloc.rate.norm`).\n\n");
    s.append("| benchmark | what | ns/op | B/op | ns vs floor | B vs floor |\n");
    s.append("|---|---|---:|---:|---:|---:|\n");
    for (String benchmark : rowOrder(jmh)) {
      Label label = LABELS.getOrDefault(benchmark, new Label(benchmark, floorByPrefix(benchmark)));
      s.append(row(benchmark, label.what(), jmh.get(benchmark), jmh.get(label.floor())));
    }
    s.append('\n');
    s.append(
        "`token()` reads the injected `Clock` on every call (the `clockInstant` row), so that a"
            + " token's phase is judged on absolute instants even when a timer fired late (a"
            + " suspended machine, a long pause); that read is most of its distance to the floor,"
            + " and it allocates nothing beyond the floor. The filter adds to `token()` the request"
            + " copy with the header (as the floor does) and the check of the response for a"
            + " 401.\n\n");
    return s.toString();
  }

  /** The labelled benchmarks in their order, then any others that ran, in JMH's order. */
  private static List<String> rowOrder(Map<String, HotPathRun.Result> jmh) {
    List<String> order = new ArrayList<>(LABELS.keySet());
    for (String benchmark : jmh.keySet()) {
      if (!order.contains(benchmark)) {
        order.add(benchmark);
      }
    }
    return order;
  }

  /** {@code tokenWithListener} to {@code tokenFloor}: the lower-case start of the name. */
  private static String floorByPrefix(String benchmark) {
    int end = 0;
    while (end < benchmark.length() && Character.isLowerCase(benchmark.charAt(end))) {
      end++;
    }
    return benchmark.substring(0, end) + "Floor";
  }

  private static String row(
      String benchmark, String what, HotPathRun.Result r, HotPathRun.Result floor) {
    if (r == null) {
      return "| " + benchmark + " | " + what + " | missing | | | |\n";
    }
    // A benchmark without a floor that ran still shows its own numbers.
    String nanosRatio =
        floor == null ? "-" : Format.of("%.2fx", r.nanosPerOp() / floor.nanosPerOp());
    String bytesRatio =
        floor == null
            ? "-"
            : Format.of(
                "%.2fx",
                floor.bytesPerOp() == 0 ? Double.NaN : r.bytesPerOp() / floor.bytesPerOp());
    return Format.of(
        "| %s | %s | %.0f | %.0f | %s | %s |\n",
        benchmark, what, r.nanosPerOp(), r.bytesPerOp(), nanosRatio, bytesRatio);
  }

  private HotPathSection() {}
}

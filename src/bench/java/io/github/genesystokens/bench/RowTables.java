package io.github.genesystokens.bench;

import static io.github.genesystokens.bench.Format.count;
import static io.github.genesystokens.bench.Format.millisOrDash;

import java.util.List;

/** The tables of the load scenarios: one line per contender, the columns of {@link Row}. */
final class RowTables {

  static String table(List<Row> rows) {
    StringBuilder s = new StringBuilder();
    s.append(
        "| contender | token requests | calls | failed | 401s seen | p50 ms | p99 ms | max ms | max"
            + " auth wait ms |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      s.append(
          Format.of(
              "| %s | %s | %s | %s | %s | %.1f | %.1f | %.1f | %s |\n",
              r.contender(),
              count(r.tokenRequests()),
              count(r.calls()),
              count(r.failed()),
              count(r.unauthorized()),
              r.p50Millis(),
              r.p99Millis(),
              r.maxMillis(),
              millisOrDash(r.maxAuthWaitMillis())));
    }
    s.append('\n');
    return s.toString();
  }

  /**
   * The same with a last column from the steady state: the contender's p99 when no token is ever
   * renewed, the reference for the latency a refresh may add. Two decimals, as those latencies are
   * a few milliseconds.
   */
  static String tableWithNoRefreshP99(List<Row> rows, LoadResults results) {
    StringBuilder s = new StringBuilder();
    s.append(
        "| contender | token requests | calls | failed | 401s seen | p50 ms | p99 ms | max ms | max"
            + " auth wait ms | no-refresh p99 ms |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      Scenarios.Steady ref = results.steady(r.contender());
      s.append(
          Format.of(
              "| %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %s | %.2f |\n",
              r.contender(),
              count(r.tokenRequests()),
              count(r.calls()),
              count(r.failed()),
              count(r.unauthorized()),
              r.p50Millis(),
              r.p99Millis(),
              r.maxMillis(),
              millisOrDash(r.maxAuthWaitMillis()),
              ref == null ? Double.NaN : ref.row().p99Millis()));
    }
    s.append('\n');
    return s.toString();
  }

  private RowTables() {}
}

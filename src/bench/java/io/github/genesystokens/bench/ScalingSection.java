package io.github.genesystokens.bench;

import static io.github.genesystokens.bench.Format.count;

import java.util.Map;

/** Section 3 of the report, the scaling herd, and the closing list of the errors callers saw. */
final class ScalingSection {

  static String render(LoadResults r) {
    StringBuilder s = new StringBuilder();
    s.append("## 3. Scaling: the cold herd from 10 to 10 000 callers\n\n");
    s.append(
        "Bare token acquisition (`provider.token()` / `manager.authorize(...)`, no API call) by"
            + " N callers subscribed at once on a cold cache, token endpoint latency 100 ms. Median"
            + " of "
            + LoadRun.ROUNDS
            + " rounds per column; \"wait\" is from subscription to the token.\n\n");
    s.append(
        "The last columns are the harness's own floor: every caller waits on an independent"
            + " `Mono.delay(100 ms)`, nothing shared, no I/O; what it adds above 100 ms is the cost"
            + " of subscribing and timing N callers on this machine.\n\n");
    s.append(
        "| callers | this library: token requests | failed | p50 wait ms | p99 wait ms | max wait"
            + " ms | Spring Security: token requests | failed | p50 wait ms | p99 wait ms | max"
            + " wait ms | floor: p50 ms | p99 ms | max ms |\n");
    s.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (LoadResults.ScalingStep step : r.scaling()) {
      Row l = step.library();
      Row p = step.peer();
      Row f = step.floor();
      s.append(
          Format.of(
              "| %d | %s | %s | %.1f | %.1f | %.1f | %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f |"
                  + " %.1f |\n",
              step.callers(),
              count(l.tokenRequests()),
              count(l.failed()),
              l.p50Millis(),
              l.p99Millis(),
              l.maxMillis(),
              count(p.tokenRequests()),
              count(p.failed()),
              p.p50Millis(),
              p.p99Millis(),
              p.maxMillis(),
              f.p50Millis(),
              f.p99Millis(),
              f.maxMillis()));
    }
    s.append('\n');
    s.append(errors(r.errors()));
    return s.toString();
  }

  /** Backticks in a message become quotes, so that a message cannot end its code span early. */
  private static String errors(Map<String, Map<String, Long>> errors) {
    StringBuilder s = new StringBuilder();
    s.append("## Errors seen\n\n");
    s.append(
        "The distinct errors callers received, per scenario and contender (first 8 kinds, with"
            + " counts).\n\n");
    boolean any = false;
    for (Map.Entry<String, Map<String, Long>> e : errors.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      any = true;
      s.append("- ").append(e.getKey()).append(":\n");
      for (Map.Entry<String, Long> k : e.getValue().entrySet()) {
        s.append("  - ")
            .append(k.getValue())
            .append(" x `")
            .append(k.getKey().replace('`', '\''))
            .append("`\n");
      }
    }
    if (!any) {
      s.append("None.\n");
    }
    s.append('\n');
    return s.toString();
  }

  private ScalingSection() {}
}

package io.github.genesystokens.bench;

import java.util.List;
import java.util.Map;

/**
 * What the load scenarios measured, one field per scenario in the report's order: rows of numbers,
 * no judgement and no prose.
 *
 * @param retryAfter the herd whose first token request is answered 429 with {@code Retry-After}
 * @param recovery the login outage on a cold cache, at several lengths: the recovery after it
 * @param errors per "scenario / contender", the distinct errors callers received and their counts
 */
record LoadResults(
    List<Row> coldHerd,
    List<Scenarios.Steady> steady,
    List<Row> expiry,
    List<Row> throttle,
    List<Row> retryAfter,
    List<Row> outage,
    List<Scenarios.Recovery> recovery,
    List<Row> revoked,
    List<Row> wrongSecret,
    List<ScalingStep> scaling,
    Map<String, Map<String, Long>> errors) {

  /** One herd size of the scaling scenario: each contender's row and the harness's floor. */
  record ScalingStep(int callers, Row library, Row peer, Row floor) {}

  /** A contender's steady-state result, or null if it was not measured there. */
  Scenarios.Steady steady(String contender) {
    for (Scenarios.Steady s : steady) {
      if (s.row().contender().equals(contender)) {
        return s;
      }
    }
    return null;
  }
}

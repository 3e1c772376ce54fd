package io.github.genesystokens.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** One contender's result in one scenario: the columns every load table has. */
record Row(
    String contender,
    double tokenRequests,
    double calls,
    double failed,
    double unauthorized,
    double p50Millis,
    double p99Millis,
    double maxMillis,
    double maxAuthWaitMillis) {

  static Row of(String contender, long tokenRequests, long unauthorized, Load.Stats stats) {
    return of(contender, tokenRequests, unauthorized, stats, Double.NaN);
  }

  /** With the longest time a call spent in the authentication filter before reaching the wire. */
  static Row of(
      String contender, long tokenRequests, long unauthorized, Load.Stats stats, double authWait) {
    return new Row(
        contender,
        tokenRequests,
        stats.calls(),
        stats.failed(),
        unauthorized,
        stats.p50Nanos() / 1e6,
        stats.p99Nanos() / 1e6,
        stats.maxNanos() / 1e6,
        authWait);
  }

  /** Each column's median over rounds (so a row may combine values of different rounds). */
  static Row median(List<Row> rounds) {
    return new Row(
        rounds.get(0).contender(),
        med(rounds, Row::tokenRequests),
        med(rounds, Row::calls),
        med(rounds, Row::failed),
        med(rounds, Row::unauthorized),
        med(rounds, Row::p50Millis),
        med(rounds, Row::p99Millis),
        med(rounds, Row::maxMillis),
        med(rounds, Row::maxAuthWaitMillis));
  }

  /** The row of the named contender; a scenario that lost one is a bug of the harness. */
  static Row find(List<Row> rows, String contender) {
    for (Row r : rows) {
      if (r.contender().equals(contender)) {
        return r;
      }
    }
    throw new IllegalStateException("no row for " + contender);
  }

  private static double med(List<Row> rounds, ToDoubleFunction<Row> column) {
    List<Double> values = new ArrayList<>();
    for (Row r : rounds) {
      values.add(column.applyAsDouble(r));
    }
    return Load.median(values);
  }
}

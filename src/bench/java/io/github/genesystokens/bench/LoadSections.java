package io.github.genesystokens.bench;

import static io.github.genesystokens.bench.Format.count;
import static io.github.genesystokens.bench.LoadRun.CONCURRENCY;
import static io.github.genesystokens.bench.LoadRun.ROUNDS;
import static io.github.genesystokens.bench.RowTables.table;

/**
 * Section 2 of the report: each load scenario, what it does and its table. The loads the prose
 * states (callers, durations, faults) are those {@link LoadRun} runs; change both together.
 */
final class LoadSections {

  static String render(LoadResults r) {
    StringBuilder s = new StringBuilder();
    s.append("## 2. Load scenarios (WebClient against the emulator)\n\n");
    s.append(
        "Each row: token requests the emulator received, API calls made, calls that failed (an"
            + " error or a final non-2xx status), 401s the API answered (counted on the wire, below"
            + " the authentication filter, so a 401 the filter recovered from is still counted),"
            + " and the latency of a whole call as the caller saw it. *Max auth wait* is the"
            + " longest time one call spent inside the authentication filter before its request"
            + " reached the wire, i.e. waiting for a token (stamped by a filter outside it and read"
            + " by one inside it; the replay after a 401 counts from the call's start).\n\n");

    s.append("### Cold herd: 1000 concurrent calls, token endpoint latency 100 ms\n\n");
    s.append(
        "1000 calls arrive at one instant on a cold cache, as a burst of requests reaches a"
            + " server: each is subscribed on `Schedulers.parallel()` and timed from the herd's"
            + " start, so a call that waited before it could be subscribed counts that wait. The"
            + " emulator's latency applies to every reply, so a call that needs a token takes at"
            + " least 200 ms (token, then API). The static header (its one token fetched before the"
            + " herd) is the floor: the same burst of API calls with no token to wait for. Median"
            + " of "
            + ROUNDS
            + " rounds, each column on its own.\n\n");
    s.append(table(r.coldHerd()));
    s.append(
        "*Max auth wait* is when the token reached the callers. After it, this library's 1000"
            + " callers send their API calls at once, all with the one token; a peer's caller that"
            + " finds no token cached requests its own, so the login service pays for every caller"
            + " that arrives before the first token does. Before issue 13 the herd was subscribed"
            + " by one thread, one call after another, and each call timed from its own"
            + " subscription: the peer's costlier subscriptions then spread its calls over a second,"
            + " most of them found a token cached and were timed as the API's 100 ms alone, so the"
            + " table measured the harness's loop rather than a herd.\n\n");

    s.append("### Steady state: throughput with a cached token\n\n");
    s.append(
        "24 h tokens, closed loop of "
            + CONCURRENCY
            + " calls in flight, 3 s per contender per round, "
            + ROUNDS
            + " rounds after a 1 s warm-up each; the ratio is the contender's throughput over the"
            + " static header's in the same round (median of the rounds). Client and emulator share"
            + " the 2 cores, so the ratio measures the client's overhead within a loopback"
            + " call.\n\n");
    s.append(
        "| contender | calls/s | ratio to static header | token requests | calls | failed | 401s"
            + " seen | p50 ms | p99 ms | max ms |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Scenarios.Steady st : r.steady()) {
      Row row = st.row();
      s.append(
          Format.of(
              "| %s | %.0f | %.3f | %s | %s | %s | %s | %.2f | %.2f | %.2f |\n",
              row.contender(),
              st.throughput(),
              st.ratio(),
              count(row.tokenRequests()),
              count(row.calls()),
              count(row.failed()),
              count(row.unauthorized()),
              row.p50Millis(),
              row.p99Millis(),
              row.maxMillis()));
    }
    s.append('\n');

    s.append("### Expiry under load: 3 s tokens, 12 s at concurrency " + CONCURRENCY + "\n\n");
    s.append(
        "The emulator issues 3 s tokens; one warm-up call, then 12 s of closed-loop load (4 token"
            + " lifetimes; the first token was fetched by the warm-up and is not counted). This"
            + " library with its defaults (refresh from half the lifetime, expiry margin a tenth)."
            + " The peer's `clockSkew` is set to 300 ms (a tenth of the lifetime): with its 60 s"
            + " default every 3 s token is born expired and it requests one per call. One run each."
            + " Reference: the no-refresh p99 of the same contender in the steady state above.\n\n"
            + "This library starts the refresh at `min(refreshAhead, lifetime / 2)` before expiry"
            + " (`docs/design.md`), so a 3 s token is renewed every 1.5 s: two token requests per"
            + " lifetime, by design; for tokens of 10 minutes and more (Genesys issues 24 h by"
            + " default) the 5 min margin applies and it is one per lifetime.\n\n");
    s.append(RowTables.tableWithNoRefreshP99(r.expiry(), r));

    s.append("### Throttle: the first token requests refused\n\n");
    s.append(
        "100 concurrent calls on a cold cache. (a) The first 2 token requests answered with the"
            + " Genesys throttle (HTTP 400 `invalid_request`, \"rate limit exceeded; ...\", no"
            + " `Retry-After`); (b) the first one answered 429 with `Retry-After: 2`. One run each."
            + " Neither the peer nor its token client retries token requests.\n\n");
    s.append("(a) Genesys throttle x2\n\n");
    s.append(table(r.throttle()));
    s.append(
        "This library retries the throttle after 10 s to 30 s (its window is about a minute) and"
            + " answers the callers of such a fetch at once with a retryable `TokenException` while"
            + " the fetch waits in the background (docs/design.md, \"Restart storms\"), so within"
            + " this scenario every call fails fast and the fetch's next request is still to come."
            + " The peer's calls succeed because it sends a token request per caller and this fault"
            + " refuses only the first 2; the real throttle refuses every request of its window,"
            + " and tens of token requests at once are what trips it. What a fleet sees against a"
            + " throttle with a window is measured by `FleetStorm` (benchmarks-by-hand.md,"
            + " \"Restart storm\").\n\n");
    s.append("(b) 429 + `Retry-After: 2`\n\n");
    s.append(table(r.retryAfter()));

    s.append("### Login outage while the token is valid: 8 s of 503\n\n");
    s.append(
        "120 s tokens. After one warm-up call, the clock shared by the emulator and both clients"
            + " jumps 59 s ahead, to 1 s before both renew (this library: half the lifetime; the"
            + " peer: 60 s clock skew before expiry), and the login service answers 503 for the"
            + " next 8 s while the API keeps accepting the token, which stays valid until 120 s."
            + " 14 s of load at concurrency "
            + CONCURRENCY
            + ", one run each; the token requests include the failed ones and retries.\n\n");
    s.append(table(r.outage()));

    s.append("### Login outage on a cold cache: recovery after it ends\n\n");
    s.append(
        "No token yet; the login service answers 503 from the start for 8 to 13 s (from 8 s the"
            + " outage outlasts this library's first fetch, whose 3 retries take 4 to 10.5 s), and"
            + " a closed loop at concurrency "
            + CONCURRENCY
            + " runs until 6 s after it. *Recovery* is the time from the outage's end to the first"
            + " successful call. This library refuses callers during its 5 s failure cooldown and"
            + " probes the service once per backoff step meanwhile (docs/design.md, \"Recovery"
            + " probe\"), so it should recover within one step; the peer caches no failure and"
            + " requests a token per call. One run per length.\n\n");
    s.append("| contender | outage s | token requests | calls | failed | recovery ms |\n");
    s.append("|---|---:|---:|---:|---:|---:|\n");
    for (Scenarios.Recovery rec : r.recovery()) {
      s.append("| ")
          .append(rec.contender())
          .append(" | ")
          .append(rec.outage().toSeconds())
          .append(" | ")
          .append(count(rec.tokenRequests()))
          .append(" | ")
          .append(count(rec.calls()))
          .append(" | ")
          .append(count(rec.failed()))
          .append(" | ")
          .append(rec.recoveryMillis() < 0 ? "none" : Format.of("%.0f", rec.recoveryMillis()))
          .append(" |\n");
    }
    s.append("\n");

    s.append("### Revoked token: the API starts answering 401 for the current token\n\n");
    s.append(
        "24 h tokens, one warm-up call, then 4 s of load at concurrency "
            + CONCURRENCY
            + "; after 1 s the emulator revokes every token issued so far. The peer is run twice:"
            + " as configured everywhere else (its filter built from the manager does not act on"
            + " 401s, as its javadoc says), and with the"
            + " `RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler` its javadoc"
            + " recommends, which drops the token on 401 but does not replay the request. One run"
            + " each; token requests counted after the warm-up.\n\n");
    s.append(table(r.revoked()));

    s.append("### Wrong secret under load: 5 s of calls\n\n");
    s.append(
        "The client's secret is wrong (`invalid_client`, \"authentication failed\", HTTP 401 from"
            + " the token endpoint); 5 s of closed-loop load at concurrency "
            + CONCURRENCY
            + ", at most 3 000 000 calls. Every call fails, as it must; the question is how hard"
            + " the login service is hit. This library's failure cooldown is 5 s (its default). One"
            + " run each.\n\n");
    s.append(table(r.wrongSecret()));
    return s.toString();
  }

  private LoadSections() {}
}

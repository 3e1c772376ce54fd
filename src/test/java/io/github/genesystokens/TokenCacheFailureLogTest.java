package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;

/**
 * A refresh that fails while the cached token is still valid is one WARN saying the token is still
 * served, and the refreshes failing after it, until a success, log below WARN.
 */
class TokenCacheFailureLogTest {

  private static final Duration DAY = Duration.ofHours(24);

  private final TestLogger logs = new TestLogger(false);
  private VirtualTimeScheduler time;
  private FakeTokenEndpoint endpoint;
  private TokenCache cache;

  @BeforeEach
  void virtualTime() {
    LoggerUtils.enableCaptureWith(logs, false);
    time = VirtualTimeScheduler.create();
    TestClock clock = TestClock.following(time);
    endpoint = new FakeTokenEndpoint(clock, time);
    cache =
        new TokenCache(
            endpoint,
            new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60)),
            clock,
            time,
            Duration.ofSeconds(5),
            "test",
            () -> {});
  }

  @AfterEach
  void release() {
    cache.close();
    LoggerUtils.disableCapture();
  }

  @Test
  void failedRefreshesOfAValidTokenWarnOnceThatItIsStillServed() {
    cache.token().subscribe();
    time.advanceTimeBy(Duration.ofSeconds(1));
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("login service down"));
    time.advanceTimeBy(DAY.minusMinutes(5)); // STALE: the timer's refresh fails
    time.advanceTimeBy(Duration.ofSeconds(30)); // and the timer's retries after each cooldown
    assertThat(endpoint.fetches()).isGreaterThan(3);

    List<String> warnings = logs.getErrContent().lines().toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains("[ WARN]")
        .contains("refresh failed; still serving the current token until")
        .contains("login service down");
  }

  @Test
  void theRecoveryLineNamesWhenTheFailuresBeganNotTheLastOne() {
    endpoint.failAlways(FakeTokenEndpoint.transientFailure("login service down"));
    cache.token().subscribe(null, e -> {}); // fails at 0.1 s
    time.advanceTimeBy(Duration.ofSeconds(6));
    cache.token().subscribe(null, e -> {}); // after the cooldown: fails again at 6.1 s
    time.advanceTimeBy(Duration.ofSeconds(6));
    endpoint.failAlways(null);
    cache.token().subscribe(null, e -> {}); // at 12 s: a token
    time.advanceTimeBy(Duration.ofSeconds(1));

    assertThat(endpoint.fetches()).isEqualTo(3);
    List<String> info =
        logs.getOutContent().lines().filter(l -> l.contains("[ INFO]")).toList();
    assertThat(info).hasSize(1);
    assertThat(info.get(0))
        .contains("token request succeeded again, after failures since 2026-01-01T00:00:00.100Z;");
  }
}

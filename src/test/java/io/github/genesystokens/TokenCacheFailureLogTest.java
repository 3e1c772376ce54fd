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
}

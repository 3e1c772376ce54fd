package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The pool of tokens ({@code poolSize}) against the emulator on 127.0.0.1. The provider's clock is
 * stopped and jumped by the test: the pool's minute and its pacing are on it, while the emulator
 * judges its tokens in real time (all of a test's calls fit in a few real seconds).
 */
class TokenPoolTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final TestClock clock = TestClock.stoppedAt(Instant.now());
  private final VirtualTimeScheduler timers = VirtualTimeScheduler.create();
  private GenesysLoginEmulator emulator;
  private TokenProvider tokens;

  @AfterEach
  void close() {
    if (tokens != null) {
      tokens.close();
    }
    if (emulator != null) {
      emulator.close();
    }
    timers.dispose();
  }

  private TokenProvider pool(int size, int perMinute) {
    emulator = GenesysLoginEmulator.start();
    tokens =
        GenesysTokenProvider.builder()
            .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
            .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
            .tokenUri(emulator.tokenUri())
            .clock(clock)
            .scheduler(timers)
            .poolSize(size)
            .requestsPerTokenPerMinute(perMinute)
            .build();
    return tokens;
  }

  private AccessToken next() {
    return tokens.token().block(WAIT);
  }

  @Test
  void theDefaultBuilderAndAPoolOfOneBuildTheSingleTokenProvider() {
    emulator = GenesysLoginEmulator.start();
    GenesysTokenProvider.Builder builder =
        GenesysTokenProvider.builder()
            .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
            .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
            .tokenUri(emulator.tokenUri());
    try (TokenProvider single = builder.build();
        TokenProvider poolOfOne = builder.poolSize(1).build()) {
      assertThat(single).isInstanceOf(GenesysTokenProvider.class);
      assertThat(poolOfOne).isInstanceOf(GenesysTokenProvider.class);
      AccessToken token = single.token().block(WAIT);
      assertThat(single.reportRateLimited(token, Duration.ofSeconds(30))).isFalse();
      assertThat(single.token().block(WAIT)).isEqualTo(token);
    }
    assertThat(emulator.tokensIssued()).isEqualTo(1);
  }

  @Test
  void aSecondTokenIsMintedAtEightyPercentAndTheEleventhCallGetsIt() {
    pool(2, 10);
    AccessToken first = next();
    clock.jump(Duration.ofSeconds(2)); // past the pacing between two mints
    List<AccessToken> handed = new ArrayList<>(List.of(first));
    for (int i = 2; i <= 15; i++) {
      handed.add(next());
    }

    assertThat(handed.subList(0, 8)).containsOnly(first);
    AccessToken second = handed.get(10);
    assertThat(second).isNotEqualTo(first);
    assertThat(new HashSet<>(handed)).containsExactlyInAnyOrder(first, second);
    assertThat(handed.stream().filter(first::equals).count()).isLessThanOrEqualTo(10);
    assertThat(emulator.tokensIssued()).isEqualTo(2);
  }

  @Test
  void neverMoreTokensThanThePoolSize() {
    pool(3, 10);
    next();
    for (int i = 0; i < 100; i++) {
      clock.jump(Duration.ofSeconds(1));
      next();
    }

    assertThat(emulator.tokensIssued()).isEqualTo(3);
    assertThat(tokens.toString()).contains("pool of 3 of at most 3 tokens");
  }

  @Test
  void mintsArePacedOneSecondApart() {
    pool(3, 10);
    for (int i = 0; i < 30; i++) {
      next(); // all at one instant: over the limit, but the next mint must wait
    }
    assertThat(emulator.tokensIssued()).isEqualTo(1);

    clock.jump(Duration.ofMillis(999));
    next();
    assertThat(emulator.tokensIssued()).isEqualTo(1);

    clock.jump(Duration.ofMillis(1));
    next();
    assertThat(emulator.tokensIssued()).isEqualTo(2);
  }

  @Test
  void invalidatingATokenRenewsOnlyItsSlot() {
    pool(2, 10);
    AccessToken first = next();
    clock.jump(Duration.ofSeconds(2));
    AccessToken second = null;
    for (int i = 2; i <= 11; i++) {
      second = next();
    }
    assertThat(second).isNotEqualTo(first);

    tokens.invalidate(second);
    Poll.until(emulator::tokensIssued, n -> n == 3, WAIT);
    // Issued by the emulator, then stored by the slot: wait for the slot to hold it.
    Poll.until(tokens::toString, s -> s.contains("token 2=FRESH"), WAIT);
    AccessToken third = next();

    assertThat(third).isNotIn(first, second);
    // The first slot was not touched: its token is still the one it holds.
    tokens.invalidate(second); // already replaced: a no-op
    assertThat(emulator.tokensIssued()).isEqualTo(3);
    assertThat(tokens.toString()).contains("pool of 2").doesNotContain(first.value(), third.value());
  }

  @Test
  void aRateLimitedTokenIsSetAsideAndAnotherMinted() {
    pool(2, 100);
    AccessToken first = next();
    clock.jump(Duration.ofSeconds(2));

    assertThat(tokens.reportRateLimited(first, Duration.ofSeconds(30))).isTrue();
    AccessToken second = next();
    assertThat(second).isNotEqualTo(first);
    assertThat(next()).isEqualTo(second);

    // Both refused now, and the pool is full: no token has headroom.
    assertThat(tokens.reportRateLimited(second, Duration.ofSeconds(30))).isFalse();
    // Past the first one's Retry-After it is served again.
    clock.jump(Duration.ofSeconds(30));
    assertThat(next()).isEqualTo(first);
    assertThat(emulator.tokensIssued()).isEqualTo(2);
  }

  @Test
  void closingThePoolClosesEveryToken() {
    pool(2, 10);
    next();
    tokens.close();

    // The message names the pooled token that answered.
    assertThatThrownBy(this::next)
        .isInstanceOf(TokenException.class)
        .hasMessageContaining("(pooled token 1 of 2) is closed");
    assertThat(tokens.reportRateLimited(new AccessToken("x", "bearer", Instant.now().plusSeconds(60)), Duration.ZERO))
        .isFalse();
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A thread interrupted while it waits for a token keeps its interrupt. */
class BlockingTokensInterruptTest {

  private static final TokenProvider NEVER =
      new TokenProvider() {
        @Override
        public Mono<AccessToken> token() {
          return Mono.never();
        }

        @Override
        public void invalidate(AccessToken rejected) {}

        @Override
        public void close() {}
      };

  @Test
  void anInterruptedWaitFailsAndLeavesTheInterruptFlagSet() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> BlockingTokens.token(NEVER, Duration.ofSeconds(5)))
          .isInstanceOf(TokenException.class)
          .hasMessageContaining("interrupted while waiting for a token");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}

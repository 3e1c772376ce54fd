package io.github.genesystokens.boot;

import io.github.genesystokens.BlockingTokens;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import java.time.Duration;
import org.springframework.beans.factory.SmartInitializingSingleton;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * {@code genesys.token.warm-up=true}: the first token is fetched while the context starts, on the
 * starting thread (not a reactive one, so a bounded wait is fine there). A permanent failure, such
 * as a wrong secret, fails the start with its message, as a restart would not fix it; a transient
 * one (timeout, 5xx, 429) is logged at WARN and the application starts, to fetch again on first
 * use.
 */
final class WarmUp implements SmartInitializingSingleton {

  private static final Logger log = Loggers.getLogger(WarmUp.class);

  private final TokenProvider tokens;
  private final Duration bound;

  WarmUp(TokenProvider tokens, Duration bound) {
    this.tokens = tokens;
    this.bound = bound;
  }

  @Override
  public void afterSingletonsInstantiated() {
    try {
      BlockingTokens.token(tokens, bound);
    } catch (TokenException e) {
      if (!e.isRetryable()) {
        throw new IllegalStateException(
            "genesys.token.warm-up: the first token could not be obtained: " + e.getMessage(), e);
      }
      log.warn(
          "genesys.token.warm-up: no token yet, starting anyway (the next call fetches again): {}",
          e.getMessage());
    }
  }
}

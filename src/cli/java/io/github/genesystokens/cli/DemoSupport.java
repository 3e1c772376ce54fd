package io.github.genesystokens.cli;

import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;

/** What the demo steps share: how a provider is pointed at an emulator, and bounded waits. */
final class DemoSupport {

  /** No demo step should take longer; a step that does has failed. */
  static final Duration STEP_LIMIT = Duration.ofSeconds(15);

  private DemoSupport() {}

  /**
   * A provider for the emulator's default client. Backoff starts at 200 ms, not the default 1 s,
   * so that the retry steps take a moment rather than seconds; {@code Retry-After} still wins.
   */
  static TokenProvider provider(GenesysLoginEmulator emulator) {
    return provider(emulator, GenesysLoginEmulator.DEFAULT_CLIENT_ID);
  }

  static TokenProvider provider(GenesysLoginEmulator emulator, String clientId) {
    return GenesysTokenProvider.builder()
        .clientId(clientId)
        .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
        .tokenUri(emulator.tokenUri())
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(5))
        .build();
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}

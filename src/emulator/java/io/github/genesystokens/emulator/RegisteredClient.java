package io.github.genesystokens.emulator;

import java.time.Duration;

/**
 * An OAuth client the emulator knows, with the lifetime of the tokens it issues to it and whether
 * it is still enabled.
 */
record RegisteredClient(String id, String secret, Duration tokenLifetime, boolean enabled) {

  RegisteredClient(String id, String secret, Duration tokenLifetime) {
    this(id, secret, tokenLifetime, true);
  }

  RegisteredClient withSecret(String newSecret) {
    return new RegisteredClient(id, newSecret, tokenLifetime, enabled);
  }

  RegisteredClient disabled() {
    return new RegisteredClient(id, secret, tokenLifetime, false);
  }

  /** The secret never prints: emulator logs end up in CI output. */
  @Override
  public String toString() {
    return "RegisteredClient[id=" + id + ", tokenLifetime=" + tokenLifetime + ", enabled=" + enabled + "]";
  }
}

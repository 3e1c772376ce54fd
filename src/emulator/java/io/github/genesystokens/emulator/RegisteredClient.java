package io.github.genesystokens.emulator;

import java.time.Duration;

/** An OAuth client the emulator accepts, with the lifetime of the tokens it issues to it. */
record RegisteredClient(String id, String secret, Duration tokenLifetime) {

  /** The secret never prints: emulator logs end up in CI output. */
  @Override
  public String toString() {
    return "RegisteredClient[id=" + id + ", tokenLifetime=" + tokenLifetime + "]";
  }
}

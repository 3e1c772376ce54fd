package io.github.genesystokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

  private final Captured out = new Captured();
  private final Captured err = new Captured();

  private int run(String... args) {
    return Main.run(args, out.stream, err.stream, Map.of());
  }

  @Test
  void helpPrintsTheCommandsAndExitsZero() {
    assertThat(run("--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.text()).contains("demo", "token", "emulator", "Exit status");
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithTheUsage() {
    assertThat(run("tokens")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.text()).contains("unknown command 'tokens'", "Usage:");
    assertThat(out.text()).isEmpty();
  }

  @Test
  void eachCommandHasHelp() {
    assertThat(run("demo", "--help")).isEqualTo(ExitCodes.OK);
    assertThat(run("token", "--help")).isEqualTo(ExitCodes.OK);
    assertThat(run("emulator", "--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.text())
        .contains("genesys-token-provider demo", "GENESYS_CLIENT_SECRET", "--port");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertThat(run("demo", "--fast")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.text()).contains("unknown option --fast");
  }
}

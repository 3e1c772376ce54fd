package io.github.genesystokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  private final Captured out = new Captured();
  private final Captured err = new Captured();

  @Test
  void noArgumentsRunsTheDemoAndEveryPromiseHolds() {
    int status = Main.run(new String[0], out.stream, err.stream, Map.of());

    assertThat(out.text())
        .contains(
            "1000 callers got 1 distinct token from 1 token request(s)",
            "0 more token requests",
            "0 waited for the refresh",
            "Retry-After: 1",
            "the region may be wrong",
            "1 new token request, 0 calls failed",
            "7 of 7 promises held")
        .doesNotContain("[FAIL]");
    assertThat(status).as(out.text() + err.text()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aPromiseThatDoesNotHoldMakesTheDemoExitOneAfterRunningTheRest() throws Exception {
    DemoStep broken = step("a broken promise", DemoStep.Outcome.of(false, "measured: nothing"));
    DemoStep fine = step("a kept promise", DemoStep.Outcome.of(true, "measured: fine"));

    int status = new DemoCommand(out.stream, err.stream, List.of(broken, fine)).run(new String[0]);

    assertThat(status).isEqualTo(ExitCodes.FAILED);
    assertThat(out.text())
        .contains("[FAIL] a broken promise", "measured: nothing", "[ok]   a kept promise")
        .contains("1 of 2 promises held");
    assertThat(err.text()).contains("did not hold");
  }

  @Test
  void aStepThatThrowsCountsAsNotHeld() throws Exception {
    DemoStep throwing =
        new DemoStep() {
          @Override
          public String promise() {
            return "a step that cannot run";
          }

          @Override
          public Outcome check() {
            throw new IllegalStateException("boom");
          }
        };

    int status = new DemoCommand(out.stream, err.stream, List.of(throwing)).run(new String[0]);

    assertThat(status).isEqualTo(ExitCodes.FAILED);
    assertThat(out.text()).contains("[FAIL] a step that cannot run", "could not run", "boom");
  }

  private static DemoStep step(String promise, DemoStep.Outcome outcome) {
    return new DemoStep() {
      @Override
      public String promise() {
        return promise;
      }

      @Override
      public Outcome check() {
        return outcome;
      }
    };
  }
}

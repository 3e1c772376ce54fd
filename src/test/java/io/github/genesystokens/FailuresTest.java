package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Durations and notes in failure messages. */
class FailuresTest {

  @ParameterizedTest(name = "{0} ms reads {1}")
  @CsvSource({
    "0, 0s",
    "1, 1ms",
    "999, 999ms",
    "1000, 1s",
    "1500, 1.5s",
    "59000, 59s",
    "60000, 1m",
    "90000, 90s",
    "120000, 2m",
    "61900, 61.9s"
  })
  void durationsAreShortAndReadable(long millis, String text) {
    assertThat(Failures.format(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @Test
  void aNotedEndpointFailureKeepsWhereItHappened() {
    TokenEndpointException original =
        new TokenEndpointException("HTTP 503", 503, null, null, null, "c-1", true);
    TokenException noted = Failures.withNote(original, "gave up after 4 attempts", true);

    assertThat(noted).hasMessage("HTTP 503; gave up after 4 attempts");
    assertThat(noted.getStackTrace()).isEqualTo(original.getStackTrace());
  }
}

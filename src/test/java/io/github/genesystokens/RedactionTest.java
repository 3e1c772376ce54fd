package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Excerpts of reply bodies for messages: one line, at most 200 characters, nothing secret. */
class RedactionTest {

  private static String excerpt(Redaction redaction, String body) {
    return redaction.excerpt(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBodyOfExactlyTheExcerptLengthIsQuotedWholeAndOneCharacterMoreIsCut() {
    Redaction none = new Redaction();
    String exact = "x".repeat(Redaction.EXCERPT_CHARS);
    assertThat(excerpt(none, exact)).isEqualTo(exact);
    assertThat(excerpt(none, exact + "y")).isEqualTo(exact + "...");
    assertThat(excerpt(none, "x".repeat(Redaction.EXCERPT_CHARS - 1))).doesNotEndWith("...");
  }

  @Test
  void aBodyLongerThanWhatIsDecodedIsMarkedCutEvenWhenItsStartIsShort() {
    String body = "short" + " ".repeat(Redaction.EXCERPT_CHARS * 4) + "tail";
    assertThat(excerpt(new Redaction(), body)).isEqualTo("short...");
  }

  @Test
  void whitespaceAndControlCharactersBecomeSingleSpacesAndTheEndsAreStripped() {
    assertThat(excerpt(new Redaction(), "\n\t  a \r\n\u0001 b\t\tc  \n")).isEqualTo("a b c");
    assertThat(excerpt(new Redaction(), "")).isEmpty();
  }

  @Test
  void aSecretContainingAnotherIsRedactedWholeWhicheverOrderTheyAreGiven() {
    assertThat(new Redaction("abc", "abcdef").redact("x abcdef y")).isEqualTo("x <redacted> y");
    assertThat(new Redaction("abcdef", "abc").redact("x abcdef y")).isEqualTo("x <redacted> y");
  }

  @Test
  void leadingWhitespaceTakesNoRoomInTheExcerpt() {
    String full = "x".repeat(Redaction.EXCERPT_CHARS);
    assertThat(excerpt(new Redaction(), "   " + full)).isEqualTo(full);
  }
}

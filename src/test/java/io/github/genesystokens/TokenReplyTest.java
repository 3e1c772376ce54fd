package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How one reply of the token endpoint is read: its status, its lifetime, and its error message. */
class TokenReplyTest {

  private static final Instant REQUESTED = Instant.parse("2026-12-01T10:00:00Z");
  private static final TokenReply.Context CONTEXT =
      new TokenReply.Context("https://login.example/oauth/token", "client-1", new Redaction("s3cret"));

  private static TokenReply reply(int status, String body, String contentType) {
    return new TokenReply(status, body.getBytes(StandardCharsets.UTF_8), contentType, null, null);
  }

  private static IssuedToken read(int status, String body) {
    return reply(status, body, "application/json").toToken(REQUESTED, REQUESTED, CONTEXT);
  }

  private static TokenEndpointException failure(int status, String body, String contentType) {
    try {
      reply(status, body, contentType).toToken(REQUESTED, REQUESTED, CONTEXT);
    } catch (TokenEndpointException e) {
      return e;
    }
    throw new AssertionError("HTTP " + status + " " + body + " was read as a token");
  }

  private static String token(String expiresIn) {
    return "{\"access_token\":\"abc\",\"token_type\":\"bearer\",\"expires_in\":" + expiresIn + "}";
  }

  @ParameterizedTest(name = "HTTP {0} is a success")
  @ValueSource(ints = {200, 299})
  void everyTwoHundredStatusCarriesTheToken(int status) {
    assertThat(read(status, token("60")).token().value()).isEqualTo("abc");
  }

  @ParameterizedTest(name = "HTTP {0} is an error")
  @ValueSource(ints = {199, 300})
  void statusesOutsideTwoHundredAreErrorsEvenWithATokenBody(int status) {
    assertThat(failure(status, token("60"), "application/json").statusCode()).isEqualTo(status);
  }

  @ParameterizedTest(name = "expires_in {0} lives {1} s")
  @CsvSource({"1, 1", "1.0, 1", "3600.0, 3600", "'\"60\"', 60", "315360000, 315360000"})
  void aLifetimeOfWholePositiveSecondsUpToTenYearsIsAccepted(String expiresIn, long seconds) {
    IssuedToken issued = read(200, token(expiresIn));
    assertThat(Duration.between(REQUESTED, issued.token().expiresAt())).hasSeconds(seconds);
  }

  @ParameterizedTest(name = "expires_in {0} is refused")
  @ValueSource(
      strings = {
        "0", "-5", "1.5", "315360001", "\"soon\"", "true", "null",
        "18446744073709551676", "-18446744073709551556", "18446744073709551676.0"
      })
  void aLifetimeThatIsNotWholePositiveSecondsWithinTenYearsIsABadReply(String expiresIn) {
    assertThat(failure(200, token(expiresIn), "application/json"))
        .hasMessageContaining("has no usable expires_in")
        .satisfies(e -> assertThat(e.isRetryable()).isFalse());
  }

  @Test
  void aBadReplyNamesItsContentTypeWhenThereIsOne() {
    assertThat(failure(200, "<html>down</html>", "text/html"))
        .hasMessageContaining("is not a JSON object (Content-Type text/html)");
    assertThat(failure(200, "<html>down</html>", null))
        .hasMessageContaining("is not a JSON object; body: <html>down</html>")
        .message()
        .doesNotContain("Content-Type");
  }

  @Test
  void errorsSayWhatToDoAboutThem() {
    assertThat(failure(400, "{\"error\":\"invalid_client\",\"error_description\":\"client not found\"}", null))
        .hasMessageContaining("HTTP 400 invalid_client (client not found): this client id is not known");
    assertThat(failure(400, "{\"error\":\"invalid_client\",\"error_description\":\"authentication failed\"}", null))
        .hasMessageContaining("(authentication failed): check the client id and secret");
    assertThat(failure(400, "{\"error\":\"invalid_client\"}", null))
        .hasMessageContaining("HTTP 400 invalid_client: check the client id and secret");
    assertThat(failure(400, "{\"error\":\"invalid_request\",\"description\":\"rate limit exceeded; try later\"}", null))
        .hasMessageContaining("(rate limit exceeded; try later): the login service is throttling token requests");
    assertThat(failure(429, "{}", null)).hasMessageContaining("HTTP 429: too many requests");
    assertThat(failure(503, "", null)).hasMessageContaining("HTTP 503: the login service is unavailable; empty body");
  }

  @Test
  void aPermanentErrorWithoutAKnownCauseHasNoHint() {
    assertThat(failure(400, "{\"error\":\"invalid_grant\",\"error_description\":\"no\"}", null))
        .hasMessageContaining("failed: HTTP 400 invalid_grant (no); body: ")
        .message()
        .doesNotContain("): ");
    assertThat(failure(404, "{\"error\":\"invalid_scope\"}", null))
        .hasMessageContaining("failed: HTTP 404 invalid_scope; body: ");
  }

  @Test
  void aTokenWithoutATypeIsABearerToken() {
    assertThat(read(200, "{\"access_token\":\"abc\",\"expires_in\":60}").token().tokenType())
        .isEqualTo("Bearer");
    assertThatThrownBy(() -> read(200, "{\"access_token\":\" \",\"expires_in\":60}"))
        .hasMessageContaining("has no access_token");
  }
}

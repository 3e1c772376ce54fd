package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad settings fail at {@code build()} or earlier, with a message that names the setting. */
class BuilderValidationTest {

  private static GenesysTokenProvider.Builder valid() {
    return GenesysTokenProvider.builder()
        .clientId("id")
        .clientSecret("secret")
        .region(GenesysRegion.US_EAST_1);
  }

  @Test
  void aCompleteConfigurationBuildsWithoutAnyRequest() {
    try (TokenProvider provider = valid().build()) {
      assertThat(provider.toString()).contains("clientId=id").contains("token=empty");
    }
  }

  @Test
  void missingCredentialsAreNamed() {
    assertThatThrownBy(() -> GenesysTokenProvider.builder().clientSecret("s")
            .region(GenesysRegion.US_EAST_1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientId");
    assertThatThrownBy(() -> GenesysTokenProvider.builder().clientId("i")
            .region(GenesysRegion.US_EAST_1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientSecret");
  }

  @Test
  void blankOrNullCredentialsAreRejectedAtOnce() {
    assertThatThrownBy(() -> valid().clientId(" ")).hasMessageContaining("clientId must not be blank");
    assertThatThrownBy(() -> valid().clientSecret(""))
        .hasMessageContaining("clientSecret must not be blank");
    assertThatThrownBy(() -> valid().clientSecret(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("clientSecret");
  }

  @Test
  void exactlyOneOfRegionAndTokenUriIsRequired() {
    assertThatThrownBy(() -> GenesysTokenProvider.builder().clientId("i").clientSecret("s").build())
        .hasMessageContaining("region or tokenUri is required");
    assertThatThrownBy(() -> valid().tokenUri(URI.create("https://idp.example.com/token")).build())
        .hasMessageContaining("region or tokenUri, not both");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://login.mypurecloud.com/oauth/token",
        "http://10.0.0.5/oauth/token",
        "http://127.0.0.1.nip.io/oauth/token",
        "ftp://login.mypurecloud.com/oauth/token",
      })
  void aPlainHttpTokenUriIsRefusedUnlessLoopback(String uri) {
    assertThatThrownBy(() -> valid().tokenUri(URI.create(uri)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenUri must use https");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/oauth/token",
        "http://localhost/oauth/token",
        "http://[::1]:9000/oauth/token",
        "https://idp.example.com/token",
      })
  void httpsOrLoopbackTokenUrisAreAccepted(String uri) {
    assertThatCode(() -> GenesysTokenProvider.builder().clientId("i").clientSecret("s")
            .tokenUri(URI.create(uri)).build().close())
        .doesNotThrowAnyException();
  }

  @Test
  void aTokenUriWithCredentialsOrWithoutHostIsRefused() {
    assertThatThrownBy(() -> valid().tokenUri(URI.create("https://user:pw@idp.example.com/token")))
        .hasMessageContaining("must not carry credentials")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> valid().tokenUri(URI.create("/oauth/token")))
        .hasMessageContaining("absolute");
  }

  @Test
  void negativeDurationsAreNamed() {
    Duration negative = Duration.ofSeconds(-1);
    assertThatThrownBy(() -> valid().refreshAhead(negative)).hasMessageContaining("refreshAhead");
    assertThatThrownBy(() -> valid().expirySkew(negative)).hasMessageContaining("expirySkew");
    assertThatThrownBy(() -> valid().requestTimeout(negative)).hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> valid().maxRetryAfter(negative)).hasMessageContaining("maxRetryAfter");
    assertThatThrownBy(() -> valid().failureCooldown(negative))
        .hasMessageContaining("failureCooldown");
    assertThatThrownBy(() -> valid().retryBackoff(negative, Duration.ofSeconds(1)))
        .hasMessageContaining("retryBackoff min");
    assertThatThrownBy(() -> valid().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("retryBackoff max");
  }

  @Test
  void aZeroTimeoutIsRefusedButZeroMarginsAreLegitimate() {
    assertThatThrownBy(() -> valid().requestTimeout(Duration.ZERO))
        .hasMessageContaining("requestTimeout must be positive");
    assertThatCode(
            () -> valid().refreshAhead(Duration.ZERO).expirySkew(Duration.ZERO)
                .failureCooldown(Duration.ZERO).maxRetries(0).build().close())
        .doesNotThrowAnyException();
  }

  @Test
  void refreshAheadBelowExpirySkewIsRefused() {
    assertThatThrownBy(
            () -> valid().refreshAhead(Duration.ofSeconds(10)).expirySkew(Duration.ofSeconds(30))
                .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refreshAhead")
        .hasMessageContaining("expirySkew");
  }

  @Test
  void negativeRetriesAreRefused() {
    assertThatThrownBy(() -> valid().maxRetries(-1)).hasMessageContaining("maxRetries");
  }

  @Test
  void scopesMustBeValidTokens() {
    assertThatThrownBy(() -> valid().scopes("users", "has space"))
        .hasMessageContaining("scope must be printable ASCII");
    assertThatThrownBy(() -> valid().scopes("a,b\"")).hasMessageContaining("scope");
    assertThatThrownBy(() -> valid().scopes(" ")).hasMessageContaining("scope must not be blank");
    assertThatThrownBy(() -> valid().scopes((String) null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void nullArgumentsAreNamed() {
    assertThatThrownBy(() -> valid().clock(null)).hasMessageContaining("clock");
    assertThatThrownBy(() -> valid().httpClient(null)).hasMessageContaining("httpClient");
    assertThatThrownBy(() -> valid().region(null)).hasMessageContaining("region");
    assertThatThrownBy(() -> valid().tokenUri(null)).hasMessageContaining("tokenUri");
  }

  @Test
  void poolSettingsOutOfRangeAreNamed() {
    assertThatThrownBy(() -> valid().poolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("poolSize");
    assertThatThrownBy(() -> valid().poolSize(51))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("poolSize must be between 1 and 50");
    assertThatThrownBy(() -> valid().requestsPerTokenPerMinute(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestsPerTokenPerMinute");
  }

  @Test
  void aPerTokenLimitWithoutAPoolIsRefused() {
    assertThatThrownBy(() -> valid().requestsPerTokenPerMinute(100).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requestsPerTokenPerMinute")
        .hasMessageContaining("poolSize");
  }

  @Test
  void aPoolBuildsWithoutAnyRequest() {
    try (TokenProvider pool = valid().poolSize(5).requestsPerTokenPerMinute(200).build()) {
      assertThat(pool.toString())
          .contains("clientId=id")
          .contains("pool of 1 of at most 5 tokens, 200 requests per token per minute")
          .contains("token 1=empty");
    }
  }

  @Test
  void theLargestPoolAndTheSmallestPerTokenLimitAreAccepted() {
    try (TokenProvider pool = valid().poolSize(50).requestsPerTokenPerMinute(1).build()) {
      assertThat(pool.toString())
          .contains("pool of 1 of at most 50 tokens, 1 requests per token per minute");
    }
  }
}

package io.github.genesystokens.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.ClientAuthentication;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API base URL the builder is given and guarded with, and the warm-up's bound. */
class ProviderSettingsTest {

  private static GenesysTokenProperties properties(String region, URI tokenUri, URI apiBaseUrl) {
    return new GenesysTokenProperties(
        "id", "secret", null, null, region, tokenUri, apiBaseUrl, List.of(),
        ClientAuthentication.GENESYS_BASIC, Duration.ofMinutes(5), Duration.ofSeconds(60),
        Duration.ofSeconds(10), Duration.ofSeconds(5), null, 1, 300, false, "default");
  }

  @Test
  void theRegionGivesItsApiHost() {
    assertThat(ProviderSettings.apiBaseUrl(properties("eu-west-2", null, null)))
        .hasToString("https://api.euw2.pure.cloud");
  }

  @Test
  void aTokenUriGivesItsOriginWithLoginMadeApi() {
    assertThat(
            ProviderSettings.apiBaseUrl(
                properties(null, URI.create("https://login.gateway.example:8443/oauth/token"), null)))
        .hasToString("https://api.gateway.example:8443");
    assertThat(
            ProviderSettings.apiBaseUrl(
                properties(null, URI.create("http://127.0.0.1:9090/oauth/token"), null)))
        .hasToString("http://127.0.0.1:9090");
  }

  @Test
  void anExplicitApiBaseUrlWinsAndMustBeHttpsOrLoopback() {
    assertThat(
            ProviderSettings.apiBaseUrl(
                properties("eu-west-2", null, URI.create("https://api.proxy.example/genesys"))))
        .hasToString("https://api.proxy.example/genesys");
    assertThat(
            ProviderSettings.apiBaseUrl(
                properties("eu-west-2", null, URI.create("http://localhost:8080"))))
        .hasToString("http://localhost:8080");
    assertThatThrownBy(
            () ->
                ProviderSettings.apiBaseUrl(
                    properties("eu-west-2", null, URI.create("/api/v2"))))
        .hasMessageStartingWith("Invalid genesys.token.api-base-url: must be an absolute");
  }

  @Test
  void theWarmUpWaitsForEveryAttemptAndTheLongestBackoffs() {
    // Defaults: 4 attempts of 10 s, 3 waits of up to 1.5 x 30 s (jitter), 1 s of margin.
    assertThat(ProviderSettings.warmUpBound(properties("eu-west-2", null, null)))
        .isEqualTo(Duration.ofSeconds(176));
  }
}

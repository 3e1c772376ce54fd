package io.github.genesystokens.boot;

import io.github.genesystokens.ClientAuthentication;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The genesys.token.* settings of the Spring Boot auto-configuration, bound once at
 * startup. Immutable; every setting but the credentials and the region (or token URI) has the
 * default of GenesysTokenProvider.Builder. Their combination is checked when the provider
 * bean is created: a bad value fails the start with a message naming the property
 * (docs/spring-boot.md lists them).
 *
 * @param clientId the OAuth client id; with it (or client-id-file) set, the beans are
 *     created. Set this and client-secret, or the two files, not both
 * @param clientSecret the OAuth client secret; never printed
 * @param clientIdFile a file holding the client id, such as a mounted Kubernetes secret; read for
 *     every token request, so a rotated secret is picked up without a restart. Set with
 *     client-secret-file
 * @param clientSecretFile a file holding the client secret; read like client-id-file
 * @param region the Genesys Cloud region, such as eu-central-1, eu_central_1 or
 *     mypurecloud.de; set this or token-uri
 * @param tokenUri the token endpoint, for a server other than a region's login service (a gateway,
 *     the emulator); https, or http to a loopback address. Set this or region
 * @param apiBaseUrl the base URL of the genesysWebClientBuilder, the only host it sends
 *     tokens to; default the region's API host (https://api. and the region's domain), or with
 *     token-uri that URI's scheme, host and port, with a leading login. of the host
 *     replaced by api.
 * @param scopes the scopes to request; default none, as Genesys clients get their permissions from
 *     the client's roles
 * @param clientAuthentication how token requests carry the credentials: genesys-basic
 *     (what Genesys Cloud expects), client-secret-basic or client-secret-post
 * @param refreshAhead how long before expiry a background refresh starts; zero disables it
 * @param expirySkew how long before its stated expiry a token is no longer handed out
 * @param requestTimeout the longest one token request may take
 * @param failureCooldown how long a final failure is repeated to callers without a new request
 * @param retry retries of transiently failed token requests
 * @param poolSize how many tokens of the client the provider may hold, from 1 to 50: 1 is the
 *     single token; with 2 or more the least used token is handed out and the next is minted
 *     when it reaches 80 % of requests-per-token-per-minute, for loads beyond one token's API
 *     rate limit (docs/design.md, "Token pool")
 * @param requestsPerTokenPerMinute the API requests one pooled token may make per minute,
 *     Genesys's per-token limit by default; only with a pool-size of 2 or more
 * @param warmUp whether the first token is fetched at startup: a permanent failure (such as
 *     invalid_client) then fails the start with its message, a transient one is logged at
 *     WARN and the application starts
 * @param name the name tag of the meters and observations
 */
@ConfigurationProperties("genesys.token")
public record GenesysTokenProperties(
    String clientId,
    String clientSecret,
    Path clientIdFile,
    Path clientSecretFile,
    String region,
    URI tokenUri,
    URI apiBaseUrl,
    List<String> scopes,
    @DefaultValue("genesys-basic") ClientAuthentication clientAuthentication,
    @DefaultValue("5m") Duration refreshAhead,
    @DefaultValue("60s") Duration expirySkew,
    @DefaultValue("10s") Duration requestTimeout,
    @DefaultValue("5s") Duration failureCooldown,
    @DefaultValue Retry retry,
    @DefaultValue("1") int poolSize,
    // The builder's default, ProviderSettings.DEFAULT_REQUESTS_PER_TOKEN_PER_MINUTE.
    @DefaultValue("300") int requestsPerTokenPerMinute,
    @DefaultValue("false") boolean warmUp,
    @DefaultValue("default") String name) {

  /** Copies the scopes; a missing list is empty, a missing retry section has the defaults. */
  public GenesysTokenProperties {
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    if (retry == null) {
      retry = new Retry(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(180));
    }
  }

  /**
   * The genesys.token.retry.* settings.
   *
   * @param maxRetries how many times a transiently failed token request is retried; zero disables
   *     retries
   * @param minBackoff the first wait between retries, doubled for each next one
   * @param maxBackoff the longest wait between retries
   * @param maxRetryAfter the longest Retry-After waited for; a longer one fails the request
   *     at once
   */
  public record Retry(
      @DefaultValue("3") int maxRetries,
      @DefaultValue("1s") Duration minBackoff,
      @DefaultValue("30s") Duration maxBackoff,
      @DefaultValue("180s") Duration maxRetryAfter) {}

  /** The settings with the client secret masked, never its value. */
  @Override
  public String toString() {
    return "GenesysTokenProperties[clientId="
        + clientId
        + ", clientSecret="
        + (clientSecret == null ? "null" : "******")
        + ", clientIdFile="
        + clientIdFile
        + ", clientSecretFile="
        + clientSecretFile
        + ", region="
        + region
        + ", tokenUri="
        + tokenUri
        + ", apiBaseUrl="
        + apiBaseUrl
        + ", scopes="
        + scopes
        + ", clientAuthentication="
        + clientAuthentication
        + ", refreshAhead="
        + refreshAhead
        + ", expirySkew="
        + expirySkew
        + ", requestTimeout="
        + requestTimeout
        + ", failureCooldown="
        + failureCooldown
        + ", retry="
        + retry
        + ", poolSize="
        + poolSize
        + ", requestsPerTokenPerMinute="
        + requestsPerTokenPerMinute
        + ", warmUp="
        + warmUp
        + ", name="
        + name
        + "]";
  }
}

package io.github.genesystokens.boot;

import io.github.genesystokens.ClientAuthentication;
import io.github.genesystokens.ClientCredentials;
import io.github.genesystokens.GenesysRegion;
import io.github.genesystokens.GenesysTokenProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code genesys.token.*} properties checked and applied to a provider builder. Every failure
 * is an {@link IllegalStateException} whose message starts with the property at fault, so that the
 * start fails with a message a user can act on without reading a stack trace.
 */
final class ProviderSettings {

  static final String PREFIX = "genesys.token.";

  /** The builder's (and the property's) default: Genesys's per-token API rate limit. */
  static final int DEFAULT_REQUESTS_PER_TOKEN_PER_MINUTE = 300;

  private ProviderSettings() {}

  /** A builder with every property applied, or the first bad property's failure. */
  static GenesysTokenProvider.Builder builder(GenesysTokenProperties p) {
    GenesysTokenProvider.Builder b = GenesysTokenProvider.builder();
    credentials(p, b);
    if (p.region() == null && p.tokenUri() == null) {
      throw invalid(
          "region", "genesys.token.region (or genesys.token.token-uri) is required, such as eu-central-1");
    }
    // A region is checked even when token-uri overrides it: a typo must not wait for the day the
    // override is removed.
    GenesysRegion region =
        p.region() == null ? null : apply("region", () -> GenesysRegion.parse(p.region()));
    if (p.tokenUri() != null) {
      // token-uri wins over region, so that a test (or a gateway) can point an application whose
      // properties name a region at another token endpoint without unsetting the region.
      apply("token-uri", () -> b.tokenUri(p.tokenUri()));
    } else {
      b.region(region);
    }
    apply("scopes", () -> b.scopes(p.scopes().toArray(String[]::new)));
    apply("client-authentication", () -> b.clientAuthentication(p.clientAuthentication()));
    apply("refresh-ahead", () -> b.refreshAhead(p.refreshAhead()));
    apply("expiry-skew", () -> b.expirySkew(p.expirySkew()));
    if (p.refreshAhead() != null
        && p.expirySkew() != null
        && p.refreshAhead().compareTo(p.expirySkew()) < 0) {
      throw invalid(
          "refresh-ahead",
          "must not be less than genesys.token.expiry-skew ("
              + p.refreshAhead()
              + " < "
              + p.expirySkew()
              + "): a token would expire before its refresh starts");
    }
    apply("request-timeout", () -> b.requestTimeout(p.requestTimeout()));
    apply("failure-cooldown", () -> b.failureCooldown(p.failureCooldown()));
    GenesysTokenProperties.Retry retry = p.retry();
    apply("retry.max-retries", () -> b.maxRetries(retry.maxRetries()));
    apply("retry.min-backoff", () -> b.retryBackoff(retry.minBackoff(), retry.maxBackoff()));
    apply("retry.max-retry-after", () -> b.maxRetryAfter(retry.maxRetryAfter()));
    pool(p, b);
    metricsName(p);
    // Checked now, though the builder bean is a prototype made on first injection.
    apiBaseUrl(p);
    return b;
  }

  /**
   * The pool: the builder refuses a per-token limit without a pool, but the property always has
   * its default, so only a limit other than the default names a mistake when pool-size is 1.
   */
  private static void pool(GenesysTokenProperties p, GenesysTokenProvider.Builder b) {
    apply("pool-size", () -> b.poolSize(p.poolSize()));
    int perMinute = p.requestsPerTokenPerMinute();
    if (p.poolSize() == 1 && perMinute == DEFAULT_REQUESTS_PER_TOKEN_PER_MINUTE) {
      return;
    }
    apply("requests-per-token-per-minute", () -> b.requestsPerTokenPerMinute(perMinute));
    if (p.poolSize() == 1) {
      throw invalid(
          "requests-per-token-per-minute",
          "applies to a pool of tokens; set genesys.token.pool-size to 2 or more");
    }
  }

  private static void credentials(GenesysTokenProperties p, GenesysTokenProvider.Builder b) {
    boolean inline = p.clientId() != null || p.clientSecret() != null;
    boolean files = p.clientIdFile() != null || p.clientSecretFile() != null;
    if (p.clientId() != null && p.clientIdFile() != null) {
      throw invalid("client-id", "set genesys.token.client-id or genesys.token.client-id-file, not both");
    }
    if (inline && files) {
      throw invalid(
          p.clientSecret() != null ? "client-secret" : "client-secret-file",
          "credentials are set inline (client-id, client-secret) or as files (client-id-file,"
              + " client-secret-file), not both");
    }
    if (files) {
      Path id = requireFile("client-id-file", p.clientIdFile());
      Path secret = requireFile("client-secret-file", p.clientSecretFile());
      b.credentials(ClientCredentials.fromFiles(id, secret));
      return;
    }
    if (p.clientId() == null) {
      throw invalid("client-id", "is required (or genesys.token.client-id-file)");
    }
    if (p.clientSecret() == null) {
      throw invalid("client-secret", "is required with genesys.token.client-id");
    }
    if (p.clientId().indexOf(':') >= 0
        && p.clientAuthentication() != ClientAuthentication.CLIENT_SECRET_POST) {
      // RFC 7617: the server splits a Basic credential at the first ':'.
      throw invalid(
          "client-id",
          "contains ':', which genesys.token.client-authentication "
              + p.clientAuthentication()
              + " cannot send; use client-secret-post");
    }
    apply("client-id", () -> b.clientId(p.clientId()));
    apply("client-secret", () -> b.clientSecret(p.clientSecret()));
  }

  private static Path requireFile(String property, Path file) {
    if (file == null) {
      String other = property.equals("client-id-file") ? "client-secret-file" : "client-id-file";
      throw invalid(property, "is required with genesys.token." + other);
    }
    // Startup runs on the main thread, where a blocking check is fine; token requests re-read it.
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw invalid(property, "is not a readable file: " + file);
    }
    return file;
  }

  /** The name for meters: a fixed label, never blank. */
  static String metricsName(GenesysTokenProperties p) {
    if (p.name() == null || p.name().isBlank()) {
      throw invalid("name", "must not be blank");
    }
    return p.name();
  }

  /**
   * The base URL of the API, the only host the auto-configured filter sends tokens to: {@code
   * api-base-url}; else, when {@code token-uri} is set, its origin with {@code login.} made {@code
   * api.} (the emulator serves both on one origin); else the region's API host.
   */
  static URI apiBaseUrl(GenesysTokenProperties p) {
    if (p.apiBaseUrl() != null) {
      URI uri = p.apiBaseUrl();
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || uri.getHost() == null || uri.getUserInfo() != null) {
        throw invalid("api-base-url", "must be an absolute http(s) URL with a host and no user info: " + uri);
      }
      if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(uri.getHost()))) {
        throw invalid(
            "api-base-url",
            "must be https (http only to a loopback address), since requests carry the token: " + uri);
      }
      return uri;
    }
    if (p.tokenUri() == null) {
      if (p.region() == null) {
        throw invalid("region", "genesys.token.region (or genesys.token.token-uri) is required");
      }
      return apply("region", () -> GenesysRegion.parse(p.region())).apiBaseUri();
    }
    URI token = p.tokenUri();
    String host = token.getHost();
    if (host == null) {
      throw invalid("token-uri", "has no host: " + token);
    }
    if (host.toLowerCase(Locale.ROOT).startsWith("login.")) {
      host = "api." + host.substring("login.".length());
    }
    try {
      return new URI(token.getScheme(), null, host, token.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      throw invalid("api-base-url", "cannot be derived from genesys.token.token-uri " + token);
    }
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]");
  }

  /**
   * The longest the warm-up waits: every attempt timing out, with the longest backoffs between
   * (the maximum plus its jitter of up to a half), and a second of margin.
   */
  static Duration warmUpBound(GenesysTokenProperties p) {
    int retries = p.retry().maxRetries();
    Duration longestWait = p.retry().maxBackoff().multipliedBy(3).dividedBy(2);
    return p.requestTimeout()
        .multipliedBy(retries + 1L)
        .plus(longestWait.multipliedBy(retries))
        .plusSeconds(1);
  }

  private interface Setting<T> {
    T apply();
  }

  private static <T> T apply(String property, Setting<T> setting) {
    try {
      return setting.apply();
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
      throw invalid(property, e.getMessage());
    }
  }

  static IllegalStateException invalid(String property, String problem) {
    return new IllegalStateException("Invalid " + PREFIX + property + ": " + problem);
  }
}

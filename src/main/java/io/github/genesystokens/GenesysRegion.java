package io.github.genesystokens;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Genesys Cloud region: the domain under which its login and API hosts live.
 *
 * <p>The set is open. The constants are the regions known when this library was released; new
 * regions appear every year, and a gateway or an internal environment has a domain of its own, so
 * {@link #parse(String)} also accepts any well-formed domain and {@link #of(String)} builds a
 * region for one.
 *
 * <p>The token endpoint is {@code https://login.<domain>/oauth/token} and API calls go to {@code
 * https://api.<domain>/api/v2/...}, as every official Genesys SDK derives them.
 */
public final class GenesysRegion {

  private static final Map<String, GenesysRegion> KNOWN_BY_NAME = new LinkedHashMap<>();
  private static final Map<String, GenesysRegion> KNOWN_BY_DOMAIN = new LinkedHashMap<>();

  /** {@code mypurecloud.com}, the official SDKs' default. */
  public static final GenesysRegion US_EAST_1 = known("us_east_1", "mypurecloud.com");
  /** {@code use2.us-gov-pure.cloud} (FedRAMP). */
  public static final GenesysRegion US_EAST_2 = known("us_east_2", "use2.us-gov-pure.cloud");
  /** {@code usw2.pure.cloud}. */
  public static final GenesysRegion US_WEST_2 = known("us_west_2", "usw2.pure.cloud");
  /** {@code cac1.pure.cloud}. */
  public static final GenesysRegion CA_CENTRAL_1 = known("ca_central_1", "cac1.pure.cloud");
  /** {@code sae1.pure.cloud}. */
  public static final GenesysRegion SA_EAST_1 = known("sa_east_1", "sae1.pure.cloud");
  /** {@code mxc1.pure.cloud}. */
  public static final GenesysRegion MX_CENTRAL_1 = known("mx_central_1", "mxc1.pure.cloud");
  /** {@code mypurecloud.ie}. */
  public static final GenesysRegion EU_WEST_1 = known("eu_west_1", "mypurecloud.ie");
  /** {@code euw2.pure.cloud}. */
  public static final GenesysRegion EU_WEST_2 = known("eu_west_2", "euw2.pure.cloud");
  /** {@code mypurecloud.de}. */
  public static final GenesysRegion EU_CENTRAL_1 = known("eu_central_1", "mypurecloud.de");
  /** {@code euc2.pure.cloud}. */
  public static final GenesysRegion EU_CENTRAL_2 = known("eu_central_2", "euc2.pure.cloud");
  /** {@code edee1.eusc-pure.cloud} (EU Sovereign Cloud). */
  public static final GenesysRegion EUSC_DE_EAST_1 =
      known("eusc_de_east_1", "edee1.eusc-pure.cloud");
  /** {@code mec1.pure.cloud}. */
  public static final GenesysRegion ME_CENTRAL_1 = known("me_central_1", "mec1.pure.cloud");
  /** {@code aps1.pure.cloud}. */
  public static final GenesysRegion AP_SOUTH_1 = known("ap_south_1", "aps1.pure.cloud");
  /** {@code apse1.pure.cloud}. */
  public static final GenesysRegion AP_SOUTHEAST_1 = known("ap_southeast_1", "apse1.pure.cloud");
  /** {@code mypurecloud.com.au}. */
  public static final GenesysRegion AP_SOUTHEAST_2 =
      known("ap_southeast_2", "mypurecloud.com.au");
  /** {@code mypurecloud.jp}. */
  public static final GenesysRegion AP_NORTHEAST_1 = known("ap_northeast_1", "mypurecloud.jp");
  /** {@code apne2.pure.cloud}. */
  public static final GenesysRegion AP_NORTHEAST_2 = known("ap_northeast_2", "apne2.pure.cloud");
  /** {@code apne3.pure.cloud}. */
  public static final GenesysRegion AP_NORTHEAST_3 = known("ap_northeast_3", "apne3.pure.cloud");

  // Labels of letters, digits and inner hyphens; at least two labels; a top-level label of letters.
  private static final Pattern DOMAIN =
      Pattern.compile("(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");

  private final String name;
  private final String domain;

  private GenesysRegion(String name, String domain) {
    this.name = name;
    this.domain = domain;
  }

  private static GenesysRegion known(String name, String domain) {
    GenesysRegion region = new GenesysRegion(name, domain);
    KNOWN_BY_NAME.put(name, region);
    KNOWN_BY_DOMAIN.put(domain, region);
    return region;
  }

  /**
   * The regions this release knows, in the order of the Genesys region list.
   *
   * @return an unmodifiable list of the constants
   */
  public static List<GenesysRegion> knownRegions() {
    return List.copyOf(Collections.unmodifiableCollection(KNOWN_BY_NAME.values()));
  }

  /**
   * The region of a domain: the known constant when there is one, otherwise a new region named
   * after the domain.
   *
   * @param domain a domain such as {@code mypurecloud.de} or {@code euw2.pure.cloud}
   * @return the region
   * @throws IllegalArgumentException if {@code domain} is not a well-formed domain
   */
  public static GenesysRegion of(String domain) {
    Objects.requireNonNull(domain, "domain must not be null");
    String normalized = domain.trim().toLowerCase(Locale.ROOT);
    GenesysRegion region = forDomain(normalized);
    if (region == null) {
      throw new IllegalArgumentException("not a well-formed domain: '" + domain + "'");
    }
    return region;
  }

  /**
   * Reads a region the way users write one: a name with {@code -} or {@code _} in any case
   * ({@code eu-central-1}, {@code EU_CENTRAL_1}), a bare domain ({@code mypurecloud.de}), an
   * {@code api.} or {@code login.} host, or such a URL ({@code https://api.mypurecloud.de}).
   *
   * <p>A well-formed domain that is not a known region gives a region for that domain, so a region
   * added after this release, or a gateway, still works.
   *
   * @param text the region as written by a user or in configuration
   * @return the region
   * @throws IllegalArgumentException if {@code text} is neither a known name nor a domain, host or
   *     URL
   */
  public static GenesysRegion parse(String text) {
    Objects.requireNonNull(text, "region must not be null");
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("region must not be blank");
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    GenesysRegion byName = KNOWN_BY_NAME.get(lower.replace('-', '_'));
    if (byName != null) {
      return byName;
    }
    String host = lower.contains("://") ? hostOf(trimmed) : stripTrailingSlash(lower);
    if (host.startsWith("api.") || host.startsWith("login.")) {
      host = host.substring(host.indexOf('.') + 1);
    }
    GenesysRegion byDomain = forDomain(host);
    if (byDomain != null) {
      return byDomain;
    }
    throw new IllegalArgumentException(
        "unknown region '"
            + text
            + "': expected a region name such as us-east-1 or eu-central-1, a domain such as"
            + " mypurecloud.de, or an api./login. host or URL; known regions: "
            + KNOWN_BY_NAME.keySet());
  }

  private static GenesysRegion forDomain(String domain) {
    GenesysRegion known = KNOWN_BY_DOMAIN.get(domain);
    if (known != null) {
      return known;
    }
    return DOMAIN.matcher(domain).matches() ? new GenesysRegion(domain, domain) : null;
  }

  /**
   * The lower-case host of an http(s) URL; for anything else the empty string, which no domain
   * matches, so that such a URL is refused as an unknown region.
   */
  private static String hostOf(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
        return "";
      }
      return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return "";
    }
  }

  private static String stripTrailingSlash(String host) {
    return host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
  }

  /**
   * The region's name: the SDK name for a known region ({@code eu_central_1}), else its domain.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The domain under which the region's hosts live, such as {@code mypurecloud.de}.
   *
   * @return the domain
   */
  public String domain() {
    return domain;
  }

  /**
   * The OAuth token endpoint, {@code https://login.<domain>/oauth/token}.
   *
   * @return the token URI
   */
  public URI tokenUri() {
    return URI.create("https://login." + domain + "/oauth/token");
  }

  /**
   * The base of the Platform API, {@code https://api.<domain>}; API paths start with {@code
   * /api/v2/}.
   *
   * @return the API base URI
   */
  public URI apiBaseUri() {
    return URI.create("https://api." + domain);
  }

  /** Regions are equal when their domains are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof GenesysRegion && ((GenesysRegion) other).domain.equals(domain);
  }

  @Override
  public int hashCode() {
    return domain.hashCode();
  }

  /** The name, and the domain when they differ: {@code eu_central_1 (mypurecloud.de)}. */
  @Override
  public String toString() {
    return name.equals(domain) ? domain : name + " (" + domain + ")";
  }
}

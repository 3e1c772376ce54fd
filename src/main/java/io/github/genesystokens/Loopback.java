package io.github.genesystokens;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Which hosts may be reached over plain {@code http}: this machine's, for tests and emulators. */
final class Loopback {

  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){2}");

  private Loopback() {}

  /**
   * Whether {@code host} names this machine without a name lookup: {@code localhost}, an address
   * in 127.0.0.0/8, or {@code ::1}. No DNS is consulted, so a name cannot be made to look local.
   */
  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1")
        || IPV4_LOOPBACK.matcher(h).matches();
  }

  /**
   * Checks that {@code tokenUri} can serve as a token endpoint: no credentials in it (they would be
   * printed wherever the URI is), absolute with a host, and {@code https} unless it is a loopback
   * host.
   *
   * @throws IllegalArgumentException naming what is wrong; the message never repeats user info
   */
  static URI requireUsableTokenUri(URI tokenUri) {
    Objects.requireNonNull(tokenUri, "tokenUri must not be null");
    if (tokenUri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "tokenUri must not carry credentials; use clientId and clientSecret");
    }
    if (!tokenUri.isAbsolute() || tokenUri.getHost() == null) {
      throw new IllegalArgumentException(
          "tokenUri must be an absolute URI with a host: " + tokenUri);
    }
    if (!isSecureOrLoopback(tokenUri)) {
      throw new IllegalArgumentException(
          "tokenUri must use https (plain http is allowed only to a loopback host): " + tokenUri);
    }
    return tokenUri;
  }

  /** Whether requests to {@code uri} are encrypted or stay on this machine. */
  static boolean isSecureOrLoopback(URI uri) {
    String scheme = uri.getScheme();
    return "https".equalsIgnoreCase(scheme)
        || ("http".equalsIgnoreCase(scheme) && isLoopbackHost(uri.getHost()));
  }
}

package io.github.genesystokens;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What one set of credentials makes of a token request: the {@code Authorization} header (or
 * none), the form body, and the redaction of every form in which the server may echo them.
 *
 * <p>Built anew for each token request, which is rare: nothing is kept between requests.
 */
final class TokenRequest {

  /** {@code Basic ...}, or {@code null} for {@code client_secret_post}. */
  final String authorization;
  final byte[] form;
  final Redaction redaction;

  private TokenRequest(String authorization, byte[] form, Redaction redaction) {
    this.authorization = authorization;
    this.form = form;
    this.redaction = redaction;
  }

  /**
   * @param parameters the form parameters other than the credentials ({@code grant_type} first),
   *     not yet encoded
   * @throws TokenException if a Basic method is asked to carry a client id with a {@code :}
   */
  static TokenRequest of(
      ClientCredentials credentials,
      ClientAuthentication method,
      List<Map.Entry<String, String>> parameters,
      String source) {
    String id = credentials.clientId();
    String secret = credentials.clientSecret();
    if (method.usesBasic() && id.indexOf(':') >= 0) {
      throw new TokenException(
          "client id "
              + id
              + " ("
              + source
              + ") contains ':', which clientAuthentication "
              + method
              + " cannot send (RFC 7617: the server splits the id at the first ':');"
              + " use ClientAuthentication.CLIENT_SECRET_POST",
          null,
          false);
    }
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String> parameter : parameters) {
      append(body, parameter.getKey(), parameter.getValue());
    }
    String authorization = null;
    String basic = null;
    switch (method) {
      case GENESYS_BASIC:
        basic = base64(id + ":" + secret);
        break;
      case CLIENT_SECRET_BASIC:
        basic = base64(formEncode(id) + ":" + formEncode(secret));
        break;
      case CLIENT_SECRET_POST:
        append(body, "client_id", id);
        append(body, "client_secret", secret);
        break;
      default:
        throw new IllegalStateException("unknown client authentication " + method);
    }
    if (basic != null) {
      authorization = "Basic " + basic;
    }
    return new TokenRequest(
        authorization,
        body.toString().getBytes(StandardCharsets.US_ASCII),
        new Redaction(echoesOf(id, secret)));
  }

  /**
   * The forms in which a server may quote the secret: raw, form-encoded (with {@code +} or {@code
   * %20} for spaces), JSON-escaped, and the Basic values of both Basic methods (whichever was
   * sent: a proxy or a misconfigured server may have built the other).
   */
  private static String[] echoesOf(String id, String secret) {
    String form = formEncode(secret);
    String json = secret.replace("\\", "\\\\").replace("\"", "\\\"");
    return new String[] {
      secret,
      form,
      form.replace("+", "%20"),
      json,
      json.replace("/", "\\/"),
      base64(id + ":" + secret),
      base64(formEncode(id) + ":" + form)
    };
  }

  private static void append(StringBuilder body, String name, String value) {
    if (body.length() > 0) {
      body.append('&');
    }
    body.append(formEncode(name)).append('=').append(formEncode(value));
  }

  /** {@code application/x-www-form-urlencoded}, UTF-8: what RFC 6749 Appendix B prescribes. */
  static String formEncode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}

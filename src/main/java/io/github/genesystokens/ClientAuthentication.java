package io.github.genesystokens;

/**
 * How a token request carries the client id and secret: the three ways RFC 6749 servers accept
 * them. Set with {@link GenesysTokenProvider.Builder#clientAuthentication(ClientAuthentication)}.
 *
 * <p>The two Basic methods differ only for ids and secrets with characters that form encoding
 * changes ({@code + / = % : &} and spaces, non-ASCII): Genesys Cloud expects them raw, a standard
 * RFC 6749 server (Spring Authorization Server, Keycloak, most others) decodes them, so that a
 * {@code +} sent raw arrives as a space. Neither Basic method can carry a client id with a {@code
 * :}, which the server would take for the end of the id (RFC 7617 section 2): such an id is refused
 * at {@code build()}, or for credentials from a source, at the token request.
 */
public enum ClientAuthentication {

  /**
   * {@code Authorization: Basic base64(UTF-8(id + ":" + secret))}, neither part encoded: what the
   * Genesys Cloud login service and its SDKs use. The default.
   */
  GENESYS_BASIC,

  /**
   * {@code client_secret_basic} as RFC 6749 section 2.3.1 defines it: the id and the secret are
   * each form-encoded ({@code application/x-www-form-urlencoded}, UTF-8), then joined with {@code
   * :} and Base64-encoded into {@code Authorization: Basic}. The method most servers expect by
   * default.
   */
  CLIENT_SECRET_BASIC,

  /**
   * {@code client_secret_post}: {@code client_id} and {@code client_secret} as parameters of the
   * form body, and no {@code Authorization} header. RFC 6749 section 2.3.1 allows it for clients
   * that cannot use Basic; some servers register clients for this method only. A client id with a
   * {@code :} works here.
   */
  CLIENT_SECRET_POST;

  /** Whether the credentials go in a Basic header, which cannot carry a {@code :} in the id. */
  boolean usesBasic() {
    return this != CLIENT_SECRET_POST;
  }
}

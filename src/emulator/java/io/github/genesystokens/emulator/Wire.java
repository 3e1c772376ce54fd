package io.github.genesystokens.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The emulator's replies as the real service spells them (docs/genesys-login.md): the token reply,
 * the OAuth error shape of the login service and the {@code message/code/status} shape of the
 * Platform API.
 *
 * <p>Header names are written in their canonical case, not as Netty's lower-case constants: HTTP
 * says case does not matter, but the official Java SDK looks {@code ININ-Correlation-Id} and {@code
 * Retry-After} up with exact-case map lookups, and other real clients do the same.
 */
final class Wire {

  /** What the real service sends; {@code Genesys-Correlation-Id} is not sent. */
  static final String CORRELATION_ID = "ININ-Correlation-Id";
  static final String RETRY_AFTER = "Retry-After";
  static final String CONTENT_TYPE = "Content-Type";
  static final String CONTENT_LENGTH = "Content-Length";
  static final String CACHE_CONTROL = "Cache-Control";
  static final String PRAGMA = "Pragma";
  static final String WWW_AUTHENTICATE = "WWW-Authenticate";
  static final String ALLOW = "Allow";
  static final String JSON = "application/json";
  /** The body code of every 429 since Genesys promised {@code Retry-After} on all of them. */
  static final String TOO_MANY_REQUESTS_CODE = "too.many.requests.retry.after";

  /** Cut off mid-object: what a proxy that drops the connection delivers. */
  static final String MALFORMED_TOKEN_REPLY = "{\"access_token\":\"eyJ0eXAiOiJKV1Qi";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Wire() {}

  /** {@code {"access_token":"...","token_type":"bearer","expires_in":86400}}. */
  static String tokenReply(String token, long expiresInSeconds) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token);
    body.put("token_type", "bearer");
    body.put("expires_in", expiresInSeconds);
    return write(body);
  }

  /**
   * The login service's error shape: {@code error}, and the description twice, as {@code
   * description} and {@code error_description}.
   */
  static String oauthError(String error, String description) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("description", description);
    body.put("error_description", description);
    return write(body);
  }

  /** The Platform API's error shape, such as {@code {"message":..,"code":"bad.credentials",..}}. */
  static String apiError(String message, String code, int status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    body.put("code", code);
    body.put("status", status);
    return write(body);
  }

  /** A 429 body of the Platform API, asking to wait {@code seconds}. */
  static String tooManyRequests(long seconds) {
    return apiError(
        "Rate limit exceeded the maximum. Retry the request in [" + seconds + "] seconds",
        TOO_MANY_REQUESTS_CODE,
        429);
  }

  static String write(Map<String, Object> body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException impossible) {
      // Maps of strings and numbers always serialize.
      throw new IllegalStateException(impossible);
    }
  }

  /** Whole seconds, rounded up, never negative: {@code Retry-After} and {@code expires_in}. */
  static long ceilSeconds(Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      return 0;
    }
    long seconds = d.getSeconds();
    return d.getNano() > 0 ? seconds + 1 : seconds;
  }
}

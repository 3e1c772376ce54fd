package io.github.genesystokens.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The emulator's replies as the real service spells them ({@code genesys-oauth.md}): the token
 * reply, the OAuth error shape of the login service and the {@code message/code/status} shape of
 * the Platform API.
 */
final class Wire {

  static final String CORRELATION_ID = "Genesys-Correlation-Id";
  static final String RATE_LIMIT_ALLOWED = "inin-ratelimit-allowed";
  static final String RATE_LIMIT_COUNT = "inin-ratelimit-count";
  static final String RATE_LIMIT_RESET = "inin-ratelimit-reset";
  static final String JSON = "application/json";

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

package io.github.genesystokens;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * One reply of the token endpoint, read into a token or into a {@link TokenEndpointException}.
 *
 * <p>Success is {@code {"access_token":"...","token_type":"bearer","expires_in":86400}}; errors use
 * the OAuth shape, where Genesys puts the description in both {@code error_description} and {@code
 * description} (docs/genesys-login.md, "The reply").
 */
final class TokenReply {

  /** Longer than any lifetime Genesys issues (450 days at most): anything above is a bad reply. */
  static final Duration MAX_LIFETIME = Duration.ofDays(3650);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final java.math.BigDecimal LONG_MAX = java.math.BigDecimal.valueOf(Long.MAX_VALUE);

  static {
    // Jackson creates and caches a deserializer under a lock on first use: parsing once here keeps
    // that lock off the event loops, where many first replies at once (a fleet starting) would
    // contend for it (BlockHound caught the park).
    try {
      JSON.readTree("{}");
    } catch (java.io.IOException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  final int status;
  final byte[] body;
  final String contentType;
  final String retryAfter;
  final String correlationId;

  TokenReply(int status, byte[] body, String contentType, String retryAfter, String correlationId) {
    this.status = status;
    this.body = body;
    this.contentType = contentType;
    this.retryAfter = retryAfter;
    this.correlationId = correlationId;
  }

  /** Where the reply came from and how to quote it, for messages. */
  static final class Context {
    final String endpoint;
    final String clientId;
    final Redaction redaction;

    Context(String endpoint, String clientId, Redaction redaction) {
      this.endpoint = endpoint;
      this.clientId = clientId;
      this.redaction = redaction;
    }
  }

  /**
   * The token of a 2xx reply, or the error it stands for.
   *
   * @throws TokenEndpointException for an error status or a reply that is not a usable token
   */
  IssuedToken toToken(Instant requestedAt, Instant now, Context context) {
    if (status < 200 || status > 299) {
      throw toError(now, context);
    }
    JsonNode root = parse();
    if (root == null || !root.isObject()) {
      throw badReply("is not a JSON object", context);
    }
    JsonNode accessToken = root.get("access_token");
    if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isBlank()) {
      throw badReply("has no access_token", context);
    }
    Duration lifetime = lifetime(root.get("expires_in"));
    if (lifetime == null) {
      throw badReply(
          "has no usable expires_in (a positive number of seconds is required)", context);
    }
    JsonNode type = root.get("token_type");
    String tokenType = type != null && type.isTextual() && !type.asText().isBlank()
        ? type.asText()
        : "Bearer";
    return new IssuedToken(
        new AccessToken(
            accessToken.asText(), tokenType, requestedAt.plus(lifetime), scopes(root.get("scope"))),
        requestedAt);
  }

  /**
   * The space-delimited {@code scope} of RFC 6749 section 5.1; empty when absent or not text (the
   * RFC then means "as requested", but what was granted is not known, so nothing is claimed).
   */
  private static Set<String> scopes(JsonNode scope) {
    if (scope == null || !scope.isTextual() || scope.asText().isBlank()) {
      return Set.of();
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (String part : scope.asText().strip().split("\\s+")) {
      scopes.add(part);
    }
    return scopes;
  }

  private JsonNode parse() {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException notJson) {
      return null;
    } catch (java.io.IOException unreadable) {
      return null;
    }
  }

  /** Whole seconds, as a number or a numeric string, positive and not absurd; else null. */
  private static Duration lifetime(JsonNode node) {
    long seconds;
    if (node == null) {
      return null;
    } else if (node.isIntegralNumber() && node.canConvertToLong()) {
      seconds = node.asLong();
    } else if (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0) {
      // 3600.0; clamped first, as longValue() of a number past a long keeps only its low bits
      seconds = node.decimalValue().max(java.math.BigDecimal.ZERO).min(LONG_MAX).longValue();
    } else if (node.isTextual() && node.asText().strip().matches("\\d{1,12}")) {
      seconds = Long.parseLong(node.asText().strip());
    } else {
      return null;
    }
    if (seconds <= 0 || seconds > MAX_LIFETIME.getSeconds()) {
      return null;
    }
    return Duration.ofSeconds(seconds);
  }

  private TokenEndpointException badReply(String problem, Context context) {
    String message =
        "token endpoint "
            + context.endpoint
            + " answered HTTP "
            + status
            + " with a reply that "
            + problem
            + describeContentType()
            + correlationSuffix()
            + bodySuffix(context);
    return new TokenEndpointException(message, status, null, null, null, correlationId, false);
  }

  private TokenEndpointException toError(Instant now, Context context) {
    JsonNode root = parse();
    String error = root != null && root.isObject() ? text(root, "error") : null;
    String description = root != null && root.isObject() ? description(root) : null;
    boolean retryable = RetryRules.isRetryableReply(status, error, description);
    Duration wait = RetryRules.parseRetryAfter(retryAfter, now);

    StringBuilder message =
        new StringBuilder("token request for client ")
            .append(context.clientId)
            .append(" to ")
            .append(context.endpoint)
            .append(" failed: HTTP ")
            .append(status);
    if (error != null) {
      message.append(' ').append(context.redaction.redact(error));
    }
    if (description != null) {
      message.append(" (").append(context.redaction.redact(description)).append(')');
    }
    String hint = hint(error, description, retryable);
    if (hint != null) {
      message.append(": ").append(hint);
    }
    if (wait != null) {
      message.append("; Retry-After ").append(Failures.format(wait));
    }
    message.append(correlationSuffix()).append(bodySuffix(context));
    return new TokenEndpointException(
        message.toString(), status, error, description, wait, correlationId, retryable);
  }

  private String hint(String error, String description, boolean retryable) {
    String d = description == null ? "" : description.toLowerCase(Locale.ROOT);
    if ("invalid_client".equals(error) && d.contains("client not found")) {
      return "this client id is not known at this login host; the region may be wrong"
          + " (an OAuth client exists in one region only)";
    }
    if ("invalid_client".equals(error)) {
      return "check the client id and secret";
    }
    if (RetryRules.isGenesysThrottle(error, description)) {
      return "the login service is throttling token requests";
    }
    if (status == 429) {
      return "too many requests";
    }
    return retryable ? "the login service is unavailable" : null;
  }

  private static String description(JsonNode root) {
    String d = text(root, "error_description");
    return d != null ? d : text(root, "description");
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }

  private String describeContentType() {
    return contentType == null ? "" : " (Content-Type " + contentType + ")";
  }

  private String correlationSuffix() {
    return correlationId == null ? "" : " [correlation id " + correlationId + "]";
  }

  private String bodySuffix(Context context) {
    if (body.length == 0) {
      return "; empty body";
    }
    return "; body: " + context.redaction.excerpt(body);
  }
}

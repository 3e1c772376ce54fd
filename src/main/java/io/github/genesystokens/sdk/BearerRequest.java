package io.github.genesystokens.sdk;

import com.mypurecloud.sdk.v2.connector.ApiClientConnectorRequest;
import io.github.genesystokens.AccessToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SDK request with {@code Authorization: Bearer <token>}. The SDK's own header map is copied,
 * not changed: the SDK sends the same request object again when it retries a 429 or 5xx, and that
 * attempt must take a token of its own.
 */
final class BearerRequest implements ApiClientConnectorRequest {

  private final ApiClientConnectorRequest request;
  private final Map<String, String> headers;

  BearerRequest(ApiClientConnectorRequest request, AccessToken token) {
    this.request = request;
    Map<String, String> copy = new LinkedHashMap<>();
    request
        .getHeaders()
        .forEach(
            (name, value) -> {
              if (!"Authorization".equalsIgnoreCase(name)) {
                copy.put(name, value);
              }
            });
    copy.put("Authorization", "Bearer " + token.value());
    this.headers = Collections.unmodifiableMap(copy);
  }

  @Override
  public String getMethod() {
    return request.getMethod();
  }

  @Override
  public String getUrl() {
    return request.getUrl();
  }

  @Override
  public Map<String, String> getHeaders() {
    return headers;
  }

  @Override
  public boolean hasBody() {
    return request.hasBody();
  }

  @Override
  public String readBody() throws IOException {
    return request.readBody();
  }

  @Override
  public InputStream getBody() throws IOException {
    return request.getBody();
  }

  /** Method and URL; never the token. */
  @Override
  public String toString() {
    return "BearerRequest[" + getMethod() + " " + getUrl() + "]";
  }
}

package io.github.genesystokens.sdk;

import com.mypurecloud.sdk.v2.connector.ApiClientConnector;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorProperties;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorProvider;
import com.mypurecloud.sdk.v2.connector.apache.ApacheHttpClientConnectorProvider;
import io.github.genesystokens.TokenProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a {@link BearerConnector} around the SDK's default transport for each {@code ApiClient}
 * built with it, and counts the replays of all of them.
 */
final class BearerConnectorProvider implements ApiClientConnectorProvider {

  private final TokenProvider tokens;
  private final Duration tokenWait;
  private final AtomicLong replays = new AtomicLong();

  BearerConnectorProvider(TokenProvider tokens, Duration tokenWait) {
    this.tokens = Objects.requireNonNull(tokens, "tokens must not be null");
    Objects.requireNonNull(tokenWait, "tokenWait must not be null");
    if (tokenWait.isNegative() || tokenWait.isZero()) {
      throw new IllegalArgumentException("tokenWait must be positive: " + tokenWait);
    }
    this.tokenWait = tokenWait;
  }

  /**
   * The SDK's own default (Apache) connector, made from the builder's properties so that its
   * timeout, proxy and interceptors apply, wrapped. The loader's other sources (the property, a
   * {@code ServiceLoader}) would find this provider again.
   */
  @Override
  public ApiClientConnector create(ApiClientConnectorProperties properties) {
    return new BearerConnector(
        new ApacheHttpClientConnectorProvider().create(properties), tokens, tokenWait, replays);
  }

  /** How many requests were sent again after a 401, by every connector made here. */
  long replays() {
    return replays.get();
  }

  /** The provider; no token. */
  @Override
  public String toString() {
    return "GenesysSdk.connectorProvider[" + tokens + ", replays=" + replays.get() + "]";
  }
}

package io.github.genesystokens.sdk;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorProperty;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorProvider;
import io.github.genesystokens.TokenProvider;
import java.time.Duration;
import java.util.Objects;

/**
 * Makes the official Genesys Cloud Java SDK ({@code com.mypurecloud:platform-client-v2}) take its
 * tokens from a {@link TokenProvider}, by itself: no {@code setAccessToken}, no 401 handling in
 * your code.
 *
 * <pre>{@code
 * TokenProvider tokens = GenesysTokenProvider.builder()
 *     .clientId(clientId)
 *     .clientSecret(clientSecret)
 *     .region(GenesysRegion.EU_CENTRAL_1)
 *     .build();
 * ApiClient apiClient = GenesysSdk.apiClientBuilder(tokens)
 *     .withBasePath(GenesysRegion.EU_CENTRAL_1.apiBaseUri().toString())
 *     .build();
 * Organization org = new OrganizationApi(apiClient).getOrganizationsMe();
 * }</pre>
 *
 * <p>The connector behind it keeps the SDK's own transport (its Apache HTTP client, with the
 * timeout and proxy set on the builder) and, on every API request, synchronous or asynchronous:
 *
 * <ul>
 *   <li>sets {@code Authorization: Bearer <token>} from the provider, replacing any value there;
 *   <li>on a <b>401</b> closes that response, invalidates exactly the token it sent, and sends the
 *       request <b>once</b> more with a new token (the SDK's request bodies are strings, so the
 *       replay sends the same bytes); a second 401 reaches the SDK as is;
 *   <li>on a <b>403</b> does nothing: a missing role is not fixed by a new token;
 *   <li>lets requests that carry {@code Authorization: Basic} (the SDK's own login calls) pass
 *       untouched.
 * </ul>
 *
 * <p>If no token can be obtained, the request fails as the SDK's transport failures do: an {@link
 * java.io.IOException} whose cause is the provider's {@link io.github.genesystokens.TokenException}
 * (thrown by synchronous calls, given to {@code AsyncApiCallback.onFailed} by asynchronous ones).
 * Synchronous calls wait for a token on the calling thread, at most 30 seconds by default, and
 * refuse to run on a Reactor non-blocking thread (as {@link
 * io.github.genesystokens.BlockingTokens} does); asynchronous calls never block.
 *
 * <p>The token goes to whatever host the request goes to: use such a client only for {@code
 * https://api.<domain>/api/v2/...}. The SDK is an optional dependency of this library; see {@code
 * docs/integrations.md} for what to exclude from it.
 */
public final class GenesysSdk {

  /**
   * How long a synchronous SDK call waits for a token by default: three token requests at the
   * provider's default 10 s timeout. The shared token request goes on for the others when one
   * caller gives up.
   */
  static final Duration DEFAULT_TOKEN_WAIT = Duration.ofSeconds(30);

  private GenesysSdk() {}

  /**
   * An {@code ApiClient.Builder} from {@code ApiClient.Builder.standard()} with the connector of
   * {@link #connectorProvider(TokenProvider)} and {@code withShouldRefreshAccessToken(false)}
   * already set; add the base path (and any other setting) and build.
   *
   * <p>{@code withShouldRefreshAccessToken(false)} matters: with it on (the SDK's default), a 401
   * makes the SDK attempt a refresh-token login of its own, which a client-credentials client
   * cannot do, and the call fails after about 10 seconds.
   *
   * @param tokens where the tokens come from; the caller keeps owning (and closes) it
   * @return a builder for an {@code ApiClient} that needs no access token
   */
  public static ApiClient.Builder apiClientBuilder(TokenProvider tokens) {
    return apiClientBuilder(new BearerConnectorProvider(tokens, DEFAULT_TOKEN_WAIT));
  }

  /**
   * A connector provider for {@code ApiClient.Builder.withProperty(ApiClientConnectorProperty
   * .CONNECTOR_PROVIDER, ...)}, for builders you set up yourself. Synchronous calls wait at most 30
   * seconds for a token. Also call {@code withShouldRefreshAccessToken(false)} on such a builder
   * (see {@link #apiClientBuilder(TokenProvider)}).
   *
   * @param tokens where the tokens come from
   * @return the provider; each {@code ApiClient} built with it gets a connector of its own
   */
  public static ApiClientConnectorProvider connectorProvider(TokenProvider tokens) {
    return new BearerConnectorProvider(tokens, DEFAULT_TOKEN_WAIT);
  }

  /**
   * As {@link #connectorProvider(TokenProvider)}, with the longest wait of a synchronous call for a
   * token.
   *
   * @param tokens where the tokens come from
   * @param tokenWait how long a synchronous call waits for a token, positive
   * @return the provider
   */
  public static ApiClientConnectorProvider connectorProvider(
      TokenProvider tokens, Duration tokenWait) {
    return new BearerConnectorProvider(tokens, tokenWait);
  }

  /** The builder of {@link #apiClientBuilder(TokenProvider)}, around a given connector provider. */
  static ApiClient.Builder apiClientBuilder(BearerConnectorProvider connectors) {
    Objects.requireNonNull(connectors, "connectors must not be null");
    return ApiClient.Builder.standard()
        .withProperty(ApiClientConnectorProperty.CONNECTOR_PROVIDER, connectors)
        .withShouldRefreshAccessToken(false);
  }
}

package io.github.genesystokens.bench;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The peer: Spring Security's reactive OAuth2 client, as its reference documentation sets it up for
 * the client-credentials grant outside a web request ({@code
 * AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager} behind {@code
 * ServerOAuth2AuthorizedClientExchangeFilterFunction}).
 */
final class Peer {

  static final String REGISTRATION_ID = "genesys";

  final InMemoryReactiveOAuth2AuthorizedClientService service;
  final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;
  final ServerOAuth2AuthorizedClientExchangeFilterFunction filter;
  final OAuth2AuthorizeRequest authorizeRequest;

  /** What may differ from the peer's defaults; each departure is stated in the report. */
  static final class Options {
    /** A token client on this WebClient instead of the default one (null: the default). */
    WebClient tokenWebClient;
    /** The provider's clock skew instead of its 60 s default (null: the default). */
    Duration clockSkew;
    /** The provider's clock instead of the system clock (null: the default). */
    Clock clock;
    /** The failure handler the peer's javadoc recommends, so that a 401 drops the token. */
    boolean removeOn401;
  }

  Peer(URI tokenUri, String clientId, String clientSecret, Options options) {
    ClientRegistration registration =
        ClientRegistration.withRegistrationId(REGISTRATION_ID)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .tokenUri(tokenUri.toString())
            .build();
    InMemoryReactiveClientRegistrationRepository registrations =
        new InMemoryReactiveClientRegistrationRepository(registration);
    this.service = new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
    this.manager =
        new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, service);
    if (options.tokenWebClient != null || options.clockSkew != null || options.clock != null) {
      ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider =
          new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
      if (options.tokenWebClient != null) {
        WebClientReactiveClientCredentialsTokenResponseClient tokens =
            new WebClientReactiveClientCredentialsTokenResponseClient();
        tokens.setWebClient(options.tokenWebClient);
        provider.setAccessTokenResponseClient(tokens);
      }
      if (options.clockSkew != null) {
        provider.setClockSkew(options.clockSkew);
      }
      if (options.clock != null) {
        provider.setClock(options.clock);
      }
      manager.setAuthorizedClientProvider(provider);
    }
    this.filter = new ServerOAuth2AuthorizedClientExchangeFilterFunction(manager);
    filter.setDefaultClientRegistrationId(REGISTRATION_ID);
    if (options.removeOn401) {
      filter.setAuthorizationFailureHandler(
          new RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler(
              (id, principal, attributes) ->
                  service.removeAuthorizedClient(id, principal.getName())));
    }
    this.authorizeRequest =
        OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION_ID).principal("bench").build();
  }

  /** The cached (or newly requested) authorized client, the way the filter gets it. */
  Mono<OAuth2AuthorizedClient> authorize() {
    return manager.authorize(authorizeRequest);
  }
}

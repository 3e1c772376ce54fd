package io.github.genesystokens.interop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * A real RFC 6749 authorization server in the test JVM: Spring Authorization Server (Spring
 * Security 7.0, under Spring Boot 4.0.7 and its embedded Tomcat) on {@code 127.0.0.1}, a free
 * port, with the clients of {@link #CLIENTS} registered for the client-credentials grant.
 *
 * <p>Start it once per test class ({@code @BeforeAll}) and close it after ({@code @AfterAll}).
 * Its tokens are JWTs that live {@link #TOKEN_LIFETIME}, so a test can watch one renewed; an
 * {@code audience} parameter of the token request becomes the token's {@code aud} claim, so a
 * test can see the extra parameters arrive.
 */
final class AuthorizationServerFixture implements AutoCloseable {

  /** How long the server's tokens live: short, to show the refresh. */
  static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

  /** One registered client: its id, its secret and the one method it may authenticate with. */
  record Client(String id, String secret, ClientAuthenticationMethod method) {
    @Override
    public String toString() {
      return id + " (" + method.getValue() + ")";
    }
  }

  /**
   * Secrets that form encoding changes, and ids with characters that Basic or forms mangle. Ids
   * stay printable ASCII: RFC 6749 (Appendix A.1) allows nothing else, and this server refuses a
   * non-ASCII id with {@code invalid_request}.
   */
  static final String TRICKY_SECRET = "a+b/c=d%e f:g";

  static final String PLUS_SECRET = "p+q/r=s";

  static final Client BASIC_TRICKY =
      new Client("interop-basic", TRICKY_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
  static final Client BASIC_PLUS =
      new Client("app id+x/y=z&w%", PLUS_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
  static final Client BASIC_PLAIN =
      new Client("plain-basic", "plain-secret-42", ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
  static final Client POST_TRICKY =
      new Client("interop-post", TRICKY_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_POST);
  static final Client POST_COLON =
      new Client("urn:example:client:7", PLUS_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_POST);

  static final List<Client> CLIENTS =
      List.of(BASIC_TRICKY, BASIC_PLUS, BASIC_PLAIN, POST_TRICKY, POST_COLON);

  /** The scopes every client may ask for. */
  static final List<String> SCOPES = List.of("read", "write");

  private final ConfigurableApplicationContext context;
  private final URI tokenUri;

  private AuthorizationServerFixture(ConfigurableApplicationContext context) {
    this.context = context;
    int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    this.tokenUri = URI.create("http://127.0.0.1:" + port + "/oauth2/token");
  }

  /** Starts the server; the caller closes it. */
  static AuthorizationServerFixture start() {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(ServerConfiguration.class)
            .web(WebApplicationType.SERVLET)
            .properties(
                Map.of(
                    "server.address", "127.0.0.1",
                    "server.port", "0",
                    "spring.main.banner-mode", "off",
                    "spring.main.register-shutdown-hook", "false",
                    "logging.level.root", "warn"))
            .run();
    return new AuthorizationServerFixture(context);
  }

  /** The token endpoint, {@code http://127.0.0.1:<port>/oauth2/token}. */
  URI tokenUri() {
    return tokenUri;
  }

  @Override
  public void close() {
    context.close();
  }

  /** The server: Spring Boot's auto-configuration of Spring Authorization Server, our clients. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class ServerConfiguration {

    /**
     * Our clients, in a map: Spring's {@code InMemoryRegisteredClientRepository} refuses two
     * clients with one secret, and the same tricky secret is registered for both methods.
     */
    @Bean
    RegisteredClientRepository registeredClients() {
      TokenSettings tokens = TokenSettings.builder().accessTokenTimeToLive(TOKEN_LIFETIME).build();
      Map<String, RegisteredClient> byClientId = new ConcurrentHashMap<>();
      for (Client client : CLIENTS) {
        byClientId.put(
            client.id(),
            RegisteredClient.withId(
                    UUID.nameUUIDFromBytes(client.id().getBytes(StandardCharsets.UTF_8)).toString())
                .clientId(client.id())
                // {noop}: the secret is compared as it is, so what arrives is what counts.
                .clientSecret("{noop}" + client.secret())
                .clientAuthenticationMethod(client.method())
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(scopes -> scopes.addAll(SCOPES))
                .tokenSettings(tokens)
                .build());
      }
      return new RegisteredClientRepository() {
        @Override
        public void save(RegisteredClient client) {
          byClientId.put(client.getClientId(), client);
        }

        @Override
        public RegisteredClient findById(String id) {
          return byClientId.values().stream()
              .filter(client -> client.getId().equals(id))
              .findFirst()
              .orElse(null);
        }

        @Override
        public RegisteredClient findByClientId(String clientId) {
          return byClientId.get(clientId);
        }
      };
    }

    /** Copies an {@code audience} parameter of the token request into the token's claims. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> audienceFromTheRequest() {
      return context -> {
        if (context.getAuthorizationGrant() instanceof OAuth2ClientCredentialsAuthenticationToken grant) {
          Object audience = grant.getAdditionalParameters().get("audience");
          if (audience != null) {
            context.getClaims().audience(List.of(Objects.toString(audience)));
          }
        }
      };
    }
  }
}

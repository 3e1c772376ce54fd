package io.github.genesystokens.interop;

import static io.github.genesystokens.interop.AuthorizationServerFixture.BASIC_PLAIN;
import static io.github.genesystokens.interop.AuthorizationServerFixture.BASIC_PLUS;
import static io.github.genesystokens.interop.AuthorizationServerFixture.BASIC_TRICKY;
import static io.github.genesystokens.interop.AuthorizationServerFixture.POST_COLON;
import static io.github.genesystokens.interop.AuthorizationServerFixture.POST_TRICKY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.genesystokens.AccessToken;
import io.github.genesystokens.ClientAuthentication;
import io.github.genesystokens.ClientCredentials;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.Poll;
import io.github.genesystokens.TokenEndpointException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TestClock;
import io.github.genesystokens.interop.AuthorizationServerFixture.Client;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The provider against a real RFC 6749 server, Spring Authorization Server (see {@link
 * AuthorizationServerFixture}): each client authentication method with the secrets and ids that
 * form encoding and Basic splitting change, the granted scopes, extra parameters, and the renewal
 * of short-lived tokens.
 */
class AuthorizationServerInteropTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static AuthorizationServerFixture server;

  @BeforeAll
  static void startServer() {
    server = AuthorizationServerFixture.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static GenesysTokenProvider.Builder provider(Client client, ClientAuthentication method) {
    return GenesysTokenProvider.builder()
        .clientId(client.id())
        .clientSecret(client.secret())
        .clientAuthentication(method)
        .tokenUri(server.tokenUri())
        .maxRetries(0);
  }

  /** The claims of the server's JWT: {@code sub} is the client the token was issued to. */
  private static JsonNode claims(AccessToken token) throws Exception {
    String payload = token.value().split("\\.")[1];
    return JSON.readTree(Base64.getUrlDecoder().decode(payload));
  }

  static Stream<Arguments> methodsAndClients() {
    return Stream.of(
        Arguments.of(ClientAuthentication.CLIENT_SECRET_BASIC, BASIC_TRICKY),
        Arguments.of(ClientAuthentication.CLIENT_SECRET_BASIC, BASIC_PLUS),
        Arguments.of(ClientAuthentication.CLIENT_SECRET_BASIC, BASIC_PLAIN),
        Arguments.of(ClientAuthentication.GENESYS_BASIC, BASIC_PLAIN),
        Arguments.of(ClientAuthentication.CLIENT_SECRET_POST, POST_TRICKY),
        Arguments.of(ClientAuthentication.CLIENT_SECRET_POST, POST_COLON));
  }

  @ParameterizedTest(name = "{0} authenticates {1}")
  @MethodSource("methodsAndClients")
  void theClientAuthenticatesAndGetsATokenIssuedToItself(
      ClientAuthentication method, Client client) throws Exception {
    try (TokenProvider tokens = provider(client, method).build()) {
      AccessToken token = tokens.token().block(Duration.ofSeconds(10));

      assertThat(token).isNotNull();
      assertThat(token.tokenType()).isEqualToIgnoringCase("Bearer");
      // The id arrived whole: neither split at a ':' nor mangled by encoding.
      assertThat(claims(token).path("sub").asText()).isEqualTo(client.id());
    }
  }

  @Test
  void aTrickySecretAuthenticatesWithCredentialsFromASource() throws Exception {
    try (TokenProvider tokens =
        GenesysTokenProvider.builder()
            .credentials(Mono.just(ClientCredentials.of(POST_COLON.id(), POST_COLON.secret())))
            .clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST)
            .tokenUri(server.tokenUri())
            .build()) {
      AccessToken token = tokens.token().block(Duration.ofSeconds(10));

      assertThat(claims(token).path("sub").asText()).isEqualTo(POST_COLON.id());
    }
  }

  static Stream<Client> secretsThatFormEncodingChanges() {
    return Stream.of(BASIC_TRICKY, BASIC_PLUS);
  }

  /** Why the method is a choice: the Genesys raw Basic is decoded by a standard server. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("secretsThatFormEncodingChanges")
  void genesysBasicIsRefusedByAStandardServerForSecretsThatFormEncodingChanges(Client client) {
    try (TokenProvider tokens = provider(client, ClientAuthentication.GENESYS_BASIC).build()) {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(TokenEndpointException.class);
                assertThat(((TokenEndpointException) e).error())
                    .isIn("invalid_client", "invalid_request");
                assertThat(e.getMessage()).doesNotContain(client.secret());
              })
          .verify(Duration.ofSeconds(10));
    }
  }

  @Test
  void aClientRegisteredForPostCannotUseBasicAndTheErrorSaysInvalidClient() {
    Client postOnly = new Client(POST_TRICKY.id(), POST_TRICKY.secret(), POST_TRICKY.method());
    try (TokenProvider tokens =
        provider(postOnly, ClientAuthentication.CLIENT_SECRET_BASIC).build()) {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(
              e -> {
                assertThat(((TokenEndpointException) e).error()).isEqualTo("invalid_client");
                assertThat(e.getMessage()).contains("check the client id and secret");
              })
          .verify(Duration.ofSeconds(10));
    }
  }

  @Test
  void aColonInTheClientIdIsRefusedAtBuildForTheBasicMethods() {
    for (ClientAuthentication basic :
        new ClientAuthentication[] {
          ClientAuthentication.GENESYS_BASIC, ClientAuthentication.CLIENT_SECRET_BASIC
        }) {
      assertThatThrownBy(() -> provider(POST_COLON, basic).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("clientAuthentication " + basic)
          .hasMessageContaining("CLIENT_SECRET_POST")
          .hasMessageNotContaining(POST_COLON.secret());
    }
  }

  @Test
  void theGrantedScopesAreTheOnesOfTheReply() {
    try (TokenProvider tokens =
        provider(BASIC_TRICKY, ClientAuthentication.CLIENT_SECRET_BASIC).scopes("read").build()) {
      AccessToken token = tokens.token().block(Duration.ofSeconds(10));

      assertThat(token.scopes()).containsExactly("read");
      assertThat(token.toString()).contains("scopes=[read]").doesNotContain(token.value());
    }
  }

  @Test
  void extraParametersReachTheServerFormEncoded() throws Exception {
    String audience = "https://api.example.com/a b+c";
    try (TokenProvider tokens =
        provider(POST_TRICKY, ClientAuthentication.CLIENT_SECRET_POST)
            .tokenRequestParameter("audience", audience)
            .build()) {
      AccessToken token = tokens.token().block(Duration.ofSeconds(10));

      JsonNode aud = claims(token).path("aud");
      assertThat(aud.isArray() ? aud.get(0).asText() : aud.asText()).isEqualTo(audience);
    }
  }

  @Test
  void aFiveSecondTokenIsRenewedAheadOfItsExpiry() {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    try (TokenProvider tokens =
        provider(BASIC_PLUS, ClientAuthentication.CLIENT_SECRET_BASIC)
            .clock(TestClock.following(time))
            .scheduler(time)
            .build()) {
      AccessToken first = tokens.token().block(Duration.ofSeconds(10));
      // The server counts expires_in down to whole seconds at the moment it answers: 4 or 5.
      assertThat(Duration.between(TestClock.ORIGIN, first.expiresAt()))
          .isBetween(Duration.ofSeconds(4), AuthorizationServerFixture.TOKEN_LIFETIME);

      // Refresh ahead is capped at half the lifetime: the timer fires by 2.5 s.
      time.advanceTimeBy(Duration.ofMillis(2_600));
      AccessToken second =
          Poll.until(() -> tokens.token().block(Duration.ofSeconds(5)), t -> !t.equals(first),
              Duration.ofSeconds(10));

      assertThat(second.value()).isNotEqualTo(first.value());
      assertThat(second.expiresAt()).isAfter(first.expiresAt());
    } finally {
      time.dispose();
    }
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Credentials from a source, the settings around client authentication, and the granted scopes,
 * against a scripted token endpoint on 127.0.0.1.
 */
class CredentialSourceTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String GOOD =
      "{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":3600}";

  @TempDir Path dir;
  private MockWebServer server;
  private URI tokenUri;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    tokenUri = server.url("/oauth/token").uri();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private GenesysTokenProvider.Builder from(Mono<ClientCredentials> source) {
    return GenesysTokenProvider.builder()
        .credentials(source)
        .tokenUri(tokenUri)
        .maxRetries(0)
        .failureCooldown(Duration.ZERO);
  }

  private static String basicOf(RecordedRequest request) {
    String header = request.getHeaders().get("Authorization");
    return new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
  }

  @Test
  void theSourceIsReadForEachTokenRequestAndNeverForACachedToken() {
    AtomicInteger reads = new AtomicInteger();
    Mono<ClientCredentials> source =
        Mono.fromSupplier(() -> ClientCredentials.of("id-" + reads.incrementAndGet(), "secret"));
    server.enqueue(json(200, GOOD));
    server.enqueue(json(200, GOOD.replace("tok-1", "tok-2")));
    try (TokenProvider tokens = from(source).build()) {
      AccessToken first = tokens.token().block(WAIT);
      tokens.token().block(WAIT);
      tokens.token().block(WAIT);
      assertThat(reads.get()).isEqualTo(1);

      tokens.invalidate(first);
      assertThat(tokens.token().block(WAIT).value()).isEqualTo("tok-2");
      assertThat(reads.get()).isEqualTo(2);
    }
  }

  @Test
  void invalidClientWithChangedCredentialsSendsTheRequestAgainAtOnceInTheSameFetch()
      throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Mono<ClientCredentials> source =
        Mono.fromSupplier(
            () -> ClientCredentials.of("id", reads.incrementAndGet() == 1 ? "old" : "new"));
    server.enqueue(json(401, "{\"error\":\"invalid_client\"}"));
    server.enqueue(json(200, GOOD));
    try (TokenProvider tokens = from(source).build()) {
      StepVerifier.create(tokens.token())
          .assertNext(token -> assertThat(token.value()).isEqualTo("tok-1"))
          .verifyComplete();
    }
    assertThat(reads.get()).isEqualTo(2);
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(basicOf(server.takeRequest(1, TimeUnit.SECONDS))).isEqualTo("id:old");
    assertThat(basicOf(server.takeRequest(1, TimeUnit.SECONDS))).isEqualTo("id:new");
  }

  @Test
  void invalidClientWithTheSameCredentialsIsNotSentAgainAndKeepsItsCooldown() {
    AtomicInteger reads = new AtomicInteger();
    Mono<ClientCredentials> source =
        Mono.fromSupplier(
            () -> {
              reads.incrementAndGet();
              return ClientCredentials.of("id", "wrong");
            });
    server.enqueue(json(401, "{\"error\":\"invalid_client\"}"));
    try (TokenProvider tokens = from(source).failureCooldown(Duration.ofMinutes(1)).build()) {
      StepVerifier.create(tokens.token()).expectError(TokenEndpointException.class).verify(WAIT);
      StepVerifier.create(tokens.token()).expectError(TokenEndpointException.class).verify(WAIT);
    }
    assertThat(reads.get()).isEqualTo(2);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aFailingSourceGivesATokenExceptionThatNamesIt() {
    Mono<ClientCredentials> vault =
        Mono.<ClientCredentials>error(new IOException("vault unreachable")).name("vault");
    try (TokenProvider tokens = from(vault).build()) {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isExactlyInstanceOf(TokenException.class)
                      .hasMessageContaining("credentials source 'vault' failed")
                      .hasCauseInstanceOf(IOException.class))
          .verify(WAIT);
      assertThat(tokens.toString()).contains("credentials from 'vault'");
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void anEmptySourceGivesATokenExceptionThatNamesIt() {
    try (TokenProvider tokens = from(Mono.<ClientCredentials>empty().name("none")).build()) {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(TokenException.class)
                      .hasMessageContaining("credentials source 'none' completed without credentials"))
          .verify(WAIT);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void filesAreReadTrimmedAndTheirFailuresNameThePathNeverTheContent() throws Exception {
    Path id = dir.resolve("id");
    Path secret = dir.resolve("secret");
    Files.writeString(id, "  file-client \n");
    Files.writeString(secret, "file-secret\n");
    Mono<ClientCredentials> files = ClientCredentials.fromFiles(id, secret);

    StepVerifier.create(files)
        .expectNext(ClientCredentials.of("file-client", "file-secret"))
        .verifyComplete();
    assertThat(files.toString()).contains(id.toString(), secret.toString());

    Files.writeString(secret, " \n");
    StepVerifier.create(files)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(TokenException.class)
                    .hasMessage("credentials file " + secret + " is empty"))
        .verify(WAIT);

    Files.delete(id);
    StepVerifier.create(files)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(TokenException.class)
                    .hasMessage("credentials file " + id + " does not exist"))
        .verify(WAIT);
  }

  @Test
  void aColonInAnIdFromTheSourceIsRefusedForBasicBeforeAnyRequest() {
    Mono<ClientCredentials> source = Mono.just(ClientCredentials.of("urn:x:1", "s"));
    try (TokenProvider tokens = from(source).build()) {
      StepVerifier.create(tokens.token())
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(TokenException.class)
                      .hasMessageContaining("clientAuthentication GENESYS_BASIC")
                      .hasMessageContaining("CLIENT_SECRET_POST"))
          .verify(WAIT);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void credentialsAreValuesWithAMaskedToString() {
    ClientCredentials a = ClientCredentials.of("id", "top-secret");
    assertThat(a).isEqualTo(ClientCredentials.of("id", "top-secret")).hasSameHashCodeAs(
        ClientCredentials.of("id", "top-secret"));
    assertThat(a).isNotEqualTo(ClientCredentials.of("id", "top-secret-2"));
    assertThat(a.toString()).contains("id").doesNotContain("top-secret");
    assertThatThrownBy(() -> ClientCredentials.of("id", " "))
        .hasMessageContaining("clientSecret");
    assertThatThrownBy(() -> ClientCredentials.of("", "s")).hasMessageContaining("clientId");
  }

  @Test
  void settingCredentialsAndAClientIdIsRefusedAtBuild() {
    assertThatThrownBy(
            () ->
                from(Mono.just(ClientCredentials.of("a", "b"))).clientId("a").clientSecret("b").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("credentials or clientId");
  }

  @Test
  void parametersTheProviderSetsItselfAreRefused() {
    for (String reserved : List.of("grant_type", "scope", "client_id", "client_secret")) {
      assertThatThrownBy(() -> GenesysTokenProvider.builder().tokenRequestParameter(reserved, "x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tokenRequestParameter " + reserved);
    }
    assertThatThrownBy(() -> GenesysTokenProvider.builder().tokenRequestParameter(" ", "x"))
        .hasMessageContaining("tokenRequestParameter name");
  }

  @Test
  void extraParametersAreFormEncodedInOrderAfterTheScope() throws Exception {
    server.enqueue(json(200, GOOD));
    try (TokenProvider tokens =
        GenesysTokenProvider.builder()
            .clientId("id")
            .clientSecret("s")
            .tokenUri(tokenUri)
            .scopes("read")
            .tokenRequestParameter("resource", "https://a.example/x y")
            .tokenRequestParameter("resource", "urn:b&c")
            .build()) {
      tokens.token().block(WAIT);
    }
    assertThat(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8())
        .isEqualTo(
            "grant_type=client_credentials&scope=read"
                + "&resource=https%3A%2F%2Fa.example%2Fx+y&resource=urn%3Ab%26c");
  }

  @Test
  void theGrantedScopesAreReadFromTheReplyAndEmptyWhenAbsent() {
    server.enqueue(json(200, GOOD.replace("}", ",\"scope\":\" read  write:all \"}")));
    server.enqueue(json(200, GOOD.replace("}", ",\"scope\":42}")));
    try (TokenProvider tokens = from(Mono.just(ClientCredentials.of("id", "s"))).build()) {
      AccessToken granted = tokens.token().block(WAIT);
      assertThat(granted.scopes()).containsExactly("read", "write:all");
      assertThatThrownBy(() -> granted.scopes().add("x"))
          .isInstanceOf(UnsupportedOperationException.class);
      tokens.invalidate(granted);
      assertThat(tokens.token().block(WAIT).scopes()).isEmpty();
    }
    AccessToken old = new AccessToken("v", "bearer", Instant.EPOCH);
    assertThat(old.scopes()).isEmpty();
    assertThat(old.toString()).doesNotContain("scopes");
    assertThat(new AccessToken("v", "bearer", Instant.EPOCH, Set.of("a")).toString())
        .contains("scopes=[a]")
        .doesNotContain("=v");
  }

  @Test
  void aRegistryKeyedByASourceCreatesOneProviderPerSourceWithoutASecretLookup() {
    Mono<ClientCredentials> source = Mono.just(ClientCredentials.of("org-a", "s")).name("org-a");
    server.enqueue(json(200, GOOD));
    try (TokenProviderRegistry registry = TokenProviderRegistry.builder().build()) {
      TokenProviderRegistry.Key key = TokenProviderRegistry.Key.of(tokenUri, source);
      assertThat(registry.provider(key).token().block(WAIT).value()).isEqualTo("tok-1");
      assertThat(registry.provider(TokenProviderRegistry.Key.of(tokenUri, source)).token().block(WAIT).value())
          .isEqualTo("tok-1");
      assertThat(registry.size()).isEqualTo(1);
      assertThat(key.toString()).contains("credentials='org-a'").doesNotContain("=s");
      assertThatThrownBy(() -> registry.provider(TokenProviderRegistry.Key.of(tokenUri, "org-b")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("without a secret lookup");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }
}

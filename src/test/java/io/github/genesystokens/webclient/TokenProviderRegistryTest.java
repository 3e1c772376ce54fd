package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TokenProviderRegistry;
import io.github.genesystokens.TokenProviderRegistry.Key;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/** Many organisations: one registry, one WebClient, the provider picked per request. */
class TokenProviderRegistryTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final GenesysLoginEmulator genesys =
      GenesysLoginEmulator.builder().client("org-a", "secret-a").client("org-b", "secret-b").start();
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  private final ConnectionProvider tokenPool = ConnectionProvider.create("tokens", 16);
  private TokenProviderRegistry registry = registry(1000);

  private TokenProviderRegistry registry(int max) {
    return TokenProviderRegistry.builder(
            key -> {
              lookups.computeIfAbsent(key.clientId(), k -> new AtomicInteger()).incrementAndGet();
              return key.clientId().equals("org-a") ? "secret-a" : "secret-b";
            })
        .httpClient(HttpClient.create(tokenPool))
        .providerSettings(b -> b.requestTimeout(Duration.ofSeconds(3)))
        .maxProviders(max)
        .build();
  }

  private final WebClient api =
      WebClient.builder()
          .clientConnector(new ReactorClientHttpConnector(HttpClient.create()))
          .baseUrl(genesys.baseUri().toString())
          .filter(BearerTokenFilter.of(registry))
          .build();

  @AfterEach
  void close() {
    registry.close();
    tokenPool.disposeLater().block(WAIT);
    genesys.close();
  }

  private Key key(String clientId, String... scopes) {
    return Key.of(genesys.tokenUri(), clientId, scopes);
  }

  /** The id of the emulated user {@code /api/v2/users/me} answers, which names the client. */
  private Mono<String> whoAmI(Key key) {
    return api.get()
        .uri("/api/v2/users/me")
        .attributes(BearerTokenFilter.client(key))
        .retrieve()
        .bodyToMono(String.class)
        .map(body -> body.replaceAll("(?s).*\"id\":\"([^\"]*)\".*", "$1"));
  }

  /** For each API call, the client its token was issued to and the scopes it was requested with. */
  private List<String> tokenHolders() {
    return genesys.apiCalls().stream()
        .map(call -> call.clientId() + " " + new TreeSet<>(call.scopes()))
        .toList();
  }

  @Test
  void eachRequestCarriesTheTokenOfTheClientItNames() {
    StepVerifier.create(whoAmI(key("org-a")).concatWith(whoAmI(key("org-b"))))
        .expectNext("emulator-user-org-a", "emulator-user-org-b")
        .expectComplete()
        .verify(WAIT);
    assertThat(tokenHolders()).containsExactly("org-a []", "org-b []");
    assertThat(registry.size()).isEqualTo(2);
  }

  @Test
  void otherScopesAreAnotherKeyAndNeverGetTheOtherToken() {
    StepVerifier.create(
            whoAmI(key("org-a"))
                .concatWith(whoAmI(key("org-a", "users:readonly")))
                .concatWith(whoAmI(key("org-a", "analytics", "users:readonly")))
                .concatWith(whoAmI(key("org-a", "users:readonly", "analytics"))))
        .expectNextCount(4)
        .expectComplete()
        .verify(WAIT);
    assertThat(tokenHolders())
        .containsExactly(
            "org-a []",
            "org-a [users:readonly]",
            "org-a [analytics, users:readonly]",
            "org-a [analytics, users:readonly]");
    List<String> sent =
        genesys.apiCalls().stream().map(GenesysLoginEmulator.ApiCall::authorization).toList();
    assertThat(sent.subList(0, 3)).doesNotHaveDuplicates();
    assertThat(sent.get(3)).isEqualTo(sent.get(2));
    assertThat(genesys.tokensIssuedTo("org-a")).isEqualTo(3);
  }

  @Test
  void concurrentFirstUseOfAKeyCreatesOneProviderAndOneTokenRequest() {
    StepVerifier.create(
            Flux.range(0, 50)
                .flatMap(i -> whoAmI(key("org-a")).subscribeOn(Schedulers.parallel()), 50))
        .expectNextCount(50)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(lookups.get("org-a")).hasValue(1);
    assertThat(genesys.tokensIssuedTo("org-a")).isEqualTo(1);
    assertThat(genesys.tokenRequests()).isEqualTo(1);
    assertThat(tokenHolders()).hasSize(50).containsOnly("org-a []");
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void leastRecentlyUsedProviderIsClosedBeyondTheBound() {
    registry.close();
    registry = registry(2);
    Key a = key("org-a");
    Key b = key("org-b");
    Key aScoped = key("org-a", "x");

    // Asking for a provider is a use; no token is needed to order the keys.
    registry.provider(a);
    registry.provider(b);
    registry.provider(a); // b is now the least recently used
    registry.provider(aScoped);

    assertThat(registry.size()).isEqualTo(2);
    registry.provider(a);
    assertThat(lookups.get("org-a")).hasValue(2); // a and a+x, never a again
    registry.provider(b);
    assertThat(lookups.get("org-b")).hasValue(2); // b was closed and had to be created anew
    assertThat(registry.size()).isEqualTo(2);
    assertThat(genesys.tokenRequests()).isZero();
  }

  @Test
  void aKeptProviderOutlivesTheEvictionOfItsKey() {
    TokenProvider kept = registry.provider(key("org-a"));
    AccessToken first = kept.token().block(WAIT);

    registry.evict(key("org-a"));
    AccessToken second = kept.token().block(WAIT);

    assertThat(second).isNotEqualTo(first);
    assertThat(lookups.get("org-a")).hasValue(2);
  }

  @Test
  void requestWithoutAClientFailsBeforeAnythingIsSent() {
    StepVerifier.create(api.get().uri("/api/v2/users/me").retrieve().toBodilessEntity())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(BearerTokenFilter.CLIENT_ATTRIBUTE))
        .verify(WAIT);
    assertThat(genesys.apiCalls()).isEmpty();
  }

  @Test
  void closedRegistryRefusesWithATokenException() {
    TokenProvider kept = registry.provider(key("org-a"));
    registry.close();

    StepVerifier.create(kept.token()).expectError(TokenException.class).verify(WAIT);
    assertThatThrownBy(() -> registry.provider(key("org-b"))).isInstanceOf(TokenException.class);
  }

  @Test
  void keyRefusesPlainHttpToANonLoopbackHost() {
    assertThatThrownBy(() -> Key.of(java.net.URI.create("http://login.example.com/oauth/token"), "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https");
  }
}

package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.genesystokens.TokenProviderRegistry.Key;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * What a registry's providers do for their key, and when the registry closes them: on eviction,
 * beyond the bound, and when it is closed itself. Against the emulator on 127.0.0.1; each
 * provider's listener records its events.
 */
class TokenProviderRegistryLifecycleTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final GenesysLoginEmulator emulator =
      GenesysLoginEmulator.builder().client("a", "secret-a").client("b", "secret-b").client("c", "secret-c").start();
  private final ConnectionProvider pool = ConnectionProvider.create("registry-test", 8);
  private final Map<String, List<String>> events = new ConcurrentHashMap<>();

  private TokenProviderRegistry registry(int maxProviders) {
    return TokenProviderRegistry.builder(key -> "secret-" + key.clientId())
        .httpClient(HttpClient.create(pool))
        .maxProviders(maxProviders)
        .listenerPerProvider(key -> recorder(key.clientId()))
        .build();
  }

  private TokenProviderRegistry registry = registry(10);

  private TokenListener recorder(String client) {
    List<String> seen = events.computeIfAbsent(client, c -> new CopyOnWriteArrayList<>());
    return new TokenListener() {
      @Override
      public void onInvalidation(boolean accepted) {
        seen.add("invalidation " + accepted);
      }

      @Override
      public void onReplay(boolean recovered) {
        seen.add("replay " + recovered);
      }

      @Override
      public void onClosed() {
        seen.add("closed");
      }
    };
  }

  @AfterEach
  void close() {
    registry.close();
    pool.disposeLater().block(WAIT);
    emulator.close();
  }

  private Key key(String client) {
    return Key.of(emulator.tokenUri(), client);
  }

  private AccessToken token(TokenProvider provider) {
    return provider.token().block(WAIT);
  }

  @Test
  void aKeyedProviderPassesInvalidationsStatusAndReplaysToItsKeysProvider() {
    TokenProvider a = registry.provider(key("a"));
    AccessToken first = token(a);
    assertThat(a.status().phase()).isEqualTo(TokenStatus.Phase.FRESH);

    a.invalidate(first);
    a.reportReplay(true);
    assertThat(a.status().phase()).isEqualTo(TokenStatus.Phase.EMPTY);
    assertThat(token(a)).isNotEqualTo(first);

    assertThat(events.get("a")).containsExactly("invalidation true", "replay true");
    assertThat(emulator.tokensIssuedTo("a")).isEqualTo(2);
  }

  @Test
  void afterItsKeyIsEvictedAKeyedProviderReportsEmptyAndIgnoresInvalidationsAndReplays() {
    TokenProvider a = registry.provider(key("a"));
    AccessToken first = token(a);
    registry.evict(key("a"));

    assertThat(a.status().phase()).isEqualTo(TokenStatus.Phase.EMPTY);
    a.invalidate(first);
    a.reportReplay(false);
    assertThat(events.get("a")).containsExactly("closed");
  }

  @Test
  void closingAKeyedProviderClosesItsKeysProviderAndTheNextUseMakesANewOne() {
    TokenProvider a = registry.provider(key("a"));
    token(a);
    a.close();

    assertThat(registry.size()).isZero();
    assertThat(events.get("a")).containsExactly("closed");
    token(registry.provider(key("a")));
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void closingTheRegistryClosesEveryProviderOnceAndItsKeyedProvidersReportClosed() {
    TokenProvider a = registry.provider(key("a"));
    TokenProvider b = registry.provider(key("b"));
    token(a);
    token(b);

    registry.close();
    registry.close();

    assertThat(events.get("a")).containsExactly("closed");
    assertThat(events.get("b")).containsExactly("closed");
    assertThat(a.status().phase()).isEqualTo(TokenStatus.Phase.CLOSED);
    StepVerifier.create(b.token()).expectError(TokenException.class).verify(WAIT);
  }

  @Test
  void exactlyMaxProvidersAreKeptAndOneMoreEvictsTheLeastRecentlyUsed() {
    registry.close();
    registry = registry(2);
    token(registry.provider(key("a")));
    token(registry.provider(key("b")));
    assertThat(registry.size()).isEqualTo(2);
    assertThat(events.get("a")).isEmpty();
    assertThat(events.get("b")).isEmpty();

    token(registry.provider(key("a"))); // b is now the least recently used
    token(registry.provider(key("c")));

    assertThat(registry.size()).isEqualTo(2);
    assertThat(events.get("b")).containsExactly("closed");
    assertThat(events.get("a")).isEmpty();
  }

  @Test
  void theLeastRecentlyUsedIsEvictedWhicheverKeyItIs() {
    registry.close();
    // The same three keys each time, so the map's own order of them is the same each time: only
    // the order of use says which one goes.
    for (String leastRecent : List.of("a", "b")) {
      events.clear();
      registry = registry(2);
      registry.provider(key("a"));
      registry.provider(key("b"));
      registry.provider(key(leastRecent.equals("a") ? "b" : "a"));

      registry.provider(key("c"));

      assertThat(registry.size()).isEqualTo(2);
      assertThat(events.get(leastRecent)).as("evicted").containsExactly("closed");
      events.forEach(
          (client, seen) -> {
            if (!client.equals(leastRecent)) {
              assertThat(seen).as(client).isEmpty();
            }
          });
      registry.close();
    }
    assertThat(emulator.tokenRequests()).isZero();
  }

  @Test
  void aProviderCreatedWhileTheRegistryClosesIsClosedAndNotKept() throws Exception {
    registry.close();
    CountDownLatch lookingUp = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    registry =
        TokenProviderRegistry.builder(
                key -> {
                  lookingUp.countDown();
                  // The test's stand-in for a slow lookup: close() runs while this provider is
                  // being created, after acquire() checked that the registry was open.
                  await(closed);
                  return "secret-" + key.clientId();
                })
            .httpClient(HttpClient.create(pool))
            .listenerPerProvider(key -> recorder(key.clientId()))
            .build();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<TokenProvider> creating = caller.submit(() -> registry.provider(key("a")));
      await(lookingUp);
      registry.close();
      closed.countDown();

      assertThatThrownBy(() -> creating.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(TokenException.class)
          .hasMessage("token provider registry is closed");
      assertThat(registry.size()).isZero();
      assertThat(events.get("a")).containsExactly("closed");
    } finally {
      caller.shutdownNow();
      assertThat(caller.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aBoundOfOneProviderIsAllowedAndZeroIsRefused() {
    registry.close();
    registry = registry(1);
    token(registry.provider(key("a")));
    token(registry.provider(key("b")));
    assertThat(registry.size()).isEqualTo(1);
    assertThat(events.get("a")).containsExactly("closed");

    assertThatThrownBy(() -> TokenProviderRegistry.builder().maxProviders(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxProviders");
  }

  @Test
  void aCallerWhoseProviderIsEvictedWhileItWaitsGetsATokenFromTheKeysNewProvider() {
    registry.close();
    registry = registry(1);
    emulator.latency(Duration.ofMillis(500));
    TokenProvider a = registry.provider(key("a"));
    StepVerifier.create(a.token())
        .then(() -> registry.provider(key("b"))) // evicts a's provider, whose request is in flight
        .assertNext(token -> assertThat(token.value()).isNotBlank())
        .expectComplete()
        .verify(WAIT);
    assertThat(events.get("a")).contains("closed");
  }

  @Test
  void providerSettingsApplyToEveryProviderAndAKeyWithoutAListenerGetsNone() {
    registry.close();
    List<String> fromSettings = new CopyOnWriteArrayList<>();
    registry =
        TokenProviderRegistry.builder(key -> "secret-" + key.clientId())
            .httpClient(HttpClient.create(pool))
            .providerSettings(
                b ->
                    b.listener(
                        new TokenListener() {
                          @Override
                          public void onClosed() {
                            fromSettings.add("closed");
                          }
                        }))
            .listenerPerProvider(key -> key.clientId().equals("a") ? recorder("a") : null)
            .build();
    token(registry.provider(key("a")));
    token(registry.provider(key("b")));
    registry.close();

    assertThat(fromSettings).containsExactly("closed", "closed");
    assertThat(events.get("a")).containsExactly("closed");
    assertThat(events).doesNotContainKey("b");
  }

  @Test
  void aKeyForARegionNamesThatRegionsLoginHost() {
    Key key = Key.of(GenesysRegion.EU_CENTRAL_1, "a", "users:readonly");
    assertThat(key.tokenUri()).isEqualTo(GenesysRegion.EU_CENTRAL_1.tokenUri());
    assertThat(key.clientId()).isEqualTo("a");
    assertThat(key.scopes()).containsExactly("users:readonly");
  }
}

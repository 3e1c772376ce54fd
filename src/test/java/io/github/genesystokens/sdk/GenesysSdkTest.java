package io.github.genesystokens.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.AsyncApiCallback;
import com.mypurecloud.sdk.v2.api.OAuthApi;
import com.mypurecloud.sdk.v2.api.OrganizationApi;
import com.mypurecloud.sdk.v2.api.TokensApi;
import com.mypurecloud.sdk.v2.api.UsersApi;
import com.mypurecloud.sdk.v2.api.UsersApiAsync;
import com.mypurecloud.sdk.v2.api.request.GetUsersMeRequest;
import com.mypurecloud.sdk.v2.connector.ApiClientConnector;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorProperties;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorProperty;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorRequest;
import com.mypurecloud.sdk.v2.connector.ApiClientConnectorResponse;
import com.mypurecloud.sdk.v2.model.Organization;
import com.mypurecloud.sdk.v2.model.UserMe;
import io.github.genesystokens.AccessToken;
import io.github.genesystokens.BlockingTokens;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.Poll;
import io.github.genesystokens.TokenEndpointException;
import io.github.genesystokens.TokenListener;
import io.github.genesystokens.TestClock;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The official Genesys Java SDK (its real {@code ApiClient}, API classes and Apache transport) with
 * {@link GenesysSdk}, a real {@link GenesysTokenProvider} and the emulator on 127.0.0.1. Calls run
 * on ordinary threads: the SDK's synchronous API blocks.
 */
class GenesysSdkTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String ID = "sdk-app";
  private static final String SECRET = "sdk-secret";
  private static final ApiClientConnectorProperties NO_PROPERTIES =
      new ApiClientConnectorProperties() {
        @Override
        public <T> T getProperty(String key, Class<T> propertyClass, T defaultValue) {
          return defaultValue;
        }
      };

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService sdkThreads = Executors.newCachedThreadPool();
  private GenesysLoginEmulator emulator;
  private BearerConnectorProvider connectors;

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    sdkThreads.shutdownNow();
    assertThat(sdkThreads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private GenesysLoginEmulator start(GenesysLoginEmulator.Builder settings) {
    emulator = settings.start();
    toClose.add(emulator);
    return emulator;
  }

  /** What the provider's listeners (the metrics among them) hear of the connector's replays. */
  private final ReplaysHeard replaysHeard = new ReplaysHeard();

  private static final class ReplaysHeard implements TokenListener {
    final AtomicInteger recovered = new AtomicInteger();
    final AtomicInteger rejectedAgain = new AtomicInteger();

    @Override
    public void onReplay(boolean accepted) {
      (accepted ? recovered : rejectedAgain).incrementAndGet();
    }
  }

  private TokenProvider provider(String secret) {
    return provider(GenesysTokenProvider.builder().clientId(ID).clientSecret(secret));
  }

  private TokenProvider provider(GenesysTokenProvider.Builder settings) {
    TokenProvider tokens = settings.tokenUri(emulator.tokenUri()).listener(replaysHeard).build();
    toClose.add(tokens::close);
    return tokens;
  }

  /** What a user writes, with the counting provider of the same connector swapped in. */
  private ApiClient apiClient(TokenProvider tokens) {
    connectors = new BearerConnectorProvider(tokens, GenesysSdk.DEFAULT_TOKEN_WAIT);
    ApiClient client =
        GenesysSdk.apiClientBuilder(connectors)
            .withBasePath(emulator.baseUri().toString())
            .withProperty(ApiClientConnectorProperty.ASYNC_EXECUTOR_SERVICE, sdkThreads)
            .build();
    toClose.add(client);
    return client;
  }

  @Test
  void sdkCallsCarryTheProvidersTokenWithoutTheCallerSettingOne() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    ApiClient client = apiClient(provider(SECRET));

    UserMe me = new UsersApi(client).getUsersMe(null, null);
    String org = new OrganizationApi(client).getOrganizationsMe().getName();

    assertThat(me.getId()).isEqualTo("emulator-user-" + ID);
    assertThat(org).isEqualTo("Genesys login emulator");
    assertThat(emulator.tokenRequests()).isEqualTo(1);
    assertThat(emulator.apiRequests()).isEqualTo(2);
    assertThat(connectors.replays()).isZero();
  }

  @Test
  void aTokenRevokedThroughTheSdkIsReplacedAndTheCallReplayedOnce() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    ApiClient client = apiClient(provider(SECRET));
    UsersApi users = new UsersApi(client);
    users.getUsersMe(null, null);

    new TokensApi(client).deleteTokensMe();
    UserMe afterRevoke = users.getUsersMe(null, null);

    assertThat(afterRevoke.getId()).isEqualTo("emulator-user-" + ID);
    assertThat(emulator.tokenRequests()).isEqualTo(2);
    // users/me, tokens/me (204), users/me answered 401, the same call replayed.
    assertThat(emulator.apiRequests()).isEqualTo(4);
    assertThat(connectors.replays()).isEqualTo(1);
    assertThat(replaysHeard.recovered).hasValue(1);
    assertThat(replaysHeard.rejectedAgain).hasValue(0);
  }

  @Test
  void aSecond401IsReturnedToTheCallerNotReplayedAgain() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    ApiClient client = apiClient(provider(SECRET));
    TokensApi tokensApi = new TokensApi(client);
    UsersApi users = new UsersApi(client);
    users.getUsersMe(null, null);
    tokensApi.deleteTokensMe();

    // Every token the emulator issues from now on is revoked by the time it is used.
    CompletableFuture<Void> revoking =
        CompletableFuture.runAsync(
            () -> Poll.until(emulator::tokensIssued, n -> n >= 2, WAIT), sdkThreads)
            .thenRun(emulator::revokeAllTokens);
    emulator.latency(Duration.ofMillis(300));

    assertThatThrownBy(() -> users.getUsersMe(null, null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(401));
    revoking.get(5, TimeUnit.SECONDS);
    assertThat(connectors.replays()).isEqualTo(1);
    assertThat(replaysHeard.rejectedAgain).hasValue(1);
    assertThat(replaysHeard.recovered).hasValue(0);
    assertThat(emulator.tokenRequests()).isEqualTo(2);
  }

  @Test
  void a403IsNeverReplayedAndCarriesTheIninCorrelationId() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    ApiClient client = apiClient(provider(SECRET));

    assertThatThrownBy(() -> new OAuthApi(client).getOauthClients())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(403);
              assertThat(e.getRawBody()).contains("missing.permissions");
              assertThat(e.getCorrelationId()).isNotBlank();
            });
    assertThat(connectors.replays()).isZero();
    assertThat(emulator.tokenRequests()).isEqualTo(1);
    assertThat(emulator.apiRequests()).isEqualTo(1);
  }

  @Test
  void theSdkSeesTheRetryAfterOfA429() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET).apiRateLimit(1));
    UsersApi users = new UsersApi(apiClient(provider(SECRET)));
    users.getUsersMe(null, null);

    assertThatThrownBy(() -> users.getUsersMe(null, null))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(429);
              assertThat(e.getHeader("Retry-After")).isEqualTo("60");
              assertThat(e.getRawBody()).contains("too.many.requests.retry.after");
            });
    assertThat(connectors.replays()).isZero();
  }

  /** A pool of 2 on a stopped clock, jumped past the pacing of its mints by the test. */
  private TokenProvider poolOfTwo(TestClock clock) {
    return provider(
        GenesysTokenProvider.builder()
            .clientId(ID)
            .clientSecret(SECRET)
            .clock(clock)
            .poolSize(2)
            .requestsPerTokenPerMinute(100));
  }

  @Test
  void aSynchronous429IsReplayedWithAnotherTokenOfAPool() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET).apiRateLimit(1));
    TestClock clock = TestClock.stoppedAt(java.time.Instant.now());
    UsersApi users = new UsersApi(apiClient(poolOfTwo(clock)));
    users.getUsersMe(null, null);
    clock.jump(Duration.ofSeconds(2));

    assertThat(users.getUsersMe(null, null).getId()).isEqualTo("emulator-user-" + ID);
    assertThat(emulator.apiRequests()).isEqualTo(3);
    assertThat(emulator.tokensIssued()).isEqualTo(2);
    assertThat(connectors.replays()).isZero(); // counts 401 replays only

    // Both tokens used up and the pool full: the 429 is the caller's, as without a pool.
    assertThatThrownBy(() -> users.getUsersMe(null, null))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(429);
              assertThat(e.getHeader("Retry-After")).matches("[0-9]+");
            });
    assertThat(emulator.apiRequests()).isEqualTo(4);
  }

  @Test
  void anAsynchronous429IsReplayedWithAnotherTokenOfAPool() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET).apiRateLimit(1));
    TestClock clock = TestClock.stoppedAt(java.time.Instant.now());
    UsersApiAsync users = new UsersApiAsync(apiClient(poolOfTwo(clock)));
    asyncCalls(users, 1).get(0).get(5, TimeUnit.SECONDS);
    clock.jump(Duration.ofSeconds(2));

    UserMe me = asyncCalls(users, 1).get(0).get(5, TimeUnit.SECONDS);

    assertThat(me.getId()).isEqualTo("emulator-user-" + ID);
    assertThat(emulator.apiRequests()).isEqualTo(3);
    assertThat(emulator.tokensIssued()).isEqualTo(2);
  }

  @Test
  void retryAfterOfTheSdksResponseIsReadInWholeSecondsWhateverTheCase() {
    assertThat(BearerConnector.retryAfter(Map.of("retry-after", "7"))).isEqualTo(Duration.ofSeconds(7));
    assertThat(BearerConnector.retryAfter(Map.of("Retry-After", "soon"))).isZero();
    assertThat(BearerConnector.retryAfter(Map.of())).isZero();
  }

  @Test
  void aWrongSecretFailsWithinASecondWithThe400Body() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    // One good call first, so that the time measured is the failure's, not the JVM's first load
    // of the SDK and of Reactor Netty (about 3 s in a fresh test JVM under BlockHound).
    long coldStart = System.nanoTime();
    new OrganizationApi(apiClient(provider(SECRET))).getOrganizationsMe();
    Duration cold = Duration.ofNanos(System.nanoTime() - coldStart);
    ApiClient client =
        GenesysSdk.apiClientBuilder(provider("wrong"))
            .withBasePath(emulator.baseUri().toString())
            .build();
    toClose.add(client);
    OrganizationApi organizations = new OrganizationApi(client);

    long start = System.nanoTime();
    Throwable failure = catchFailure(organizations::getOrganizationsMe);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            TokenEndpointException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.error()).isEqualTo("invalid_client");
              assertThat(e.errorDescription()).isEqualTo("authentication failed");
              assertThat(e.isRetryable()).isFalse();
            });
    assertThat(failure.getMessage()).doesNotContain("wrong");
    assertThat(emulator.tokenRequests()).isEqualTo(2);
    assertThat(emulator.apiRequests()).isEqualTo(1);
    System.out.println("[sdk] wrong secret through the SDK failed after " + took.toMillis()
        + " ms (first good call of the JVM: " + cold.toMillis() + " ms)");
  }

  @Test
  void anAsyncCallGetsATokenFailureInOnFailedWithTheCauseKept() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    UsersApiAsync users = new UsersApiAsync(apiClient(provider("wrong")));
    CompletableFuture<UserMe> result = new CompletableFuture<>();

    users.getUsersMeAsync(GetUsersMeRequest.builder().build(), callback(result));

    Throwable failure = catchFailure(() -> result.get(5, TimeUnit.SECONDS)).getCause();
    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(failure.getCause()).isInstanceOf(TokenEndpointException.class);
    assertThat(emulator.apiRequests()).isZero();
  }

  @Test
  void sixteenThreadsAtOnceShareOneTokenAndOneRenewalAfterRevocation() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET).apiRateLimit(100_000));
    UsersApi users = new UsersApi(apiClient(provider(SECRET)));
    ExecutorService callers = Executors.newFixedThreadPool(16);
    toClose.add(callers::shutdownNow);

    int first = callAtOnce(callers, 16, 20, users);
    long tokensBefore = emulator.tokenRequests();
    emulator.revokeAllTokens();
    int second = callAtOnce(callers, 16, 20, users);

    assertThat(first).isEqualTo(320);
    assertThat(second).isEqualTo(320);
    assertThat(tokensBefore).isEqualTo(1);
    assertThat(emulator.tokenRequests()).isEqualTo(2);
    assertThat(emulator.tokensIssued()).isEqualTo(2);
    assertThat(connectors.replays()).isBetween(1L, 16L);
    assertThat(emulator.apiRequests()).isEqualTo(640 + connectors.replays());
    System.out.println("[sdk] 16 threads: 640 calls, 0 failed, " + emulator.tokenRequests()
        + " token requests, " + connectors.replays() + " replays");
  }

  @Test
  void asyncCallsGetTokensWithoutBlockingAndRecoverFromRevocation() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET).apiRateLimit(100_000));
    UsersApiAsync users = new UsersApiAsync(apiClient(provider(SECRET)));

    List<CompletableFuture<UserMe>> cold = asyncCalls(users, 50);
    for (CompletableFuture<UserMe> call : cold) {
      assertThat(call.get(5, TimeUnit.SECONDS).getId()).isEqualTo("emulator-user-" + ID);
    }
    emulator.revokeAllTokens();
    List<CompletableFuture<UserMe>> revoked = asyncCalls(users, 50);
    for (CompletableFuture<UserMe> call : revoked) {
      assertThat(call.get(5, TimeUnit.SECONDS).getId()).isEqualTo("emulator-user-" + ID);
    }

    assertThat(emulator.tokenRequests()).isEqualTo(2);
    assertThat(connectors.replays()).isBetween(1L, 50L);
    assertThat(emulator.apiRequests()).isEqualTo(100 + connectors.replays());
    assertThat((long) replaysHeard.recovered.get()).isEqualTo(connectors.replays());
    System.out.println("[sdk] async: 100 calls, 0 failed, " + emulator.tokenRequests()
        + " token requests, " + connectors.replays() + " replays");
  }

  @Test
  void shortLivedTokensAreRenewedAheadOverManyCallsWithoutAFailure() throws Exception {
    Duration lifetime = Duration.ofSeconds(2);
    start(GenesysLoginEmulator.builder().client(ID, SECRET, lifetime).apiRateLimit(100_000));
    UsersApi users = new UsersApi(apiClient(provider(SECRET)));

    // 100 calls paced 50 ms apart: 5 s, two and a half lifetimes.
    long start = System.nanoTime();
    int succeeded = callsPaced50MillisApart(users, 100, start);
    // Read before the time, so that every request counted happened within the time measured.
    long tokenRequests = emulator.tokenRequests();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // A token is renewed when half its lifetime has passed (the default refresh-ahead, capped):
    // at least one request per lifetime, at most one per half lifetime, each answered with a token.
    long lifetimes = elapsed.toMillis() / lifetime.toMillis();
    long halves = elapsed.toMillis() / (lifetime.toMillis() / 2);
    assertThat(succeeded).isEqualTo(100);
    assertThat(tokenRequests).isBetween(lifetimes + 1, halves + 1);
    assertThat(emulator.tokensIssued()).isEqualTo(tokenRequests);
    assertThat(emulator.apiRequests()).isEqualTo(100 + connectors.replays());
    assertThat((long) replaysHeard.recovered.get()).isEqualTo(connectors.replays());
    System.out.println("[sdk] short-lived tokens: 100 calls over " + elapsed.toMillis()
        + " ms, 0 failed, " + tokenRequests + " token requests, " + connectors.replays()
        + " replays");
  }

  @Test
  void expiredTokensWithoutRefreshAheadAreRenewedOncePerLifetime() throws Exception {
    Duration lifetime = Duration.ofSeconds(1);
    start(GenesysLoginEmulator.builder().client(ID, SECRET, lifetime).apiRateLimit(100_000));
    UsersApi users =
        new UsersApi(
            apiClient(
                provider(
                    GenesysTokenProvider.builder()
                        .clientId(ID)
                        .clientSecret(SECRET)
                        .refreshAhead(Duration.ZERO)
                        .expirySkew(Duration.ZERO))));

    long start = System.nanoTime();
    int succeeded = callsPaced50MillisApart(users, 60, start);
    long tokenRequests = emulator.tokenRequests();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // Each token is used until it expires; a call racing the expiry gets a 401 and is replayed.
    assertThat(succeeded).isEqualTo(60);
    long lifetimes = elapsed.toMillis() / lifetime.toMillis();
    assertThat(tokenRequests).isBetween(lifetimes, lifetimes + 1);
    assertThat(connectors.replays()).isLessThanOrEqualTo(tokenRequests);
    assertThat(emulator.apiRequests()).isEqualTo(60 + connectors.replays());
    System.out.println("[sdk] expiry without refresh-ahead: 60 calls over " + elapsed.toMillis()
        + " ms, 0 failed, " + tokenRequests + " token requests, " + connectors.replays()
        + " replays");
  }

  @Test
  void synchronousCallsRefuseToRunOnANonBlockingThread() {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    UsersApi users = new UsersApi(apiClient(provider(SECRET)));

    Mono<UserMe> onParallel =
        Mono.fromCallable(() -> users.getUsersMe(null, null)).subscribeOn(Schedulers.parallel());

    assertThatThrownBy(() -> onParallel.block(WAIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("non-blocking thread");
    assertThat(emulator.tokenRequests()).isZero();
    assertThat(emulator.apiRequests()).isZero();
  }

  @Test
  void basicAuthenticatedLoginRequestsPassUntouched() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    TokenProvider tokens = provider(SECRET);
    ApiClientConnector connector =
        new BearerConnectorProvider(tokens, GenesysSdk.DEFAULT_TOKEN_WAIT).create(NO_PROPERTIES);
    toClose.add(connector);

    ApiClientConnectorResponse reply = connector.invoke(login(ID, SECRET));
    try {
      assertThat(reply.getStatusCode()).isEqualTo(200);
      assertThat(reply.readBody()).contains("access_token");
    } finally {
      reply.close();
    }
    // The one token request is the SDK's own; the provider was never asked.
    assertThat(emulator.tokenRequests()).isEqualTo(1);
    assertThat(emulator.apiRequests()).isZero();
  }

  @Test
  void theManualRecipeRecoversFromARevokedTokenWithTheSdksRefreshOff() throws Exception {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    TokenProvider tokens = provider(SECRET);
    ApiClient apiClient =
        ApiClient.Builder.standard()
            .withBasePath(emulator.baseUri().toString())
            .withShouldRefreshAccessToken(false)
            .build();
    toClose.add(apiClient);
    OrganizationApi organizations = new OrganizationApi(apiClient);
    manualRecipe(tokens, apiClient, organizations);
    emulator.revokeAllTokens();

    long start = System.nanoTime();
    Organization org = manualRecipe(tokens, apiClient, organizations);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(org.getName()).isEqualTo("Genesys login emulator");
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(emulator.tokenRequests()).isEqualTo(2);
    assertThat(emulator.apiRequests()).isEqualTo(3);
  }

  /** docs/integrations.md, "Without the connector", as written there. */
  private static Organization manualRecipe(
      TokenProvider tokens, ApiClient apiClient, OrganizationApi organizations)
      throws IOException, ApiException {
    AccessToken token = BlockingTokens.token(tokens, Duration.ofSeconds(15));
    apiClient.setAccessToken(token.value());
    try {
      return organizations.getOrganizationsMe();
    } catch (ApiException e) {
      if (e.getStatusCode() != 401) throw e;
      tokens.invalidate(token);
      apiClient.setAccessToken(BlockingTokens.accessToken(tokens, Duration.ofSeconds(15)));
      return organizations.getOrganizationsMe();
    }
  }

  @Test
  void aConnectorProviderWithATokenWaitFailsASynchronousCallWhoseTokenIsLate() {
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    TokenProvider tokens = provider(SECRET);
    ApiClient client =
        ApiClient.Builder.standard()
            .withProperty(
                ApiClientConnectorProperty.CONNECTOR_PROVIDER,
                GenesysSdk.connectorProvider(tokens, Duration.ofMillis(100)))
            .withShouldRefreshAccessToken(false)
            .withBasePath(emulator.baseUri().toString())
            .build();
    toClose.add(client);
    emulator.latency(Duration.ofSeconds(2));

    Throwable failure = catchFailure(() -> new UsersApi(client).getUsersMe(null, null));

    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(failure.getCause())
        .isInstanceOf(io.github.genesystokens.TokenException.class)
        .hasMessageStartingWith("no token within PT0.1S");
    assertThat(emulator.apiRequests()).as("nothing sent without a token").isZero();
  }

  @Test
  void theFactoriesRefuseWhatCannotWork() {
    assertThatThrownBy(() -> GenesysSdk.connectorProvider(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tokens");
    start(GenesysLoginEmulator.builder().client(ID, SECRET));
    TokenProvider tokens = provider(SECRET);
    assertThatThrownBy(() -> GenesysSdk.connectorProvider(tokens, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenWait");
    assertThat(GenesysSdk.connectorProvider(tokens).toString()).doesNotContain(SECRET);
  }

  /** A client-credentials login shaped as the SDK's {@code authorizeClientCredentials} sends it. */
  private ApiClientConnectorRequest login(String id, String secret) {
    String form = "grant_type=client_credentials";
    String basic =
        Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    Map<String, String> headers =
        Map.of(
            "Authorization", "Basic " + basic,
            "Content-Type", "application/x-www-form-urlencoded",
            "Accept", "application/json");
    String url = emulator.tokenUri().toString();
    return new ApiClientConnectorRequest() {
      @Override
      public String getMethod() {
        return "POST";
      }

      @Override
      public String getUrl() {
        return url;
      }

      @Override
      public Map<String, String> getHeaders() {
        return headers;
      }

      @Override
      public boolean hasBody() {
        return true;
      }

      @Override
      public String readBody() {
        return form;
      }

      @Override
      public InputStream getBody() {
        return new ByteArrayInputStream(form.getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  /** {@code threads} callers released together, {@code each} calls apiece; the successes. */
  private static int callAtOnce(ExecutorService pool, int threads, int each, UsersApi users)
      throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger ok = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Callable<Void> caller =
          () -> {
            assertThat(go.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < each; i++) {
              if (users.getUsersMe(null, null) != null) {
                ok.incrementAndGet();
              }
            }
            return null;
          };
      done.add(pool.submit(caller));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(10, TimeUnit.SECONDS);
    }
    return ok.get();
  }

  private static List<CompletableFuture<UserMe>> asyncCalls(UsersApiAsync users, int count) {
    List<CompletableFuture<UserMe>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CompletableFuture<UserMe> result = new CompletableFuture<>();
      users.getUsersMeAsync(GetUsersMeRequest.builder().build(), callback(result));
      calls.add(result);
    }
    return calls;
  }

  /** Completes {@code result}; fails it if the SDK calls back on a Reactor event loop. */
  private static AsyncApiCallback<UserMe> callback(CompletableFuture<UserMe> result) {
    return new AsyncApiCallback<>() {
      @Override
      public void onCompleted(UserMe me) {
        if (!onEventLoop()) {
          result.complete(me);
        }
      }

      @Override
      public void onFailed(Throwable failure) {
        if (!onEventLoop()) {
          result.completeExceptionally(failure);
        }
      }

      private boolean onEventLoop() {
        if (Schedulers.isInNonBlockingThread()) {
          result.completeExceptionally(
              new AssertionError("callback on " + Thread.currentThread().getName()));
          return true;
        }
        return false;
      }
    };
  }

  /** The exception {@code call} throws; an AssertionError if it returns. */
  private static Throwable catchFailure(Callable<?> call) {
    try {
      call.call();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  /**
   * Calls {@code getUsersMe} {@code calls} times, the i-th 50 ms * i after {@code start}: how many
   * answered.
   */
  private static int callsPaced50MillisApart(UsersApi users, int calls, long start)
      throws Exception {
    int succeeded = 0;
    for (int i = 0; i < calls; i++) {
      long due = start + Duration.ofMillis(50L * i).toNanos();
      Poll.until(System::nanoTime, now -> now - due >= 0, WAIT);
      if (users.getUsersMe(null, null) != null) {
        succeeded++;
      }
    }
    return succeeded;
  }
}

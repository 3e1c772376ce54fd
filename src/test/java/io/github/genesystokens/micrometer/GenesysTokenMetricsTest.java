package io.github.genesystokens.micrometer;

import static io.github.genesystokens.micrometer.GenesysTokenMetrics.EXPIRY;
import static io.github.genesystokens.micrometer.GenesysTokenMetrics.FETCH;
import static io.github.genesystokens.micrometer.GenesysTokenMetrics.INVALIDATIONS;
import static io.github.genesystokens.micrometer.GenesysTokenMetrics.REPLAYS;
import static io.github.genesystokens.micrometer.GenesysTokenMetrics.REQUESTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.Poll;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TokenProviderRegistry;
import io.github.genesystokens.TestClock;
import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.webclient.BearerTokenFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Every meter and the fetch observation of {@link GenesysTokenMetrics}, against the login emulator
 * on 127.0.0.1, with a real {@code SimpleMeterRegistry} and {@code TestObservationRegistry}: counts
 * are exact for each scripted scenario.
 */
class GenesysTokenMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration DAY = Duration.ofHours(24);
  private static final String NAME = "orders";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TestObservationRegistry observations = TestObservationRegistry.create();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private GenesysLoginEmulator emulator(Consumer<GenesysLoginEmulator.Builder> settings) {
    GenesysLoginEmulator.Builder builder = GenesysLoginEmulator.builder();
    settings.accept(builder);
    GenesysLoginEmulator emulator = builder.start();
    closing.add(emulator);
    return emulator;
  }

  private GenesysTokenMetrics metrics(GenesysTokenMetrics.Builder builder) {
    return builder.name(NAME).meterRegistry(meters).observationRegistry(observations).build();
  }

  private TokenProvider provider(
      GenesysLoginEmulator emulator,
      GenesysTokenMetrics metrics,
      Consumer<GenesysTokenProvider.Builder> settings) {
    GenesysTokenProvider.Builder builder =
        GenesysTokenProvider.builder()
            .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
            .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
            .tokenUri(emulator.tokenUri())
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(10))
            .listener(metrics);
    settings.accept(builder);
    TokenProvider provider = builder.build();
    closing.add(provider);
    return provider;
  }

  private double requests(String outcome, String status) {
    Counter counter =
        meters.find(REQUESTS).tags("name", NAME, "outcome", outcome, "status", status).counter();
    return counter == null ? 0 : counter.count();
  }

  private double allRequests() {
    return meters.find(REQUESTS).counters().stream().mapToDouble(Counter::count).sum();
  }

  private long fetches(String trigger, String outcome) {
    Timer timer =
        meters.find(FETCH).tags("name", NAME, "trigger", trigger, "outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  private long allFetches() {
    return meters.find(FETCH).timers().stream().mapToLong(Timer::count).sum();
  }

  private double counted(String meter, String result) {
    return meters.get(meter).tags("name", NAME, "result", result).counter().count();
  }

  private double expirySeconds() {
    return meters.get(EXPIRY).tag("name", NAME).timeGauge().value(TimeUnit.SECONDS);
  }

  @Test
  void aColdHerdOfAThousandCallersIsOneRequestOneFetchAndOneObservation() {
    GenesysLoginEmulator emulator = emulator(b -> {});
    TokenProvider tokens = provider(emulator, metrics(GenesysTokenMetrics.builder()), b -> {});
    assertThat(expirySeconds()).as("no token yet").isNaN();

    StepVerifier.create(Flux.range(0, 1000).flatMap(i -> tokens.token(), 1000).distinct().count())
        .expectNext(1L)
        .expectComplete()
        .verify(WAIT);

    assertThat(requests("success", "200")).isEqualTo(1);
    assertThat(allRequests()).isEqualTo(1);
    assertThat(fetches("first_use", "success")).isEqualTo(1);
    assertThat(allFetches()).isEqualTo(1);
    assertThat(expirySeconds()).isCloseTo(DAY.toSeconds(), within(10.0));
    assertThat(counted(INVALIDATIONS, "accepted")).isZero();
    assertThat(counted(REPLAYS, "recovered")).isZero();
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(FETCH, 1)
        .hasObservationWithNameEqualTo(FETCH)
        .that()
        .hasBeenStarted()
        .hasBeenStopped()
        .hasLowCardinalityKeyValue("name", NAME)
        .hasLowCardinalityKeyValue("trigger", "first_use")
        .hasLowCardinalityKeyValue("outcome", "success")
        .doesNotHaveError()
        .hasEvent("genesys.token.request", "attempt 1: 200 success");

    tokens.close();
    assertThat(expirySeconds()).as("closed: no token").isNaN();
  }

  @Test
  void theTimerAndARefreshAheadAreFetchesWithTheirTriggersOnVirtualTime() {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    TestClock clock = TestClock.following(time);
    GenesysLoginEmulator emulator = emulator(b -> {});
    GenesysTokenMetrics metrics = metrics(GenesysTokenMetrics.builder().clock(clock));
    TokenProvider tokens = provider(emulator, metrics, b -> b.clock(clock).scheduler(time));

    tokens.token().block(WAIT);
    assertThat(expirySeconds()).isEqualTo(DAY.toSeconds());

    time.advanceTimeBy(DAY.minusMinutes(5)); // the stale point, nobody calls: the timer refreshes
    Poll.until(() -> fetches("timer", "success"), n -> n == 1, WAIT);
    assertThat(expirySeconds()).isEqualTo(DAY.toSeconds());

    clock.jump(DAY.minusMinutes(4)); // stale on the clock; the timer has not fired
    AccessToken stale = tokens.token().block(WAIT);
    Poll.until(() -> fetches("refresh_ahead", "success"), n -> n == 1, WAIT);

    assertThat(stale).isNotNull();
    assertThat(fetches("first_use", "success")).isEqualTo(1);
    assertThat(allFetches()).isEqualTo(3);
    assertThat(requests("success", "200")).isEqualTo(3);
    assertThat(allRequests()).isEqualTo(3);
    assertThat(emulator.tokenRequests()).isEqualTo(3);
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(FETCH, 3)
        .hasAnObservationWithAKeyValue("trigger", "timer")
        .hasAnObservationWithAKeyValue("trigger", "refresh_ahead");
  }

  @Test
  void aThrottledFetchCountsTheRetryableRequestsAndTheirStatusesAndOneFetch() {
    GenesysLoginEmulator emulator = emulator(b -> {});
    TokenProvider tokens =
        provider(
            emulator,
            metrics(GenesysTokenMetrics.builder()),
            b -> b.maxRetries(4).requestTimeout(Duration.ofMillis(300)));
    emulator.failNextTokenRequests(1, Fault.throttle());
    emulator.failNextTokenRequests(1, Fault.tooManyRequests(Duration.ZERO));
    emulator.failNextTokenRequests(1, Fault.serviceUnavailable());
    emulator.failNextTokenRequests(1, Fault.hang());

    StepVerifier.create(tokens.token()).expectNextCount(1).expectComplete().verify(WAIT);

    assertThat(requests("retryable", "400")).isEqualTo(1);
    assertThat(requests("retryable", "429")).isEqualTo(1);
    assertThat(requests("retryable", "5xx")).isEqualTo(1);
    assertThat(requests("retryable", "timeout")).isEqualTo(1);
    assertThat(requests("success", "200")).isEqualTo(1);
    assertThat(allRequests()).isEqualTo(5);
    assertThat(fetches("first_use", "success")).isEqualTo(1);
    assertThat(allFetches()).isEqualTo(1);
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(FETCH, 1)
        .hasObservationWithNameEqualTo(FETCH)
        .that()
        .hasBeenStopped()
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasEvent("genesys.token.request", "attempt 1: 400 retryable")
        .hasEvent("genesys.token.request", "attempt 2: 429 retryable")
        .hasEvent("genesys.token.request", "attempt 3: 5xx retryable")
        .hasEvent("genesys.token.request", "attempt 4: timeout retryable")
        .hasEvent("genesys.token.request", "attempt 5: 200 success")
        // The emulator sends a correlation id with every reply; the last failed one is kept.
        .hasHighCardinalityKeyValueWithKey("correlation.id");
  }

  @Test
  void anUnreachableEndpointIsAnIoRequestAndARetryableFetchFailure() {
    DisposableServer closed = HttpServer.create().host("127.0.0.1").port(0).bindNow(WAIT);
    int port = closed.port();
    closed.disposeNow(WAIT);
    TokenProvider tokens =
        GenesysTokenProvider.builder()
            .clientId("c")
            .clientSecret("unreachable-secret")
            .tokenUri(java.net.URI.create("http://127.0.0.1:" + port + "/oauth/token"))
            .maxRetries(0)
            .listener(metrics(GenesysTokenMetrics.builder()))
            .build();
    closing.add(tokens);

    StepVerifier.create(tokens.token()).expectError(TokenException.class).verify(WAIT);

    assertThat(requests("retryable", "io")).isEqualTo(1);
    assertThat(allRequests()).isEqualTo(1);
    assertThat(fetches("first_use", "retryable")).isEqualTo(1);
  }

  @Test
  void invalidClientIsOneTerminalRequestAndOneTerminalFetchWhateverItsStatus() {
    for (int status : new int[] {400, 401}) {
      meters.clear();
      observations.clear();
      GenesysLoginEmulator emulator = emulator(b -> b.invalidClientStatus(status));
      TokenProvider tokens =
          provider(emulator, metrics(GenesysTokenMetrics.builder()), b -> b.clientSecret("wrong"));

      StepVerifier.create(tokens.token()).expectError(TokenException.class).verify(WAIT);

      assertThat(requests("terminal", Integer.toString(status))).isEqualTo(1);
      assertThat(allRequests()).isEqualTo(1);
      assertThat(fetches("first_use", "terminal")).isEqualTo(1);
      assertThat(allFetches()).isEqualTo(1);
      assertThat(expirySeconds()).isNaN();
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo(FETCH)
          .that()
          .hasBeenStopped()
          .hasLowCardinalityKeyValue("outcome", "terminal")
          .hasError()
          .hasEvent("genesys.token.request", "attempt 1: " + status + " terminal");
    }
  }

  @Test
  void invalidationsAreCountedAcceptedOrIgnoredAndTheNextFetchIsTriggeredByThem() {
    GenesysLoginEmulator emulator = emulator(b -> {});
    TokenProvider tokens = provider(emulator, metrics(GenesysTokenMetrics.builder()), b -> {});
    AccessToken first = tokens.token().block(WAIT);

    tokens.invalidate(first);
    assertThat(expirySeconds()).as("invalidated: no token").isNaN();
    tokens.invalidate(first);
    tokens.token().block(WAIT);
    tokens.invalidate(first);

    assertThat(counted(INVALIDATIONS, "accepted")).isEqualTo(1);
    assertThat(counted(INVALIDATIONS, "ignored")).isEqualTo(2);
    assertThat(fetches("first_use", "success")).isEqualTo(1);
    assertThat(fetches("invalidated", "success")).isEqualTo(1);
    assertThat(allFetches()).isEqualTo(2);
    assertThat(requests("success", "200")).isEqualTo(2);
    assertThat(expirySeconds()).isCloseTo(DAY.toSeconds(), within(10.0));
  }

  @Test
  void theWebClientFilterReportsAReplayThatRecoveredAndOneRejectedAgain() {
    GenesysLoginEmulator emulator = emulator(b -> {});
    TokenProvider tokens = provider(emulator, metrics(GenesysTokenMetrics.builder()), b -> {});
    ConnectionProvider pool = ConnectionProvider.newConnection();
    WebClient genesys =
        WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
            .filter(BearerTokenFilter.of(tokens))
            .baseUrl(emulator.baseUri().toString())
            .build();

    assertThat(status(genesys)).isEqualTo(200);
    emulator.revokeAllTokens();
    assertThat(status(genesys)).as("recovered with a new token").isEqualTo(200);
    // The API refuses the next two requests whatever their token: the replay is refused too.
    emulator.failNextApiRequests(2, Fault.unauthorized());
    assertThat(status(genesys)).as("rejected again").isEqualTo(401);
    assertThat(emulator.apiCalls())
        .extracting(GenesysLoginEmulator.ApiCall::status)
        .containsExactly(200, 401, 200, 401, 401);

    assertThat(counted(REPLAYS, "recovered")).isEqualTo(1);
    assertThat(counted(REPLAYS, "rejected_again")).isEqualTo(1);
    assertThat(counted(INVALIDATIONS, "accepted")).isEqualTo(2);
    assertThat(counted(INVALIDATIONS, "ignored")).isZero();
    assertThat(fetches("invalidated", "success")).isEqualTo(2);
    assertThat(allFetches()).isEqualTo(3);
  }

  private static int status(WebClient client) {
    Integer status =
        client
            .get()
            .uri("/api/v2/users/me?secret=q")
            .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
            .block(WAIT);
    return status == null ? -1 : status;
  }

  @Test
  void noTagOrKeyValueHoldsATokenTheSecretAScopeOrAUrl() {
    GenesysLoginEmulator emulator = emulator(b -> {});
    TokenProvider tokens =
        provider(
            emulator,
            metrics(GenesysTokenMetrics.builder()),
            b -> b.scopes("analytics:readonly").maxRetries(1));
    emulator.failNextTokenRequests(1, Fault.throttle());
    AccessToken first = tokens.token().block(WAIT);
    tokens.invalidate(first);
    AccessToken second = tokens.token().block(WAIT);
    tokens.reportReplay(true);
    tokens.reportReplay(false);

    Set<String> values =
        meters.getMeters().stream()
            .map(Meter::getId)
            .flatMap(id -> id.getTags().stream())
            .map(Tag::getValue)
            .collect(Collectors.toSet());
    List<String> keyValues = new ArrayList<>();
    TestObservationRegistryAssert.assertThat(observations)
        .hasHandledContextsThatSatisfy(
            contexts ->
                contexts.forEach(
                    context -> context.getAllKeyValues().forEach(kv -> keyValues.add(kv.getValue()))));
    assertThat(meters.getMeters()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(keyValues).isNotEmpty();
    List<String> all = new ArrayList<>(values);
    all.addAll(keyValues);
    for (String value : all) {
      assertThat(value)
          .doesNotContain(first.value(), second.value())
          .doesNotContain(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
          .doesNotContain(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
          .doesNotContain("analytics")
          .doesNotContain("?", "http", "127.0.0.1");
    }
  }

  @Test
  void oneListenerSharedByARegistryKeepsOneSeriesAndPerProviderListenersOnePerKey() {
    GenesysLoginEmulator emulator =
        emulator(b -> b.client("org-a", "secret-a").client("org-b", "secret-b"));
    GenesysTokenMetrics shared = metrics(GenesysTokenMetrics.builder());
    TokenProviderRegistry one =
        TokenProviderRegistry.builder(key -> key.clientId().equals("org-a") ? "secret-a" : "secret-b")
            .providerSettings(b -> b.listener(shared))
            .build();
    closing.add(one);
    one.provider(TokenProviderRegistry.Key.of(emulator.tokenUri(), "org-a")).token().block(WAIT);
    one.provider(TokenProviderRegistry.Key.of(emulator.tokenUri(), "org-b")).token().block(WAIT);

    assertThat(meters.find(REQUESTS).counters()).hasSize(1);
    assertThat(requests("success", "200")).isEqualTo(2);

    SimpleMeterRegistry perKey = new SimpleMeterRegistry();
    TokenProviderRegistry each =
        TokenProviderRegistry.builder(key -> key.clientId().equals("org-a") ? "secret-a" : "secret-b")
            .listenerPerProvider(
                key ->
                    GenesysTokenMetrics.builder()
                        .meterRegistry(perKey)
                        .name(key.clientId().equals("org-a") ? "first" : "second")
                        .build())
            .build();
    closing.add(each);
    each.provider(TokenProviderRegistry.Key.of(emulator.tokenUri(), "org-a")).token().block(WAIT);
    each.provider(TokenProviderRegistry.Key.of(emulator.tokenUri(), "org-b")).token().block(WAIT);

    assertThat(
            perKey.find(REQUESTS).counters().stream()
                .map(c -> c.getId().getTag("name"))
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("first", "second");
    assertThat(perKey.find(EXPIRY).timeGauges()).hasSize(2);
  }

  @Test
  void theStatusTagNamesTheRepliesThatMatterAndTimeoutsOfTheJdkOrOfNetty() {
    assertThat(GenesysTokenMetrics.statusOf(endpointFailure(403))).isEqualTo("4xx");
    assertThat(GenesysTokenMetrics.statusOf(endpointFailure(502))).isEqualTo("5xx");
    assertThat(GenesysTokenMetrics.statusOf(endpointFailure(401))).isEqualTo("401");
    assertThat(GenesysTokenMetrics.statusOf(endpointFailure(200))).isEqualTo("200");
    assertThat(
            GenesysTokenMetrics.statusOf(
                new TokenException("slow", new java.util.concurrent.TimeoutException(), true)))
        .isEqualTo("timeout");
    assertThat(
            GenesysTokenMetrics.statusOf(
                new TokenException("slow", io.netty.handler.timeout.ReadTimeoutException.INSTANCE, true)))
        .isEqualTo("timeout");
    assertThat(
            GenesysTokenMetrics.statusOf(
                new TokenException("reset", new java.io.IOException("reset"), true)))
        .isEqualTo("io");
  }

  private static TokenException endpointFailure(int status) {
    return new io.github.genesystokens.TokenEndpointException(
        "HTTP " + status, status, null, null, null, null, false);
  }

  @Test
  void aListenerNeedsARegistryAndANonBlankName() {
    assertThatThrownBy(() -> GenesysTokenMetrics.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("meterRegistry or observationRegistry");
    assertThatThrownBy(() -> GenesysTokenMetrics.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThat(GenesysTokenMetrics.builder().meterRegistry(meters).build().toString())
        .isEqualTo("GenesysTokenMetrics[name=default, meters=true, observations=false]");
  }
}

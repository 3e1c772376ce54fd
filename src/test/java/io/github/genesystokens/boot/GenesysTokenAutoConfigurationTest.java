package io.github.genesystokens.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenListener;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TestClock;
import io.github.genesystokens.TokenStatus;
import io.github.genesystokens.emulator.Fault;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.micrometer.GenesysTokenMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

/**
 * Every condition of {@link GenesysTokenAutoConfiguration}, in an {@link ApplicationContextRunner}
 * against the login emulator on 127.0.0.1: which beans exist with which properties and classpath,
 * that the application's own beans win, and that bad properties fail the start naming the
 * property.
 */
class GenesysTokenAutoConfigurationTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String SECRET = "s3cr3t-value-0123456789";

  private final GenesysLoginEmulator emulator =
      GenesysLoginEmulator.builder().client("boot-client", SECRET).start();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(GenesysTokenAutoConfiguration.class));

  private ApplicationContextRunner configured() {
    return runner.withPropertyValues(
        "genesys.token.client-id=boot-client",
        "genesys.token.client-secret=" + SECRET,
        "genesys.token.token-uri=" + emulator.tokenUri());
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void withoutAClientIdThereAreNoBeans() {
    runner
        .withPropertyValues("genesys.token.client-secret=x", "genesys.token.region=eu-central-1")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(TokenProvider.class);
              assertThat(context).doesNotHaveBean("genesysWebClientBuilder");
              assertThat(context).doesNotHaveBean("genesysTokenHealthIndicator");
              assertThat(context).doesNotHaveBean(GenesysTokenProperties.class);
            });
  }

  @Test
  void theThreePropertiesOfARegionGiveTheProviderTheBuilderAndTheHealthComponent() {
    runner
        .withPropertyValues(
            "genesys.token.client-id=boot-client",
            "genesys.token.client-secret=" + SECRET,
            "genesys.token.region=eu-central-1")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(TokenProvider.class);
              assertThat(context).hasBean("genesysTokenProvider");
              assertThat(context).hasBean("genesysWebClientBuilder");
              assertThat(context).hasBean("genesysTokenHealthIndicator");
              assertThat(context.getBean(TokenProvider.class).toString())
                  .contains("https://login.mypurecloud.de/oauth/token")
                  .doesNotContain(SECRET);
              assertThat(ProviderSettings.apiBaseUrl(context.getBean(GenesysTokenProperties.class)))
                  .hasToString("https://api.mypurecloud.de");
              assertThat(context.getBean(GenesysTokenProperties.class).toString())
                  .doesNotContain(SECRET);
              // Nothing is requested at startup unless warm-up is on.
              assertThat(context.getBean(TokenProvider.class).status().phase())
                  .isEqualTo(TokenStatus.Phase.EMPTY);
            });
  }

  @Test
  void theBuilderCallsTheApiWithTheTokenAndIsANewBuilderForEachInjection() {
    configured()
        .run(
            context -> {
              WebClient.Builder first = context.getBean("genesysWebClientBuilder", WebClient.Builder.class);
              WebClient.Builder second = context.getBean("genesysWebClientBuilder", WebClient.Builder.class);
              assertThat(first).isNotSameAs(second);
              StepVerifier.create(
                      first.build().get().uri("/api/v2/users/me").retrieve().bodyToMono(String.class))
                  .assertNext(body -> assertThat(body).contains("boot-client"))
                  .expectComplete()
                  .verify(WAIT);
              assertThat(emulator.tokenRequests()).isEqualTo(1);
              assertThat(emulator.apiRequests()).isEqualTo(1);
            });
  }

  @Test
  void aTokenUriOverridesTheRegionSoATestCanPointARegionsApplicationAtTheEmulator() {
    configured()
        .withPropertyValues("genesys.token.region=eu-central-1")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              WebClient api =
                  context.getBean("genesysWebClientBuilder", WebClient.Builder.class).build();
              StepVerifier.create(api.get().uri("/api/v2/users/me").retrieve().bodyToMono(String.class))
                  .assertNext(body -> assertThat(body).contains("boot-client"))
                  .expectComplete()
                  .verify(WAIT);
              // The token came from the emulator and the call went to it, not to mypurecloud.de.
              assertThat(emulator.tokenRequests()).isEqualTo(1);
              assertThat(emulator.apiRequests()).isEqualTo(1);
            });
  }

  @Test
  void theBuilderRefusesAnotherHostBeforeAnyTokenIsTaken() {
    configured()
        .run(
            context -> {
              WebClient api =
                  context.getBean("genesysWebClientBuilder", WebClient.Builder.class).build();
              String other = "http://localhost:" + emulator.port() + "/api/v2/users/me";
              StepVerifier.create(api.get().uri(other).retrieve().bodyToMono(String.class))
                  .expectErrorSatisfies(
                      e ->
                          assertThat(e)
                              .isInstanceOf(IllegalStateException.class)
                              .hasMessageContaining("only to host 127.0.0.1")
                              .hasMessageContaining("not to localhost"))
                  .verify(WAIT);
              assertThat(emulator.tokenRequests()).isZero();
              assertThat(emulator.apiRequests()).isZero();
            });
  }

  @Test
  void springBootsOwnWebClientBuilderIsTheOneInjectedByTypeAndCarriesNoToken() {
    configured()
        .withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class))
        .withUserConfiguration(PlainBuilderUser.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              // By type, only Boot's builder is a candidate: the Genesys one needs its name.
              assertThat(
                      BeanFactoryUtils.beanNamesForTypeIncludingAncestors(
                          context.getBeanFactory(), WebClient.Builder.class))
                  .containsExactlyInAnyOrder("webClientBuilder", "genesysWebClientBuilder");
              WebClient plain = context.getBean(PlainBuilderUser.class).client;
              StepVerifier.create(
                      plain
                          .get()
                          .uri("http://127.0.0.1:" + emulator.port() + "/api/v2/users/me")
                          .exchangeToMono(response -> reactor.core.publisher.Mono.just(response.statusCode())))
                  .expectNext(HttpStatusCode.valueOf(401))
                  .expectComplete()
                  .verify(WAIT);
              assertThat(emulator.tokenRequests()).isZero();

              WebClient genesys =
                  context.getBean("genesysWebClientBuilder", WebClient.Builder.class).build();
              StepVerifier.create(
                      genesys.get().uri("/api/v2/users/me").retrieve().toBodilessEntity())
                  .expectNextCount(1)
                  .expectComplete()
                  .verify(WAIT);
              assertThat(emulator.tokenRequests()).isEqualTo(1);
            });
  }

  @Test
  void credentialsFromFilesAreReadForTheTokenRequest(@TempDir Path dir) throws Exception {
    Path id = Files.writeString(dir.resolve("client-id"), "boot-client\n", StandardCharsets.UTF_8);
    Path secret = Files.writeString(dir.resolve("client-secret"), SECRET + "\n", StandardCharsets.UTF_8);
    runner
        .withPropertyValues(
            "genesys.token.client-id-file=" + id,
            "genesys.token.client-secret-file=" + secret,
            "genesys.token.token-uri=" + emulator.tokenUri())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TokenProvider tokens = context.getBean(TokenProvider.class);
              assertThat(tokens.toString()).contains(id.toString()).doesNotContain(SECRET);
              StepVerifier.create(tokens.token()).expectNextCount(1).expectComplete().verify(WAIT);
              assertThat(emulator.tokensIssuedTo("boot-client")).isEqualTo(1);
            });
  }

  @Test
  void withoutWebFluxTheProviderAndTheHealthComponentRemain() {
    configured()
        .withClassLoader(new FilteredClassLoader("org.springframework.web.reactive"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(TokenProvider.class);
              assertThat(context).doesNotHaveBean("genesysWebClientBuilder");
              assertThat(context).hasBean("genesysTokenHealthIndicator");
            });
  }

  @Test
  void withoutTheActuatorAndItsHealthModuleTheProviderAndTheBuilderRemain() {
    configured()
        .withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(TokenProvider.class);
              assertThat(context).hasBean("genesysWebClientBuilder");
              assertThat(context).doesNotHaveBean("genesysTokenHealthIndicator");
            });
  }

  @Test
  void withoutMicrometerTheProviderIsNotInstrumentedAndTheRestRemains() {
    configured()
        .withClassLoader(new FilteredClassLoader("io.micrometer.core"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(TokenProvider.class);
              assertThat(context).hasBean("genesysWebClientBuilder");
              assertThat(context).hasBean("genesysTokenHealthIndicator");
              assertThat(context).doesNotHaveBean("genesysTokenMetricsCustomizer");
            });
  }

  @Test
  void theHealthIndicatorCanBeSwitchedOff() {
    configured()
        .withPropertyValues("management.health.genesysToken.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(TokenProvider.class);
              assertThat(context).doesNotHaveBean("genesysTokenHealthIndicator");
            });
  }

  @Test
  void withAMeterRegistryTheProviderIsInstrumentedUnderTheConfiguredName() {
    configured()
        .withPropertyValues("genesys.token.name=orders")
        .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              StepVerifier.create(context.getBean(TokenProvider.class).token())
                  .expectNextCount(1)
                  .expectComplete()
                  .verify(WAIT);
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              assertThat(
                      meters
                          .get(GenesysTokenMetrics.REQUESTS)
                          .tags("name", "orders", "outcome", "success", "status", "200")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
              assertThat(meters.get(GenesysTokenMetrics.EXPIRY).tag("name", "orders").timeGauge())
                  .isNotNull();
            });
  }

  @Test
  void withAnObservationRegistryAloneEachFetchIsObserved() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    configured()
        .withPropertyValues("genesys.token.name=orders")
        .withBean(ObservationRegistry.class, () -> observations)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(MeterRegistry.class);
              StepVerifier.create(context.getBean(TokenProvider.class).token())
                  .expectNextCount(1)
                  .expectComplete()
                  .verify(WAIT);
              TestObservationRegistryAssert.assertThat(observations)
                  .hasNumberOfObservationsWithNameEqualTo(GenesysTokenMetrics.FETCH, 1)
                  .hasObservationWithNameEqualTo(GenesysTokenMetrics.FETCH)
                  .that()
                  .hasLowCardinalityKeyValue("name", "orders")
                  .hasLowCardinalityKeyValue("outcome", "success");
            });
  }

  @Test
  void customizersAdjustTheBuilderInOrder() {
    AtomicInteger fetches = new AtomicInteger();
    TokenListener counting =
        new TokenListener() {
          @Override
          public Fetch onFetchStarted(Trigger trigger) {
            fetches.incrementAndGet();
            return TokenListener.super.onFetchStarted(trigger);
          }
        };
    configured()
        .withBean("listening", GenesysTokenProviderCustomizer.class, () -> builder -> builder.listener(counting))
        .run(
            context -> {
              StepVerifier.create(context.getBean(TokenProvider.class).token())
                  .expectNextCount(1)
                  .expectComplete()
                  .verify(WAIT);
              assertThat(fetches).hasValue(1);
            });
  }

  /**
   * The provider's clock, stopped and jumped by the test (a pool paces its mints one second apart
   * on it), through a customizer as an application would set it.
   */
  private ApplicationContextRunner configuredWith(TestClock clock, String... properties) {
    return configured()
        .withBean("clock", GenesysTokenProviderCustomizer.class, () -> builder -> builder.clock(clock))
        .withPropertyValues(properties);
  }

  @Test
  void byDefaultTheProviderHoldsASingleToken() {
    TestClock clock = TestClock.stoppedAt(Instant.now());
    configuredWith(clock)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TokenProvider tokens = context.getBean(TokenProvider.class);
              assertThat(tokens).isInstanceOf(GenesysTokenProvider.class);
              assertThat(tokens.toString()).doesNotContain("pool of");
              AccessToken first = tokens.token().block(WAIT);
              clock.jump(Duration.ofSeconds(2));
              // No other token to turn to: the 429 stays the caller's, and the token is kept.
              assertThat(tokens.reportRateLimited(first, Duration.ofSeconds(30))).isFalse();
              assertThat(tokens.token().block(WAIT)).isEqualTo(first);
              assertThat(emulator.tokensIssued()).isEqualTo(1);
            });
  }

  @Test
  void aPoolSizeGivesAPoolThatMintsAnotherTokenWhenOneIsRateLimited() {
    TestClock clock = TestClock.stoppedAt(Instant.now());
    configuredWith(clock, "genesys.token.pool-size=3")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TokenProvider tokens = context.getBean(TokenProvider.class);
              assertThat(tokens.toString())
                  .contains("pool of 1 of at most 3 tokens, 300 requests per token per minute");
              AccessToken first = tokens.token().block(WAIT);
              clock.jump(Duration.ofSeconds(2)); // past the pacing between two mints

              assertThat(tokens.reportRateLimited(first, Duration.ofSeconds(30))).isTrue();
              AccessToken second = tokens.token().block(WAIT);
              assertThat(second).isNotEqualTo(first);
              assertThat(emulator.tokensIssued()).isEqualTo(2);
              assertThat(tokens.toString())
                  .contains("pool of 2 of at most 3 tokens")
                  .doesNotContain(first.value(), second.value(), SECRET);
            });
  }

  @Test
  void theRequestsPerTokenPerMinuteAreWhatThePoolPlansFor() {
    TestClock clock = TestClock.stoppedAt(Instant.now());
    configuredWith(clock, "genesys.token.pool-size=2", "genesys.token.requests-per-token-per-minute=10")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TokenProvider tokens = context.getBean(TokenProvider.class);
              assertThat(tokens.toString()).contains("10 requests per token per minute");
              AccessToken first = tokens.token().block(WAIT);
              clock.jump(Duration.ofSeconds(2));
              // 80 % of 10 is 8: the eighth request within the minute starts the second mint, and
              // the eleventh would be over the first token's limit, so it waits for the second.
              List<AccessToken> handed = new ArrayList<>(List.of(first));
              for (int i = 2; i <= 11; i++) {
                handed.add(tokens.token().block(WAIT));
              }
              assertThat(handed.subList(0, 8)).containsOnly(first);
              assertThat(handed.get(10)).isNotEqualTo(first);
              assertThat(emulator.tokensIssued()).isEqualTo(2);
            });
  }

  @Test
  void theApplicationsOwnBeansWin() {
    configured()
        .withUserConfiguration(OwnBeans.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(TokenProvider.class);
              assertThat(context).hasBean("ownTokens");
              assertThat(context).doesNotHaveBean("genesysTokenProvider");
              assertThat(context.getBean("genesysWebClientBuilder")).isSameAs(OwnBeans.BUILDER);
              assertThat(context.getBean("genesysTokenHealthIndicator")).isSameAs(OwnBeans.HEALTH);
            });
  }

  @Test
  void anOwnProviderIsWhatTheBuilderAndTheHealthComponentUse() {
    configured()
        .withUserConfiguration(OwnProvider.class)
        .run(
            context -> {
              TokenProvider own = context.getBean(TokenProvider.class);
              assertThat(own.toString()).contains("own-client");
              ReactiveHealthIndicator health =
                  context.getBean("genesysTokenHealthIndicator", ReactiveHealthIndicator.class);
              StepVerifier.create(health.health())
                  .assertNext(h -> assertThat(h.getStatus()).isEqualTo(Status.UNKNOWN))
                  .expectComplete()
                  .verify(WAIT);
            });
  }

  @Test
  void theProviderIsClosedWithTheContext() {
    TokenProvider[] held = new TokenProvider[1];
    configured().run(context -> held[0] = context.getBean(TokenProvider.class));
    assertThat(held[0].status().phase()).isEqualTo(TokenStatus.Phase.CLOSED);
  }

  @Test
  void healthIsReadFromTheStatusWithoutEverRequestingAToken() {
    configured()
        .run(
            context -> {
              ReactiveHealthIndicator health =
                  context.getBean("genesysTokenHealthIndicator", ReactiveHealthIndicator.class);
              assertThat(health(health).getStatus()).isEqualTo(Status.UNKNOWN);
              assertThat(emulator.tokenRequests()).isZero();

              AccessToken token = context.getBean(TokenProvider.class).token().block(WAIT);
              Health up = health(health);
              assertThat(up.getStatus()).isEqualTo(Status.UP);
              assertThat(up.getDetails()).containsEntry("phase", "FRESH").containsKey("expiresAt");
              for (int i = 0; i < 5; i++) {
                health(health);
              }
              assertThat(emulator.tokenRequests()).isEqualTo(1);
              assertThat(up.toString()).doesNotContain(token.value()).doesNotContain(SECRET);
            });
  }

  @Test
  void healthIsDownWithTheErrorWhenTheFirstFetchFailed() {
    runner
        .withPropertyValues(
            "genesys.token.client-id=boot-client",
            "genesys.token.client-secret=wrong-" + SECRET,
            "genesys.token.token-uri=" + emulator.tokenUri())
        .run(
            context -> {
              StepVerifier.create(context.getBean(TokenProvider.class).token())
                  .expectError()
                  .verify(WAIT);
              Health down =
                  health(context.getBean("genesysTokenHealthIndicator", ReactiveHealthIndicator.class));
              assertThat(down.getStatus()).isEqualTo(Status.DOWN);
              assertThat(down.getDetails())
                  .containsEntry("phase", "EMPTY")
                  .containsEntry("retryable", false)
                  .containsEntry("oauthError", "invalid_client")
                  .containsKeys("error", "status", "correlationId", "lastFailureAt");
              assertThat(down.toString()).doesNotContain(SECRET);
            });
  }

  @Test
  void healthIsDownOnceTheProviderIsClosed() {
    configured()
        .run(
            context -> {
              context.getBean(TokenProvider.class).close();
              Health down =
                  health(context.getBean("genesysTokenHealthIndicator", ReactiveHealthIndicator.class));
              assertThat(down.getStatus()).isEqualTo(Status.DOWN);
              assertThat(down.getDetails()).containsEntry("phase", "CLOSED");
            });
  }

  @Test
  void warmUpFetchesTheFirstTokenDuringTheStart() {
    configured()
        .withPropertyValues("genesys.token.warm-up=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(emulator.tokensIssued()).isEqualTo(1);
              assertThat(context.getBean(TokenProvider.class).status().phase())
                  .isEqualTo(TokenStatus.Phase.FRESH);
            });
  }

  @Test
  void warmUpWithAWrongSecretFailsTheStartWithTheServersError() {
    runner
        .withPropertyValues(
            "genesys.token.client-id=boot-client",
            "genesys.token.client-secret=wrong-" + SECRET,
            "genesys.token.token-uri=" + emulator.tokenUri(),
            "genesys.token.warm-up=true")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("genesys.token.warm-up: the first token could not be obtained")
                  .contains("invalid_client")
                  .doesNotContain(SECRET);
            });
  }

  @Test
  void warmUpWithATransientFailureStartsAnyway() {
    emulator.failNextTokenRequests(1, Fault.serviceUnavailable());
    configured()
        .withPropertyValues("genesys.token.warm-up=true", "genesys.token.retry.max-retries=0")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(emulator.tokenRequests()).isEqualTo(1);
              TokenStatus status = context.getBean(TokenProvider.class).status();
              assertThat(status.lastFailure()).isPresent();
              assertThat(status.lastFailure().get().isRetryable()).isTrue();
            });
  }

  /** A bad case: a valid application of a region plus {@code extra} fails naming {@code property}. */
  private static Arguments inARegionsApp(String property, String... extra) {
    return Arguments.of(
        Stream.concat(
                Stream.of("genesys.token.client-secret=x", "genesys.token.region=eu-central-1"),
                Stream.of(extra))
            .toList(),
        property);
  }

  static Stream<Arguments> badProperties() {
    return Stream.of(
        Arguments.of(List.of("genesys.token.client-secret=x"), "genesys.token.region"),
        Arguments.of(
            List.of("genesys.token.client-secret=x", "genesys.token.region=not a region!", "genesys.token.token-uri=https://login.example.com/oauth/token"),
            "genesys.token.region"),
        Arguments.of(List.of("genesys.token.region=eu-central-1"), "genesys.token.client-secret"),
        Arguments.of(
            List.of("genesys.token.client-secret=x", "genesys.token.region=not a region!"),
            "genesys.token.region"),
        Arguments.of(
            List.of("genesys.token.client-secret=x", "genesys.token.token-uri=http://example.com/oauth/token"),
            "genesys.token.token-uri"),
        inARegionsApp("genesys.token.client-id", "genesys.token.client-id-file=/nonexistent/id"),
        inARegionsApp("genesys.token.client-authentication", "genesys.token.client-authentication=telepathy"),
        inARegionsApp("genesys.token.refresh-ahead", "genesys.token.refresh-ahead=soon"),
        inARegionsApp("genesys.token.refresh-ahead", "genesys.token.refresh-ahead=10s", "genesys.token.expiry-skew=60s"),
        inARegionsApp("genesys.token.request-timeout", "genesys.token.request-timeout=0s"),
        inARegionsApp("genesys.token.failure-cooldown", "genesys.token.failure-cooldown=-1s"),
        inARegionsApp("genesys.token.retry.max-retries", "genesys.token.retry.max-retries=-1"),
        inARegionsApp("genesys.token.retry.min-backoff", "genesys.token.retry.min-backoff=10s", "genesys.token.retry.max-backoff=1s"),
        inARegionsApp("genesys.token.retry.max-retry-after", "genesys.token.retry.max-retry-after=-5s"),
        inARegionsApp("genesys.token.scopes", "genesys.token.scopes=a b"),
        inARegionsApp("genesys.token.name", "genesys.token.name= "),
        inARegionsApp("genesys.token.pool-size", "genesys.token.pool-size=0"),
        inARegionsApp("genesys.token.pool-size", "genesys.token.pool-size=51"),
        inARegionsApp("genesys.token.pool-size", "genesys.token.pool-size=many"),
        inARegionsApp("genesys.token.requests-per-token-per-minute", "genesys.token.requests-per-token-per-minute=0"),
        inARegionsApp(
            "genesys.token.requests-per-token-per-minute",
            "genesys.token.pool-size=3", "genesys.token.requests-per-token-per-minute=-1"),
        inARegionsApp("genesys.token.requests-per-token-per-minute", "genesys.token.requests-per-token-per-minute=100"),
        inARegionsApp("genesys.token.api-base-url", "genesys.token.api-base-url=http://api.example.com"));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("badProperties")
  void aBadPropertyFailsTheStartNamingIt(List<String> properties, String named) {
    runner
        .withPropertyValues("genesys.token.client-id=boot-client")
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure())).contains(named).doesNotContain(SECRET);
            });
  }

  @Test
  void aSecretFileWithoutAnIdFileFailsTheStartNamingIt(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "x");
    runner
        .withPropertyValues(
            "genesys.token.client-id=boot-client",
            "genesys.token.client-secret-file=" + secret,
            "genesys.token.region=eu-central-1")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure())).contains("genesys.token.client-secret-file");
            });
  }

  @Test
  void anIdFileWithoutASecretFileFailsTheStartNamingIt(@TempDir Path dir) throws Exception {
    Path id = Files.writeString(dir.resolve("id"), "boot-client");
    runner
        .withPropertyValues("genesys.token.client-id-file=" + id, "genesys.token.region=eu-central-1")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure())).contains("genesys.token.client-secret-file");
            });
  }

  private static Health health(ReactiveHealthIndicator indicator) {
    return indicator.health().block(WAIT);
  }

  /** Every message of the failure's chain, as a user sees them in the start's report. */
  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** Injects a plain {@code WebClient.Builder}, as most application code does. */
  static class PlainBuilderUser {
    final WebClient client;

    PlainBuilderUser(WebClient.Builder builder) {
      this.client = builder.build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final WebClient.Builder BUILDER = WebClient.builder();
    static final ReactiveHealthIndicator HEALTH = () -> reactor.core.publisher.Mono.just(Health.up().build());

    @Bean
    TokenProvider ownTokens() {
      return GenesysTokenProvider.builder()
          .clientId("own-client")
          .clientSecret("own-secret")
          .region(io.github.genesystokens.GenesysRegion.EU_WEST_1)
          .build();
    }

    @Bean
    WebClient.Builder genesysWebClientBuilder() {
      return BUILDER;
    }

    @Bean
    ReactiveHealthIndicator genesysTokenHealthIndicator() {
      return HEALTH;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnProvider {
    @Bean
    TokenProvider ownTokens() {
      return GenesysTokenProvider.builder()
          .clientId("own-client")
          .clientSecret("own-secret")
          .region(io.github.genesystokens.GenesysRegion.EU_WEST_1)
          .build();
    }
  }
}

package io.github.genesystokens.boot;

import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.micrometer.GenesysTokenMetrics;
import io.github.genesystokens.webclient.BearerTokenFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Spring Boot auto-configuration of a Genesys token provider, active once {@code
 * genesys.token.client-id} (or {@code genesys.token.client-id-file}) is set. Each bean backs off
 * when the application defines one of its own; each optional part needs only its own library:
 *
 * <ul>
 *   <li>{@code TokenProvider genesysTokenProvider}, from {@link GenesysTokenProperties} and every
 *       {@link GenesysTokenProviderCustomizer}, closed with the context;
 *   <li>with Spring WebFlux, {@code WebClient.Builder genesysWebClientBuilder} (prototype, one
 *       builder per injection point): the API base URL and the {@link BearerTokenFilter}, which
 *       sends tokens to that host only. It is no default candidate, so a plain {@code
 *       WebClient.Builder} of the application stays without the token; inject it with {@code
 *       @Qualifier("genesysWebClientBuilder")}. It copies Spring Boot's own builder when there is
 *       one (codecs, connector, observations);
 *   <li>with the Spring Boot health module, the {@code genesysToken} health component;
 *   <li>with Micrometer and a {@code MeterRegistry} or {@code ObservationRegistry} bean, a {@link
 *       GenesysTokenMetrics} listener named {@code genesys.token.name};
 *   <li>with {@code genesys.token.warm-up=true}, the first token fetched during the start.
 * </ul>
 *
 * <p>Listed in {@code META-INF/spring/...AutoConfiguration.imports}; applications do not import
 * it themselves. {@code docs/spring-boot.md} describes the properties and beans.
 */
@AutoConfiguration
@Conditional(GenesysTokenAutoConfiguration.OnClientId.class)
@EnableConfigurationProperties(GenesysTokenProperties.class)
public final class GenesysTokenAutoConfiguration {

  /** Created by Spring only. */
  GenesysTokenAutoConfiguration() {}

  /**
   * The provider, from the properties and the customizers.
   *
   * @param properties the {@code genesys.token.*} settings
   * @param customizers applied in order after the properties
   * @return the provider, closed when the context closes
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  TokenProvider genesysTokenProvider(
      GenesysTokenProperties properties,
      ObjectProvider<GenesysTokenProviderCustomizer> customizers) {
    GenesysTokenProvider.Builder builder = ProviderSettings.builder(properties);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  /** {@code genesys.token.warm-up=true}: the first token during the start. */
  @Bean
  @ConditionalOnBooleanProperty("genesys.token.warm-up")
  WarmUp genesysTokenWarmUp(TokenProvider genesysTokenProvider, GenesysTokenProperties properties) {
    return new WarmUp(genesysTokenProvider, ProviderSettings.warmUpBound(properties));
  }

  /** The WebClient builder, with Spring WebFlux only. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebClient.class)
  static class WebClientConfiguration {

    @Bean(defaultCandidate = false)
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    @ConditionalOnMissingBean(name = "genesysWebClientBuilder")
    WebClient.Builder genesysWebClientBuilder(
        TokenProvider genesysTokenProvider,
        GenesysTokenProperties properties,
        ObjectProvider<WebClient.Builder> bootBuilder) {
      URI api = ProviderSettings.apiBaseUrl(properties);
      // Spring Boot's builder is a prototype: this is a fresh one, with its codecs and connector.
      WebClient.Builder builder = bootBuilder.getIfAvailable(WebClient::builder);
      return builder
          .baseUrl(api.toString())
          .filter(BearerTokenFilter.of(genesysTokenProvider).allowingOnlyHost(api.getHost()));
    }
  }

  /** The health component, with the Spring Boot health module only. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
  static class HealthConfiguration {

    /**
     * One level down: the condition of {@code @ConditionalOnEnabledHealthIndicator} is a class of
     * the health module, loaded with the other conditions of its class before any is evaluated.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("genesysToken")
    static class Enabled {

      @Bean
      @ConditionalOnMissingBean(name = "genesysTokenHealthIndicator")
      GenesysTokenHealthIndicator genesysTokenHealthIndicator(TokenProvider genesysTokenProvider) {
        return new GenesysTokenHealthIndicator(genesysTokenProvider);
      }
    }
  }

  /** Meters and observations, with Micrometer only. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class MetricsConfiguration {

    @Bean
    @Order(0)
    GenesysTokenProviderCustomizer genesysTokenMetricsCustomizer(
        GenesysTokenProperties properties,
        ObjectProvider<MeterRegistry> meterRegistry,
        ObjectProvider<ObservationRegistry> observationRegistry) {
      String name = ProviderSettings.metricsName(properties);
      return builder -> {
        MeterRegistry meters = meterRegistry.getIfUnique();
        ObservationRegistry observations = observationRegistry.getIfUnique();
        if (observations != null && observations.isNoop()) {
          observations = null;
        }
        if (meters == null && observations == null) {
          return;
        }
        GenesysTokenMetrics.Builder metrics = GenesysTokenMetrics.builder().name(name);
        if (meters != null) {
          metrics.meterRegistry(meters);
        }
        if (observations != null) {
          metrics.observationRegistry(observations);
        }
        builder.listener(metrics.build());
      };
    }

    /**
     * Spring Boot's observation registry times every observation itself, under the observation's
     * name with an extra {@code error} tag: a second {@value GenesysTokenMetrics#FETCH} timer
     * beside the listener's, which registries such as Prometheus refuse (one name, two sets of tag
     * keys). That copy is dropped; the listener's timer and the trace stay.
     */
    @Bean
    MeterFilter genesysTokenFetchObservationTimerFilter() {
      return MeterFilter.deny(
          id -> id.getName().equals(GenesysTokenMetrics.FETCH) && id.getTag("error") != null);
    }
  }

  /** {@code genesys.token.client-id} or {@code genesys.token.client-id-file} is set. */
  static final class OnClientId extends AnyNestedCondition {

    OnClientId() {
      super(ConfigurationPhase.PARSE_CONFIGURATION);
    }

    @ConditionalOnProperty(prefix = "genesys.token", name = "client-id")
    static final class ClientId {}

    @ConditionalOnProperty(prefix = "genesys.token", name = "client-id-file")
    static final class ClientIdFile {}
  }
}

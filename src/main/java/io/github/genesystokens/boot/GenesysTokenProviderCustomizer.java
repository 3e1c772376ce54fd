package io.github.genesystokens.boot;

import io.github.genesystokens.GenesysTokenProvider;

/**
 * Adjusts the builder of the auto-configured {@code genesysTokenProvider} bean after the {@code
 * genesys.token.*} properties are applied and before the provider is built: an {@code HttpClient}
 * with a proxy, a {@code tokenRequestParameter}, another listener. Every bean of this type is
 * applied, in {@code @Order}; the auto-configuration's own (the Micrometer listener) comes first.
 *
 * <pre>{@code
 * @Bean
 * GenesysTokenProviderCustomizer proxy() {
 *   return builder -> builder.httpClient(HttpClient.create().proxy(...));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface GenesysTokenProviderCustomizer {

  /**
   * Adjusts the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(GenesysTokenProvider.Builder builder);
}

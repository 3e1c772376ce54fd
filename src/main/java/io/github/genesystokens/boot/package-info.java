/**
 * Spring Boot auto-configuration (optional): with {@code genesys.token.client-id} set, a {@code
 * TokenProvider genesysTokenProvider} bean, a {@code WebClient.Builder genesysWebClientBuilder}
 * with the {@code BearerTokenFilter} for the Genesys API host only, the {@code genesysToken} health
 * component and Micrometer instrumentation. Inert in applications that are not Spring Boot. See
 * {@code docs/spring-boot.md}.
 */
package io.github.genesystokens.boot;

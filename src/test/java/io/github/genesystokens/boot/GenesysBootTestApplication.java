package io.github.genesystokens.boot;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A small WebFlux service as a user writes one: it injects {@code genesysWebClientBuilder} and
 * serves {@code GET /me} by calling {@code /api/v2/users/me} of the Genesys API. No component scan
 * (the package holds other tests' configurations); the auto-configuration does the rest.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class GenesysBootTestApplication {

  @Bean
  RouterFunction<ServerResponse> routes(@Qualifier("genesysWebClientBuilder") WebClient.Builder genesys) {
    WebClient api = genesys.build();
    return RouterFunctions.route()
        .GET(
            "/me",
            request ->
                api.get()
                    .uri("/api/v2/users/me")
                    .retrieve()
                    .bodyToMono(String.class)
                    .flatMap(body -> ServerResponse.ok().bodyValue(body)))
        .build();
  }
}

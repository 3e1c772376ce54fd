package io.github.genesystokens.cli;

import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import io.github.genesystokens.webclient.BearerTokenFilter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A token the API stops accepting (revoked, or expired early by an idle timeout) is replaced by
 * the WebClient filter without the callers seeing a 401: the 20 requests that are rejected
 * together cause one new token, and each is replayed once.
 */
final class RevokedTokenStep implements DemoStep {

  static final int CALLERS = 20;

  @Override
  public String promise() {
    return "WebClient filter: a revoked token's 401s are recovered with one new token";
  }

  @Override
  public Outcome check() {
    try (GenesysLoginEmulator emulator = GenesysLoginEmulator.start();
        TokenProvider provider = DemoSupport.provider(emulator)) {
      WebClient api =
          WebClient.builder()
              .baseUrl(emulator.baseUri().toString())
              .filter(BearerTokenFilter.of(provider))
              .build();
      Mono<String> me = api.get().uri("/api/v2/users/me").retrieve().bodyToMono(String.class);
      me.block(DemoSupport.STEP_LIMIT);
      long tokensBefore = emulator.tokenRequests();

      emulator.revokeAllTokens();
      long apiBefore = emulator.apiRequests();
      AtomicInteger failed = new AtomicInteger();
      List<String> replies =
          Flux.range(0, CALLERS)
              .flatMap(
                  i ->
                      me.onErrorResume(
                          WebClientResponseException.class,
                          e -> {
                            failed.incrementAndGet();
                            return Mono.empty();
                          }))
              .collectList()
              .block(DemoSupport.STEP_LIMIT);
      long newTokens = emulator.tokenRequests() - tokensBefore;
      long apiCalls = emulator.apiRequests() - apiBefore;
      boolean held = failed.get() == 0 && replies.size() == CALLERS && newTokens == 1;
      return Outcome.of(
          held,
          "token revoked, then "
              + CALLERS
              + " concurrent API calls: "
              + (apiCalls - CALLERS)
              + " answered 401 and were replayed once, "
              + newTokens
              + " new token request, "
              + failed.get()
              + " calls failed");
    }
  }
}

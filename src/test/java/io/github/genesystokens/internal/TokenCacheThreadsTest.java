package io.github.genesystokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** On which threads waiters resume, with real schedulers. */
class TokenCacheThreadsTest {

  @Test
  void waitersResumeOnParallelThreadsNotOnTheThreadThatReadTheReply() {
    Scheduler loginLoop = Schedulers.newSingle("login-event-loop");
    Clock clock = Clock.systemUTC();
    TokenCache cache =
        new TokenCache(
            () ->
                Mono.delay(Duration.ofMillis(50), loginLoop)
                    .map(
                        x -> {
                          Instant now = clock.instant();
                          return new IssuedToken(
                              new AccessToken("t", "bearer", now.plusSeconds(3600)), now);
                        }),
            new RefreshPolicy(Duration.ofMinutes(5), Duration.ofMinutes(1)),
            clock,
            Duration.ofSeconds(5),
            "test",
            () -> {});
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try {
      StepVerifier.create(
              Flux.range(0, 200)
                  .flatMap(i -> cache.token().doOnNext(t -> threads.add(Thread.currentThread().getName()))))
          .expectNextCount(200)
          .verifyComplete();
    } finally {
      cache.close();
      loginLoop.dispose();
    }
    assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("parallel-"));
  }
}

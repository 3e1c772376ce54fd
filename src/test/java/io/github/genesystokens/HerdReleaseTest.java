package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Waiters of a fetch resume on the provider's scheduler, spread over its workers, not all on the
 * one thread that completed the fetch (in production, the event loop that read the reply). Real
 * threads here (BlockHound watches them); the virtual-time tests elsewhere show the same waiters
 * resuming synchronously on a {@code VirtualTimeScheduler}.
 */
class HerdReleaseTest {

  /** Where the login service's reply completes the fetch: one thread, like an event loop. */
  private final Scheduler replyThread = Schedulers.newSingle("login-reply");
  /** The provider's scheduler: four workers, whatever the machine's core count. */
  private final Scheduler providerScheduler = Schedulers.newParallel("provider", 4);

  @AfterEach
  void dispose() {
    replyThread.dispose();
    providerScheduler.dispose();
  }

  @Test
  void aThousandWaitersResumeOnTheProvidersWorkersNotOnTheThreadThatReadTheReply()
      throws Exception {
    TestClock clock = TestClock.system();
    Sinks.One<IssuedToken> reply = Sinks.one();
    AtomicInteger fetches = new AtomicInteger();
    TokenCache cache =
        new TokenCache(
            () -> {
              fetches.incrementAndGet();
              return reply.asMono();
            },
            new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60)),
            clock,
            providerScheduler,
            Duration.ofSeconds(5),
            "test",
            () -> {});
    try {
      // All 1000 subscribe here, before the reply: every one of them waits for the fetch.
      CompletableFuture<List<String>> herd =
          Flux.range(0, 1000)
              .flatMap(i -> cache.token().map(token -> Thread.currentThread().getName()), 1000)
              .collectList()
              .toFuture();
      Instant now = clock.instant();
      IssuedToken issued =
          new IssuedToken(new AccessToken("token-1", "bearer", now.plus(Duration.ofHours(24))), now);
      replyThread.schedule(() -> reply.tryEmitValue(issued));
      List<String> threads = herd.get(5, TimeUnit.SECONDS);

      assertThat(fetches.get()).isEqualTo(1);
      assertThat(threads).hasSize(1000);
      Set<String> distinct = threads.stream().collect(Collectors.toSet());
      assertThat(distinct).as("threads the waiters resumed on").hasSizeGreaterThan(1);
      assertThat(distinct).allMatch(name -> name.startsWith("provider-"));
      // Round-robin over the workers: each of the four gets a share of the herd.
      assertThat(distinct).hasSize(4);
    } finally {
      cache.close();
    }
  }

  @Test
  void aWaiterWhoseSchedulerWasDisposedGetsATokenExceptionNotReactorsRejection() throws Exception {
    Scheduler disposedLater = Schedulers.newSingle("disposed-later");
    Sinks.One<IssuedToken> reply = Sinks.one();
    TokenCache cache =
        new TokenCache(
            reply::asMono,
            new RefreshPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60)),
            TestClock.system(),
            disposedLater,
            Duration.ofSeconds(5),
            "test",
            () -> {});
    try {
      CompletableFuture<AccessToken> waiter = cache.token().toFuture();
      disposedLater.dispose();
      Instant now = Instant.now();
      reply.tryEmitValue(
          new IssuedToken(new AccessToken("token-1", "bearer", now.plus(Duration.ofHours(24))), now));

      assertThat(waiter)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(TokenException.class)
          .withMessageContaining("scheduler refused to resume a waiting caller");
    } finally {
      cache.close();
    }
  }
}

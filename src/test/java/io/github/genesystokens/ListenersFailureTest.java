package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;
import reactor.util.context.Context;

/**
 * A listener that throws from any of its methods is reported in one WARN naming that method and is
 * otherwise ignored; a JVM-fatal error is not swallowed.
 */
class ListenersFailureTest {

  private final TestLogger logs = new TestLogger(false);
  private final TestClock clock = TestClock.stoppedAt(TestClock.ORIGIN);

  @BeforeEach
  void capture() {
    LoggerUtils.enableCaptureWith(logs, false);
  }

  @AfterEach
  void release() {
    LoggerUtils.disableCapture();
  }

  /** Throws from every method, including those of the fetch it returns. */
  private static final class Throwing implements TokenListener {
    private final Throwable failure;

    Throwing(Throwable failure) {
      this.failure = failure;
    }

    private void fail() {
      if (failure instanceof Error) {
        throw (Error) failure;
      }
      throw (RuntimeException) failure;
    }

    @Override
    public Fetch onFetchStarted(Trigger trigger) {
      return new Fetch() {
        @Override
        public void onRequestSucceeded(int attempt, Duration duration) {
          fail();
        }

        @Override
        public void onRequestFailed(int attempt, Duration duration, TokenException failure) {
          fail();
        }

        @Override
        public void onIssued(Instant expiresAt, Duration lifetime, int attempts, Duration duration) {
          fail();
        }

        @Override
        public void onFailed(TokenException failure, int attempts, Duration duration) {
          fail();
        }
      };
    }

    @Override
    public void onCacheHit() {
      fail();
    }

    @Override
    public void onInvalidation(boolean accepted) {
      fail();
    }

    @Override
    public void onReplay(boolean recovered) {
      fail();
    }

    @Override
    public void onClosed() {
      fail();
    }
  }

  private static final IssuedToken ISSUED =
      new IssuedToken(
          new AccessToken("t", "bearer", TestClock.ORIGIN.plusSeconds(60)), TestClock.ORIGIN);

  private static Listeners listeners() {
    return Listeners.of(List.of(new Throwing(new IllegalStateException("listener bug"))), "test");
  }

  private static void attempt(FetchEvents events, Mono<IssuedToken> reply) {
    FetchEvents.eachAttempt(reply)
        .contextWrite(Context.of(FetchEvents.class, events))
        .onErrorResume(e -> Mono.empty())
        .block(Duration.ofSeconds(5));
  }

  private void assertOneWarnNaming(String method, Consumer<Listeners> event) {
    event.accept(listeners());
    List<String> warnings = logs.getErrContent().lines().toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains("[ WARN]")
        .contains("threw from " + method)
        .contains("listener bug");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "onCacheHit",
        "onInvalidation",
        "onReplay",
        "onClosed",
        "onRequestSucceeded",
        "onRequestFailed",
        "onIssued",
        "onFailed"
      })
  void aListenerThatThrowsIsReportedOnceByTheMethodThatThrew(String method) {
    assertOneWarnNaming(
        method,
        all -> {
          switch (method) {
            case "onCacheHit" -> all.cacheHit();
            case "onInvalidation" -> all.invalidation(true);
            case "onReplay" -> all.replay(true);
            case "onClosed" -> all.closed();
            default -> {
              FetchEvents events = all.newFetch(clock);
              events.start(TokenListener.Trigger.FIRST_USE);
              switch (method) {
                case "onRequestSucceeded" -> attempt(events, Mono.just(ISSUED));
                case "onRequestFailed" ->
                    attempt(events, Mono.error(new TokenException("down", null, true)));
                case "onIssued" -> events.issued(ISSUED);
                default -> events.failed(new TokenException("down", null, true));
              }
            }
          }
        });
  }

  @Test
  void aJvmFatalErrorFromAListenerIsNotSwallowed() {
    Listeners fatal = Listeners.of(List.of(new Throwing(new LinkageError("broken class"))), "test");
    assertThatThrownBy(fatal::cacheHit).isInstanceOf(LinkageError.class);
  }

  @Test
  void aFetchThatNeverStartedReportsNoEnd() {
    Listeners all = listeners();
    all.newFetch(clock).failed(new TokenException("closed", null, false));
    assertThat(logs.getErrContent()).isEmpty();
  }
}

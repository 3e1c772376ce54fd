package io.github.genesystokens.cli;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** 1000 callers arriving together with an empty cache cause one token request. */
final class SharedRequestStep implements DemoStep {

  static final int CALLERS = 1000;

  @Override
  public String promise() {
    return CALLERS + " concurrent callers, empty cache: one token request";
  }

  @Override
  public Outcome check() {
    try (GenesysLoginEmulator emulator = GenesysLoginEmulator.start();
        TokenProvider provider = DemoSupport.provider(emulator)) {
      // One token for a throwaway provider first, so the timing below measures the callers and
      // not the JVM loading Reactor Netty.
      try (TokenProvider warmUp = DemoSupport.provider(emulator)) {
        warmUp.token().block(DemoSupport.STEP_LIMIT);
      }
      long before = emulator.tokenRequests();
      // A slow login service keeps the request open while all the callers arrive.
      emulator.latency(Duration.ofMillis(200));
      long start = System.nanoTime();
      List<AccessToken> tokens =
          Flux.range(0, CALLERS)
              .flatMap(i -> provider.token().subscribeOn(Schedulers.parallel()), CALLERS)
              .collectList()
              .block(DemoSupport.STEP_LIMIT);
      Duration took = DemoSupport.since(start);
      long distinct = tokens == null ? 0 : tokens.stream().distinct().count();
      long requests = emulator.tokenRequests() - before;
      boolean held = tokens != null && tokens.size() == CALLERS && distinct == 1 && requests == 1;
      return Outcome.of(
          held,
          CALLERS + " callers got " + distinct + " distinct token from " + requests
              + " token request(s) to the emulator, in " + Demo.millis(took)
              + " (login latency set to 200 ms)");
    }
  }
}

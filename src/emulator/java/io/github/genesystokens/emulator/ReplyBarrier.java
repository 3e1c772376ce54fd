package io.github.genesystokens.emulator;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Holds the replies to the next {@code count} API requests until the last of them has arrived, so
 * that a test knows all of them were in flight together (and so carried the same token) before any
 * client saw a reply. Requests beyond the count, and all requests once it is released, pass.
 */
final class ReplyBarrier {

  /** One armed barrier: how many requests it waits for, how many came, and the signal to go. */
  private static final class Gate {
    final int count;
    final AtomicInteger arrived = new AtomicInteger();
    final Sinks.Empty<Void> open = Sinks.empty();

    Gate(int count) {
      this.count = count;
    }

    void release() {
      open.tryEmitEmpty();
    }
  }

  private final AtomicReference<Gate> armed = new AtomicReference<>();

  /** Arms a new barrier for the next {@code count} requests; a previous one is released. */
  void hold(int count) {
    Gate previous = armed.getAndSet(new Gate(count));
    if (previous != null) {
      previous.release();
    }
  }

  /** Counts one arriving request; completes when its reply may be sent. */
  Mono<Void> arrive() {
    Gate gate = armed.get();
    if (gate == null) {
      return Mono.empty();
    }
    int n = gate.arrived.incrementAndGet();
    if (n > gate.count) {
      // Raced past a barrier that was just released by its last request.
      return Mono.empty();
    }
    if (n == gate.count) {
      armed.compareAndSet(gate, null);
      gate.release();
    }
    return gate.open.asMono();
  }

  /** Lets every held reply go and disarms the barrier: clearing faults, or closing. */
  void release() {
    Gate gate = armed.getAndSet(null);
    if (gate != null) {
      gate.release();
    }
  }
}

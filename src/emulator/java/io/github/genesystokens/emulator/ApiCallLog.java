package io.github.genesystokens.emulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last {@link #CAPACITY} API calls, oldest first: bounded so that an emulator left running
 * under load does not grow without end.
 */
final class ApiCallLog {

  static final int CAPACITY = 10_000;

  private final Deque<GenesysLoginEmulator.ApiCall> calls = new ArrayDeque<>();

  // A monitor held for one deque operation and never across I/O: a lock-free bounded queue would
  // buy nothing at a test tool's rates.
  synchronized void add(GenesysLoginEmulator.ApiCall call) {
    if (calls.size() == CAPACITY) {
      calls.removeFirst();
    }
    calls.addLast(call);
  }

  synchronized List<GenesysLoginEmulator.ApiCall> snapshot() {
    return List.copyOf(calls);
  }
}

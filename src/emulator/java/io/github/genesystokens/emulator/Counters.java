package io.github.genesystokens.emulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the emulator has served, for tests and the demo to assert on. */
final class Counters {
  final AtomicLong tokenRequests = new AtomicLong();
  final AtomicLong tokensIssued = new AtomicLong();
  final AtomicLong apiRequests = new AtomicLong();
  /** Tokens issued, per client id. */
  final Map<String, AtomicLong> issuedTo = new ConcurrentHashMap<>();

  void issued(String clientId) {
    tokensIssued.incrementAndGet();
    issuedTo.computeIfAbsent(clientId, id -> new AtomicLong()).incrementAndGet();
  }
}

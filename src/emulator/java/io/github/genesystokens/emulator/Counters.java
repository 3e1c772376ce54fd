package io.github.genesystokens.emulator;

import java.util.concurrent.atomic.AtomicLong;

/** What the emulator has served, for tests and the demo to assert on. */
final class Counters {
  final AtomicLong tokenRequests = new AtomicLong();
  final AtomicLong tokensIssued = new AtomicLong();
  final AtomicLong apiRequests = new AtomicLong();
}

package io.github.genesystokens.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The faults scripted by a test: a delay before every reply, queued token and API faults, an
 * outage.
 */
final class FaultPlan {

  private final Queue<Fault> nextTokenFaults = new ConcurrentLinkedQueue<>();
  private final Queue<Fault> nextApiFaults = new ConcurrentLinkedQueue<>();
  private volatile Duration latency = Duration.ZERO;
  private volatile Instant outageStart;
  private volatile Instant outageEnd;

  void latency(Duration latency) {
    this.latency = latency;
  }

  Duration latency() {
    return latency;
  }

  void failNext(int count, Fault fault) {
    for (int i = 0; i < count; i++) {
      nextTokenFaults.add(fault);
    }
  }

  /** The fault the next token request answers, consuming it, or null. */
  Fault pollTokenFault() {
    return nextTokenFaults.poll();
  }

  void failNextApi(int count, Fault fault) {
    for (int i = 0; i < count; i++) {
      nextApiFaults.add(fault);
    }
  }

  /** The fault the next API request answers, consuming it, or null. */
  Fault pollApiFault() {
    return nextApiFaults.poll();
  }

  int pendingTokenFaults() {
    return nextTokenFaults.size();
  }

  void outage(Instant start, Instant end) {
    // Two volatile writes, not atomic together: a request racing the call may see the old window,
    // which is no different from arriving a moment earlier.
    this.outageEnd = end;
    this.outageStart = start;
  }

  boolean inOutage(Instant now) {
    Instant start = outageStart;
    Instant end = outageEnd;
    return start != null && end != null && !now.isBefore(start) && now.isBefore(end);
  }

  void clear() {
    nextTokenFaults.clear();
    nextApiFaults.clear();
    latency = Duration.ZERO;
    outageStart = null;
    outageEnd = null;
  }
}

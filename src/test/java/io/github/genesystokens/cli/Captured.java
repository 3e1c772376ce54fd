package io.github.genesystokens.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A {@link PrintStream} a test reads back, and can wait on for a given text. */
final class Captured {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  String text() {
    synchronized (bytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** Polls for {@code expected}, without sleeping the test thread blind, at most {@code limit}. */
  boolean await(String expected, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    CountDownLatch never = new CountDownLatch(1);
    while (!text().contains(expected)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      never.await(10, TimeUnit.MILLISECONDS); // a bounded, interruptible pause between polls
    }
    return true;
  }
}

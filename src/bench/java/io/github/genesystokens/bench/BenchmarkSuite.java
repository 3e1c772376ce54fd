package io.github.genesystokens.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs every benchmark of issue 5 and writes {@code docs/benchmarks.md}: JMH on the hot path
 * ({@link HotPathRun}), then the load scenarios and the scaling herd against the emulator ({@link
 * LoadRun}), this library beside Spring Security's reactive OAuth2 client; {@link Judge} judges the
 * targets and {@link Report} writes the page. Run by {@code mvn -B -Pbench verify}.
 */
public final class BenchmarkSuite {

  /**
   * Runs the suite.
   *
   * @param args the report's path, {@code docs/benchmarks.md} by default
   * @throws IOException if the report cannot be written
   * @throws RunnerException if a JMH benchmark fails
   */
  public static void main(String[] args) throws IOException, RunnerException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
    long start = System.nanoTime();
    // JMH first: its fork measures while this JVM is idle, before the load scenarios start
    // their threads and connections here.
    Map<String, HotPathRun.Result> hotPath = HotPathRun.run();
    LoadResults load;
    try (Scenarios scenarios = new Scenarios()) {
      load = LoadRun.run(scenarios);
    }
    Measurements measured =
        new Measurements(hotPath, load, Duration.ofNanos(System.nanoTime() - start));
    String report =
        Report.render(measured, Judge.judge(measured), ZonedDateTime.now(ZoneOffset.UTC));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.out.println(
        "wrote " + out.toAbsolutePath() + " in " + measured.wall().toSeconds() + " s");
    // Reactor Netty's and Reactor's threads are daemons, but do not depend on it.
    System.exit(0);
  }

  private BenchmarkSuite() {}
}

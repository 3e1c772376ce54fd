package io.github.genesystokens.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every {@code @Benchmark} of {@link HotPathBenchmarks} under JMH and keeps each one's
 * medians. A benchmark added there is run and reported without a change here.
 */
final class HotPathRun {

  /** One benchmark's medians over its measured iterations. */
  record Result(String benchmark, double nanosPerOp, double bytesPerOp) {}

  /** The results by benchmark method name, in JMH's order. */
  static Map<String, Result> run() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(HotPathBenchmarks.class.getName() + "\\.")
            .forks(1)
            .warmupIterations(3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(5)
            .measurementTime(TimeValue.seconds(1))
            .threads(1)
            .jvmArgs("-Xms512m", "-Xmx512m")
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Result> byName = new LinkedHashMap<>();
    for (RunResult run : results) {
      String benchmark = run.getParams().getBenchmark();
      String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      List<Double> nanos = new ArrayList<>();
      List<Double> bytes = new ArrayList<>();
      for (BenchmarkResult fork : run.getBenchmarkResults()) {
        for (IterationResult iteration : fork.getIterationResults()) {
          nanos.add(iteration.getPrimaryResult().getScore());
          // endsWith: older JMH versions prefix the GC profiler's keys with a middle dot.
          for (String key : iteration.getSecondaryResults().keySet()) {
            if (key.endsWith("gc.alloc.rate.norm")) {
              bytes.add(iteration.getSecondaryResults().get(key).getScore());
            }
          }
        }
      }
      byName.put(name, new Result(name, Load.median(nanos), Load.median(bytes)));
    }
    return byName;
  }

  private HotPathRun() {}
}

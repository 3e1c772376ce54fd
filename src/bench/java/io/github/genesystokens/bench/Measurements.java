package io.github.genesystokens.bench;

import java.time.Duration;
import java.util.Map;

/**
 * Everything one run of the suite measured.
 *
 * @param hotPath the JMH results by benchmark method name
 * @param wall how long the whole suite took
 */
record Measurements(Map<String, HotPathRun.Result> hotPath, LoadResults load, Duration wall) {}

package io.github.genesystokens.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the report says about the machine and the versions measured. */
final class Machine {

  /** The processors this JVM may use, which is what {@code nproc} prints. */
  static int cpus() {
    return Runtime.getRuntime().availableProcessors();
  }

  static String os() {
    return System.getProperty("os.name")
        + ' '
        + System.getProperty("os.version")
        + ' '
        + System.getProperty("os.arch");
  }

  static String jvm() {
    return System.getProperty("java.vm.name")
        + ' '
        + System.getProperty("java.runtime.version")
        + " ("
        + System.getProperty("java.vm.vendor")
        + ")";
  }

  static String cpuModel() {
    for (String line : lines("/proc/cpuinfo")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).strip();
      }
    }
    return "unknown (no /proc/cpuinfo)";
  }

  static String memory() {
    for (String line : lines("/proc/meminfo")) {
      if (line.startsWith("MemTotal:")) {
        String[] parts = line.split("\\s+");
        long kib = Long.parseLong(parts[1]);
        return String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
      }
    }
    return "unknown (no /proc/meminfo)";
  }

  /** The versions Maven passed in as system properties (see the bench profile). */
  static String versions() {
    StringBuilder s = new StringBuilder();
    String[][] names = {
      {"genesys-token-provider", "bench.version.library"},
      {"spring-security-oauth2-client", "bench.version.springSecurity"},
      {"Spring Framework", "bench.version.spring"},
      {"reactor-bom", "bench.version.reactor"},
      {"JMH", "bench.version.jmh"},
    };
    for (String[] n : names) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(n[0]).append(' ').append(System.getProperty(n[1], "?"));
    }
    return s.toString();
  }

  private static List<String> lines(String path) {
    try {
      return Files.readAllLines(Path.of(path));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private Machine() {}
}

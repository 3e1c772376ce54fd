package io.github.genesystokens.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value} or {@code --name=value}, and {@code --help}.
 * Hand-written on purpose: four commands with a handful of options do not justify a dependency.
 */
final class Flags {

  private final Map<String, String> values;
  private final boolean help;

  private Flags(Map<String, String> values, boolean help) {
    this.values = values;
    this.help = help;
  }

  /**
   * Reads {@code args}, which must only use {@code allowed} names (without the dashes).
   *
   * @throws UsageException for an unknown option, a missing value or a stray argument
   */
  static Flags parse(String command, String[] args, Set<String> allowed) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new UsageException(command + ": unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      if (!allowed.contains(name)) {
        throw new UsageException(
            command + ": unknown option --" + name + " (options: " + describe(allowed) + ")");
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new UsageException(command + ": option --" + name + " needs a value");
        }
        value = args[++i];
      }
      values.put(name, value);
    }
    return new Flags(values, help);
  }

  boolean help() {
    return help;
  }

  /** The option's value, else the environment variable's, else null; blank counts as unset. */
  String get(String name, Map<String, String> env, String variable) {
    String value = values.get(name);
    if (value == null && variable != null) {
      value = env.get(variable);
    }
    return value == null || value.isBlank() ? null : value.strip();
  }

  String get(String name) {
    return get(name, Map.of(), null);
  }

  /** A non-negative integer option, or {@code fallback} when absent. */
  int intValue(String command, String name, int fallback) throws UsageException {
    String value = get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(
          command + ": --" + name + " must be a non-negative whole number, not '" + value + "'");
    }
  }

  private static String describe(Set<String> allowed) {
    StringBuilder s = new StringBuilder();
    for (String name : allowed) {
      s.append("--").append(name).append(", ");
    }
    return s.append("--help").toString();
  }
}

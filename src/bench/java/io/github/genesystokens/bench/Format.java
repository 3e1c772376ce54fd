package io.github.genesystokens.bench;

import java.util.Locale;

/** How a measured number is written in the report, the same in every table and target. */
final class Format {

  /** A count (medians of counts may be halves): an integer when it is one, else one decimal. */
  static String count(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** Milliseconds with two decimals, or "-" where the scenario did not measure it (NaN). */
  static String millisOrDash(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  /**
   * {@link String#format} with {@link Locale#ROOT}, so the report reads the same on any machine.
   */
  static String of(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private Format() {}
}

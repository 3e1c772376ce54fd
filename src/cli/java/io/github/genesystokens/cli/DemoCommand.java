package io.github.genesystokens.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.List;
import java.util.Set;

/** {@code demo}: the library's promises, measured against the emulator in this run. */
final class DemoCommand {

  static final String HELP =
      String.join(
          "\n",
          "Usage: genesys-token-provider demo",
          "",
          "Starts the Genesys login emulator on 127.0.0.1 and shows, with numbers measured in this",
          "run, each promise of the library. Takes a few seconds; needs no Genesys account.",
          "Exit status: 0 when every promise held, 1 otherwise.");

  private final PrintStream out;
  private final PrintStream err;
  private final List<DemoStep> steps;

  DemoCommand(PrintStream out, PrintStream err) {
    this(out, err, Demo.standardSteps());
  }

  DemoCommand(PrintStream out, PrintStream err, List<DemoStep> steps) {
    this.out = out;
    this.err = err;
    this.steps = steps;
  }

  int run(String[] args) throws UsageException {
    Flags flags = Flags.parse("demo", args, Set.of());
    if (flags.help()) {
      out.println(HELP);
      return ExitCodes.OK;
    }
    out.println(
        "genesys-token-provider " + libraryVersion()
            + ": a demo against the Genesys login emulator (no Genesys account needed)");
    out.println();
    boolean allHeld = new Demo(steps).run(out);
    if (!allHeld) {
      err.println("demo: a promise did not hold (see [FAIL] above)");
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  /** The library's version as Maven wrote it beside its classes; the library keeps its reader to itself. */
  private static String libraryVersion() {
    try (InputStream in =
        DemoCommand.class.getResourceAsStream("/io/github/genesystokens/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

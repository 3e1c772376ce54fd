package io.github.genesystokens.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.publisher.Mono;
import reactor.util.Loggers;

/**
 * The {@code genesys-token-provider} command line: {@code demo} (the default), {@code token} and
 * {@code emulator}. Run it with {@code mvn -q compile exec:java}, or {@code mvn -q compile exec:java
 * -Dexec.args="token --help"}.
 *
 * <p>Exit status: 0 success (for {@code demo}: every promise held); 1 a promise did not hold or
 * the token request failed; 2 bad arguments or a missing setting; 3 bad credentials (the secret was
 * refused); 4 the client id is unknown at that login host, most often the wrong region.
 */
public final class Main {

  static final String USAGE =
      String.join(
          "\n",
          "Usage: genesys-token-provider [command] [options]",
          "",
          "Commands:",
          "  demo      (default) start the Genesys login emulator and show, with numbers measured",
          "            in this run, each promise of the library",
          "  token     print an access token for GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET /",
          "            GENESYS_REGION, and nothing else, for $(...)",
          "  emulator  run the Genesys login emulator on a port until interrupted",
          "",
          "Run 'genesys-token-provider <command> --help' for a command's options.",
          "Exit status: 0 ok, 1 failed, 2 usage or missing setting, 3 bad credentials,",
          "4 client not found at that login host (wrong region?).");

  // Held so that java.util.logging, which references loggers weakly, keeps the level set.
  private static final Logger LIBRARY_LOG = Logger.getLogger("io.github.genesystokens");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Mono<Void> emulatorStop;

  Main(PrintStream out, PrintStream err, Map<String, String> env, Mono<Void> emulatorStop) {
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.env = Objects.requireNonNull(env, "env");
    this.emulatorStop = Objects.requireNonNull(emulatorStop, "emulatorStop");
  }

  /**
   * Runs a command and exits the JVM with its status, so that {@code exec:java}, which runs in
   * Maven's JVM, ends with it too.
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    // The library logs its warnings through Reactor; here the commands report failures
    // themselves, so the same failure is not printed twice.
    Loggers.useJdkLoggers();
    LIBRARY_LOG.setLevel(Level.OFF);
    int status = run(args, System.out, System.err, System.getenv());
    System.out.flush();
    System.err.flush();
    System.exit(status);
  }

  /**
   * Runs a command without exiting, for tests and embedding. The {@code emulator} command returns
   * only when the thread is interrupted.
   *
   * @param args the command and its options
   * @param out where results go (for {@code token}: the token alone)
   * @param err where messages and errors go
   * @param env the environment, such as {@link System#getenv()}
   * @return the exit status
   */
  public static int run(
      String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    return new Main(out, err, env, Mono.never()).run(args);
  }

  int run(String[] args) {
    String command = args.length == 0 ? "demo" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (command) {
        case "demo":
          return new DemoCommand(out, err).run(rest);
        case "token":
          return new TokenCommand(out, err, env).run(rest);
        case "emulator":
          return new EmulatorCommand(out, err, emulatorStop).run(rest);
        case "help":
        case "--help":
        case "-h":
          out.println(USAGE);
          return ExitCodes.OK;
        default:
          throw new UsageException("unknown command '" + command + "'");
      }
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.println(USAGE);
      return ExitCodes.USAGE;
    }
  }
}

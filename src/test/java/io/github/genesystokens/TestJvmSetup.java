package io.github.genesystokens;

import java.time.Duration;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;
import reactor.test.StepVerifier;
import reactor.test.util.LoggerUtils;

/**
 * Runs once per test JVM, before any test class is loaded:
 *
 * <ul>
 *   <li>installs BlockHound, so that any blocking call on a Reactor non-blocking thread (Netty
 *       event loops, {@code Schedulers.parallel()}) fails the test that made it;
 *   <li>bounds every {@code StepVerifier.verify()} to 10 seconds;
 *   <li>routes every Reactor and Reactor Netty logger through a capturing wrapper, so that a test
 *       can read everything logged at every level ({@link LoggerUtils#enableCaptureWith}).
 * </ul>
 */
public final class TestJvmSetup implements LauncherSessionListener {

  private static boolean installed;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    install();
  }

  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    // Every StepVerifier wait is bounded, even one written without a Duration.
    StepVerifier.setDefaultTimeout(Duration.ofSeconds(10));
    LoggerUtils.useCurrentLoggersWithCapture();
    BlockHound.install(
        builder ->
            // Reactor's fallback console logger prints to System.err; printing is not the
            // library's I/O, and applications log through SLF4J appenders of their choice.
            builder
                .allowBlockingCallsInside("reactor.util.Loggers$ConsoleLogger", "warn")
                .allowBlockingCallsInside("reactor.util.Loggers$ConsoleLogger", "error")
                .allowBlockingCallsInside("reactor.util.Loggers$ConsoleLogger", "info")
                .allowBlockingCallsInside("reactor.util.Loggers$ConsoleLogger", "debug")
                .allowBlockingCallsInside("reactor.util.Loggers$ConsoleLogger", "trace"));
  }
}

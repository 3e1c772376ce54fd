package io.github.genesystokens.webclient;

import org.junit.jupiter.api.extension.Extension;
import reactor.test.util.LoggerUtils;

/**
 * Installs Reactor's capturing logger factory when the test engine starts (registered through
 * {@code META-INF/services}, auto-detected). Loggers are static fields created when their class is
 * first used; only those created after this can be captured, so it must run before any test.
 * Without an active capture the factory only forwards to the usual logger.
 */
public final class CaptureReactorLoggers implements Extension {

  static {
    LoggerUtils.useCurrentLoggersWithCapture();
  }
}

package io.github.genesystokens.cli;

/** What the process exit status means; scripts branch on these, so they never change. */
final class ExitCodes {

  /** The command did what it was asked; for {@code demo}, every promise held. */
  static final int OK = 0;
  /** A demo promise did not hold, or the token request failed for a reason other than below. */
  static final int FAILED = 1;
  /** Bad arguments, or a required setting missing or malformed. */
  static final int USAGE = 2;
  /** The login service refused the client secret ({@code invalid_client}, authentication failed). */
  static final int BAD_CREDENTIALS = 3;
  /**
   * The login service does not know the client id ({@code invalid_client}, client not found), or
   * the login host does not exist: most often the wrong region.
   */
  static final int WRONG_REGION = 4;

  private ExitCodes() {}
}

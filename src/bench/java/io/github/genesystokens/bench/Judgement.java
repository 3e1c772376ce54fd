package io.github.genesystokens.bench;

import java.util.List;

/**
 * The verdict on one run: every target in the report's order, and each place the peer did better.
 */
record Judgement(List<Target> targets, List<String> peerWins) {

  Judgement {
    targets = List.copyOf(targets);
    peerWins = List.copyOf(peerWins);
  }
}

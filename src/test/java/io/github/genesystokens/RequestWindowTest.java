package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestWindowTest {

  private static final long T = 1_767_225_600L; // 2026-01-01T00:00:00Z in epoch seconds

  @Test
  void countsTheCurrentSecondAndTheSixtyBefore() {
    RequestWindow window = new RequestWindow();
    for (int i = 0; i < 3; i++) {
      window.record(T);
    }
    window.record(T + 30);
    window.record(T + 30);

    assertThat(window.count(T)).isEqualTo(3);
    assertThat(window.count(T + 30)).isEqualTo(5);
    assertThat(window.count(T + 60)).isEqualTo(5);
    assertThat(window.count(T + 61)).isEqualTo(2);
    assertThat(window.count(T + 90)).isEqualTo(2);
    assertThat(window.count(T + 91)).isZero();
  }

  @Test
  void aBucketReusedAfterItsMinuteStartsFromZero() {
    RequestWindow window = new RequestWindow();
    window.record(T);
    window.record(T);
    window.record(T + 61); // the same bucket of the ring, one lap later

    assertThat(window.count(T + 61)).isEqualTo(1);
  }

  @Test
  void aRecordAfterTheFinishedSumWasCachedIsCountedInItsOwnSecond() {
    RequestWindow window = new RequestWindow();
    window.record(T);
    assertThat(window.count(T + 1)).isEqualTo(1);
    window.record(T + 1);
    window.record(T + 1);

    assertThat(window.count(T + 1)).isEqualTo(3);
    assertThat(window.count(T + 2)).isEqualTo(3);
  }

  @Test
  void theFinishedSecondsAreSummedOncePerSecondSoALateRecordCountsFromTheNextSecond() {
    // Also past 2038-01-19T03:14:08Z, where a second no longer fits in 31 bits.
    for (long t : new long[] {T, (1L << 31) + 1000}) {
      RequestWindow window = new RequestWindow();
      window.record(t);
      assertThat(window.count(t + 1)).isEqualTo(1);
      window.record(t); // a caller that read the clock in t, recording after t + 1 was counted

      assertThat(window.count(t + 1)).as("at %d", t).isEqualTo(1);
      assertThat(window.count(t + 2)).as("at %d", t).isEqualTo(2);
    }
  }

  @Test
  void theEpochsFirstSecondIsCountedThoughItPacksLikeAnEmptyBucket() {
    RequestWindow window = new RequestWindow();
    assertThat(window.count(0)).isZero();
    for (int i = 0; i < 3; i++) {
      window.record(0);
    }

    assertThat(window.count(0)).isEqualTo(3);
    assertThat(window.count(60)).isEqualTo(3);
    assertThat(window.count(61)).isZero();
  }
}

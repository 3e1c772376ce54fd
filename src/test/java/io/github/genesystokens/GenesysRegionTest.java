package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenesysRegionTest {

  @Test
  void knowsTheEighteenRegionsOfTheGenesysList() {
    assertThat(GenesysRegion.knownRegions()).hasSize(18);
    assertThat(GenesysRegion.US_EAST_1.domain()).isEqualTo("mypurecloud.com");
    assertThat(GenesysRegion.US_EAST_2.domain()).isEqualTo("use2.us-gov-pure.cloud");
    assertThat(GenesysRegion.EUSC_DE_EAST_1.domain()).isEqualTo("edee1.eusc-pure.cloud");
    assertThat(GenesysRegion.AP_NORTHEAST_3.domain()).isEqualTo("apne3.pure.cloud");
    assertThat(GenesysRegion.AP_SOUTHEAST_2.domain()).isEqualTo("mypurecloud.com.au");
    assertThat(GenesysRegion.MX_CENTRAL_1.domain()).isEqualTo("mxc1.pure.cloud");
  }

  @Test
  void derivesTheLoginAndApiHostsAsTheSdksDo() {
    assertThat(GenesysRegion.EU_CENTRAL_1.tokenUri())
        .isEqualTo(URI.create("https://login.mypurecloud.de/oauth/token"));
    assertThat(GenesysRegion.EU_CENTRAL_1.apiBaseUri())
        .isEqualTo(URI.create("https://api.mypurecloud.de"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "eu_central_1",
        "eu-central-1",
        "EU_CENTRAL_1",
        "Eu-Central-1",
        " eu-central-1 ",
        "mypurecloud.de",
        "api.mypurecloud.de",
        "login.mypurecloud.de",
        "https://api.mypurecloud.de",
        "https://login.mypurecloud.de/oauth/token",
        "HTTPS://API.MYPURECLOUD.DE/api/v2/users/me",
        "mypurecloud.de/",
      })
  void parsesTheWaysUsersWriteARegion(String text) {
    assertThat(GenesysRegion.parse(text)).isSameAs(GenesysRegion.EU_CENTRAL_1);
  }

  @Test
  void anUnknownButWellFormedDomainGivesARegionForIt() {
    GenesysRegion future = GenesysRegion.parse("api.xyz9.pure.cloud");
    assertThat(future.domain()).isEqualTo("xyz9.pure.cloud");
    assertThat(future.tokenUri()).isEqualTo(URI.create("https://login.xyz9.pure.cloud/oauth/token"));
    assertThat(future).isEqualTo(GenesysRegion.of("xyz9.pure.cloud"));
    assertThat(GenesysRegion.knownRegions()).doesNotContain(future);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "mars-1",
        "not a domain",
        "ftp://api.mypurecloud.de",
        "https://",
        "https:///api/v2/users/me",
        "https://api_eu.mypurecloud.de",
        "localhost",
        "-bad-.pure.cloud",
        "a..b.cloud",
        "mypurecloud.123",
      })
  void garbageIsRejectedWithAMessageListingTheKnownRegions(String text) {
    assertThatThrownBy(() -> GenesysRegion.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theMessageForAnUnknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> GenesysRegion.parse("mars-1"))
        .hasMessageContaining("unknown region 'mars-1'")
        .hasMessageContaining("eu_central_1");
  }

  @Test
  void regionsAreEqualByDomainAndPrintTheirName() {
    assertThat(GenesysRegion.of("MyPureCloud.de")).isSameAs(GenesysRegion.EU_CENTRAL_1);
    assertThat(GenesysRegion.EU_CENTRAL_1).hasToString("eu_central_1 (mypurecloud.de)");
    assertThat(GenesysRegion.of("gw.example.com")).hasToString("gw.example.com");
  }
}

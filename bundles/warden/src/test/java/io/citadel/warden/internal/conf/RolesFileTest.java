package io.citadel.warden.internal.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolesFileTest {

  @Test
  void namesTheRolesAndStarMeansEvery() {
    assertEquals(Set.of("engine", "cldb"), RolesFile.roles("# roles\nengine\n\n  cldb  \n"));
    assertNull(RolesFile.roles("engine\n*\n"));
    assertNull(RolesFile.roles(null));
  }

  @Test
  void aLineThatNamesNoServiceIsAProblemWithItsLine() {
    assertEquals(List.of(), RolesFile.problems("engine\n# a comment\n*\n\nload-balancer_2\n"));
    assertEquals(
        List.of(
            "roles:2: 'Bad Role' is not a service name (lower case letters, digits, '-' or '_'),"
                + " nor *",
            "roles:3: '../etc' is not a service name (lower case letters, digits, '-' or '_'),"
                + " nor *"),
        RolesFile.problems("engine\nBad Role\n../etc\n"));
  }
}

package io.citadel.warden.internal.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TripletTest {

  @Test
  void parsesCountsAndDependencies() {
    assertEquals(
        new Triplet("cldb", 1, List.of("coordination")), Triplet.parse("cldb:1:coordination"));
    assertEquals(
        new Triplet("engine", Triplet.ALL, List.of("fileserver", "kafka")),
        Triplet.parse(" engine : all : fileserver, kafka "));
    assertEquals(new Triplet("kafka", 3, List.of()), Triplet.parse("kafka:3:"));
    assertTrue(Triplet.parse("cldb:1:").singleton());
  }

  @Test
  void servicesHoldsTripletsSeparatedBySemicolons() {
    assertEquals(
        List.of(Triplet.parse("cldb:1:coordination"), Triplet.parse("fileserver:all:cldb")),
        Triplet.parseAll("cldb:1:coordination;fileserver:all:cldb;"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cldb:1| is not <service>:<count>:<dependencies>",
        "cldb:1:a:b| is not <service>:<count>:<dependencies>",
        "Cldb:1:| is not a service name",
        "cldb:0:| is neither 'all' nor a positive number",
        "cldb:many:| is neither 'all' nor a positive number",
        "cldb:1:Bad Dep| is not a service name",
        "cldb:1:cldb| depends on itself",
        "cldb:1:zk,zk| is named twice"
      })
  void malformedTripletsSayWhy(String text, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Triplet.parse(text));
    assertTrue(e.getMessage().contains(why.trim()), e.getMessage());
  }
}

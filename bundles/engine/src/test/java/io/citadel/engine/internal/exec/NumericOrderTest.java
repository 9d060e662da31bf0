package io.citadel.engine.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sorting numerics by their order keys gives the numbers' order, for any sign and scale. */
class NumericOrderTest {
  @Test
  void orderKeysSortAsTheNumbers() {
    Random random = new Random(20261203);
    List<BigDecimal> values = new ArrayList<>();
    for (String s :
        new String[] {
          "0", "0.00", "-0.5", "1", "1.0", "10", "9.99", "-10", "-9.5", "1e-20", "-1e-20"
        }) {
      values.add(new BigDecimal(s));
    }
    for (int i = 0; i < 2000; i++) {
      BigDecimal v = new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(40) - 10);
      values.add(random.nextBoolean() ? v : v.setScale(v.scale() + random.nextInt(3)));
    }
    List<BigDecimal> byValue = new ArrayList<>(values);
    byValue.sort(Comparator.naturalOrder());
    List<BigDecimal> byKey = new ArrayList<>(values);
    byKey.sort(Comparator.comparing(SortNode::orderKey));
    for (int i = 0; i < values.size(); i++) {
      assertEquals(0, byValue.get(i).compareTo(byKey.get(i)), "position " + i);
    }
    for (BigDecimal v : values) {
      assertEquals(
          SortNode.orderKey(v), SortNode.orderKey(v.setScale(v.scale() + 2)), "equal values");
    }
  }
}

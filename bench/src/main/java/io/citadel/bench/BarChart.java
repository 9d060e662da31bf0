package io.citadel.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A grouped horizontal bar chart as SVG: one group a measure (requests a second, p99 ms), one bar
 * in it per contender, each group scaled to its own largest value. What the benchmarks draw.
 */
final class BarChart {
  private final String title;
  private final List<String> contenders;
  private final List<String> groups = new ArrayList<>();
  private final List<double[]> values = new ArrayList<>();

  private static final String[] COLOURS = {"#c0392b", "#2c3e50", "#7f8c8d", "#16a085"};

  BarChart(String title, List<String> contenders) {
    this.title = title;
    this.contenders = List.copyOf(contenders);
  }

  /** A group: one value per contender, in their order. */
  BarChart group(String label, double... perContender) {
    if (perContender.length != contenders.size()) {
      throw new IllegalArgumentException(label + ": one value per contender");
    }
    groups.add(label);
    values.add(perContender.clone());
    return this;
  }

  String svg() {
    int bar = 22;
    int groupHeight = contenders.size() * (bar + 4) + 16;
    int height = 40 + groups.size() * groupHeight;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='760' height='%d'"
                + " font-family='sans-serif' font-size='12'>%n",
            height));
    s.append(
        String.format(
            Locale.ROOT, "<text x='10' y='18' font-size='14'>%s</text>%n", escape(title)));
    for (int g = 0; g < groups.size(); g++) {
      double[] v = values.get(g);
      double max = 0;
      for (double x : v) {
        max = Math.max(max, x);
      }
      int y = 34 + g * groupHeight;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='10' y='%d'>%s</text>%n",
              y + groupHeight / 2,
              escape(groups.get(g))));
      for (int b = 0; b < v.length; b++) {
        double w = max <= 0 ? 0 : 380 * v[b] / max;
        int by = y + b * (bar + 4);
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x='200' y='%d' width='%.1f' height='%d' fill='%s'/>"
                    + "<text x='%.1f' y='%d'>%s %,.2f</text>%n",
                by,
                w,
                bar,
                COLOURS[b % COLOURS.length],
                206 + w,
                by + bar - 6,
                escape(contenders.get(b)),
                v[b]));
      }
    }
    return s.append("</svg>\n").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

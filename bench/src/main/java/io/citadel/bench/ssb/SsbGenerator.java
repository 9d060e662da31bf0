package io.citadel.bench.ssb;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes the Star Schema Benchmark's five tables as CSV, seeded so that every run at a scale factor
 * writes the same data. Sizes and value domains follow the SSB specification (O'Neil et al.):
 * lineorder about 6,000,000 × SF rows, customer 30,000 × SF, supplier 2,000 × SF, part 200,000 × (1
 * + log2 SF), date 7 years of days; cities are a nation's first nine letters and a digit,
 * categories and brands nest inside manufacturers, revenue is extended price less discount.
 */
public final class SsbGenerator {

  static final String[] NATIONS = {
    "ALGERIA", "ARGENTINA", "BRAZIL", "CANADA", "EGYPT", "ETHIOPIA", "FRANCE", "GERMANY", "INDIA",
    "INDONESIA", "IRAN", "IRAQ", "JAPAN", "JORDAN", "KENYA", "MOROCCO", "MOZAMBIQUE", "PERU",
    "CHINA", "ROMANIA", "SAUDI ARABIA", "VIETNAM", "RUSSIA", "UNITED KINGDOM", "UNITED STATES"
  };
  static final String[] NATION_REGION = {
    "AFRICA",
    "AMERICA",
    "AMERICA",
    "AMERICA",
    "MIDDLE EAST",
    "AFRICA",
    "EUROPE",
    "EUROPE",
    "ASIA",
    "ASIA",
    "MIDDLE EAST",
    "MIDDLE EAST",
    "ASIA",
    "MIDDLE EAST",
    "AFRICA",
    "AFRICA",
    "AFRICA",
    "AMERICA",
    "ASIA",
    "EUROPE",
    "MIDDLE EAST",
    "ASIA",
    "EUROPE",
    "EUROPE",
    "AMERICA"
  };
  private static final String[] SEGMENTS = {
    "AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY"
  };
  private static final String[] PRIORITIES = {
    "1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW"
  };
  private static final String[] SHIP_MODES = {
    "REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"
  };
  private static final String[] COLORS = {
    "almond",
    "antique",
    "aquamarine",
    "azure",
    "beige",
    "bisque",
    "black",
    "blanched",
    "blue",
    "blush",
    "brown",
    "burlywood",
    "burnished",
    "chartreuse",
    "chiffon",
    "chocolate",
    "coral",
    "cornflower",
    "cornsilk",
    "cream",
    "cyan",
    "dark",
    "deep",
    "dim",
    "dodger",
    "drab",
    "firebrick",
    "floral",
    "forest",
    "frosted",
    "gainsboro",
    "ghost",
    "goldenrod",
    "green",
    "grey",
    "honeydew",
    "hot",
    "indian",
    "ivory",
    "khaki",
    "lace",
    "lavender",
    "lawn",
    "lemon",
    "light",
    "lime",
    "linen",
    "magenta",
    "maroon",
    "medium",
    "metallic",
    "midnight",
    "mint",
    "misty",
    "moccasin",
    "navajo",
    "navy",
    "olive",
    "orange",
    "orchid",
    "pale",
    "papaya",
    "peach",
    "peru",
    "pink",
    "plum",
    "powder",
    "puff",
    "purple",
    "red",
    "rose",
    "rosy",
    "royal",
    "saddle",
    "salmon",
    "sandy",
    "seashell",
    "sienna",
    "sky",
    "slate",
    "smoke",
    "snow",
    "spring",
    "steel",
    "tan",
    "thistle",
    "tomato",
    "turquoise",
    "violet",
    "wheat",
    "white",
    "yellow"
  };
  private static final String[] TYPE_1 = {
    "STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"
  };
  private static final String[] TYPE_2 = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
  private static final String[] TYPE_3 = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
  private static final String[] CONTAINER_1 = {"SM", "LG", "MED", "JUMBO", "WRAP"};
  private static final String[] CONTAINER_2 = {
    "CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"
  };
  private static final String[] SEASONS = {"Winter", "Spring", "Summer", "Fall", "Christmas"};

  static final LocalDate FIRST_DAY = LocalDate.of(1992, 1, 1);
  static final LocalDate LAST_DAY = LocalDate.of(1998, 12, 31);

  private final int scale;
  private final Path dir;

  public SsbGenerator(int scale, Path dir) {
    if (scale < 1 || scale > 100) {
      throw new IllegalArgumentException("scale factor " + scale + " is outside 1-100");
    }
    this.scale = scale;
    this.dir = dir;
  }

  public int customers() {
    return 30_000 * scale;
  }

  public int suppliers() {
    return 2_000 * scale;
  }

  public int parts() {
    return 200_000 * (1 + (int) Math.floor(Math.log(scale) / Math.log(2)));
  }

  public long orders() {
    return 1_500_000L * scale;
  }

  /** Writes whatever is missing; a file is written beside its name and renamed when complete. */
  public void generate(ProgressListener progress) throws IOException {
    Files.createDirectories(dir);
    write("date.csv", this::dates, progress);
    write("customer.csv", this::customerRows, progress);
    write("supplier.csv", this::supplierRows, progress);
    write("part.csv", this::partRows, progress);
    write("lineorder.csv", out -> lineorders(out, progress), progress);
  }

  /** Told how far the generation has come. */
  public interface ProgressListener {
    void progress(String file, long rows);
  }

  private interface Rows {
    long write(BufferedWriter out) throws IOException;
  }

  private void write(String name, Rows rows, ProgressListener progress) throws IOException {
    Path target = dir.resolve(name);
    if (Files.exists(target)) {
      return;
    }
    Path partial = dir.resolve(name + ".partial");
    long n;
    try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.US_ASCII)) {
      n = rows.write(out);
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    progress.progress(name, n);
  }

  private long dates(BufferedWriter out) throws IOException {
    long n = 0;
    for (LocalDate d = FIRST_DAY; !d.isAfter(LAST_DAY); d = d.plusDays(1)) {
      String month = d.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      String monthShort = month.substring(0, 3);
      int dow = d.getDayOfWeek().getValue() % 7 + 1; // Sunday = 1
      line(
          out,
          datekey(d),
          d.toString(),
          d.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH),
          month,
          d.getYear(),
          d.getYear() * 100 + d.getMonthValue(),
          monthShort + d.getYear(),
          dow,
          d.getDayOfMonth(),
          d.getDayOfYear(),
          d.getMonthValue(),
          d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
          season(d),
          dow == 7 ? 1 : 0,
          d.getDayOfMonth() == d.lengthOfMonth() ? 1 : 0,
          (d.getMonthValue() == 12 && d.getDayOfMonth() == 25) ? 1 : 0,
          dow >= 2 && dow <= 6 ? 1 : 0);
      n++;
    }
    return n;
  }

  static int datekey(LocalDate d) {
    return d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth();
  }

  private static String season(LocalDate d) {
    if (d.getMonthValue() == 12 && d.getDayOfMonth() >= 15) {
      return SEASONS[4];
    }
    return SEASONS[(d.getMonthValue() % 12) / 3];
  }

  private long customerRows(BufferedWriter out) throws IOException {
    SplittableRandom r = new SplittableRandom(1L);
    for (int k = 1; k <= customers(); k++) {
      int nation = r.nextInt(NATIONS.length);
      line(
          out,
          k,
          String.format("Customer#%09d", k),
          text(r, 10, 25),
          city(nation, r),
          NATIONS[nation],
          NATION_REGION[nation],
          phone(nation, r),
          SEGMENTS[r.nextInt(SEGMENTS.length)]);
    }
    return customers();
  }

  private long supplierRows(BufferedWriter out) throws IOException {
    SplittableRandom r = new SplittableRandom(2L);
    for (int k = 1; k <= suppliers(); k++) {
      int nation = r.nextInt(NATIONS.length);
      line(
          out,
          k,
          String.format("Supplier#%09d", k),
          text(r, 10, 25),
          city(nation, r),
          NATIONS[nation],
          NATION_REGION[nation],
          phone(nation, r));
    }
    return suppliers();
  }

  private long partRows(BufferedWriter out) throws IOException {
    SplittableRandom r = new SplittableRandom(3L);
    for (int k = 1; k <= parts(); k++) {
      int mfgr = 1 + r.nextInt(5);
      int category = 1 + r.nextInt(5);
      int brand = 1 + r.nextInt(40);
      line(
          out,
          k,
          COLORS[r.nextInt(COLORS.length)] + " " + COLORS[r.nextInt(COLORS.length)],
          "MFGR#" + mfgr,
          "MFGR#" + mfgr + category,
          "MFGR#" + mfgr + category + brand,
          COLORS[r.nextInt(COLORS.length)],
          TYPE_1[r.nextInt(TYPE_1.length)]
              + " "
              + TYPE_2[r.nextInt(TYPE_2.length)]
              + " "
              + TYPE_3[r.nextInt(TYPE_3.length)],
          1 + r.nextInt(50),
          CONTAINER_1[r.nextInt(CONTAINER_1.length)]
              + " "
              + CONTAINER_2[r.nextInt(CONTAINER_2.length)]);
    }
    return parts();
  }

  /** A part's retail price in cents, as TPC-H defines it. */
  static int price(int partkey) {
    return 90_000 + (partkey / 10) % 20_001 + 100 * (partkey % 1_000);
  }

  private long lineorders(BufferedWriter out, ProgressListener progress) throws IOException {
    SplittableRandom r = new SplittableRandom(4L);
    int days = (int) (LAST_DAY.toEpochDay() - FIRST_DAY.toEpochDay()) + 1;
    long rows = 0;
    StringBuilder line = new StringBuilder(256);
    for (long order = 1; order <= orders(); order++) {
      int lines = 1 + r.nextInt(7);
      int custkey = 1 + r.nextInt(customers());
      LocalDate orderDate = FIRST_DAY.plusDays(r.nextInt(days - 121));
      int orderdate = datekey(orderDate);
      String priority = PRIORITIES[r.nextInt(PRIORITIES.length)];
      long total = 0;
      int[] partkeys = new int[lines];
      int[] quantities = new int[lines];
      for (int l = 0; l < lines; l++) {
        partkeys[l] = 1 + r.nextInt(parts());
        quantities[l] = 1 + r.nextInt(50);
        total += (long) quantities[l] * price(partkeys[l]);
      }
      for (int l = 0; l < lines; l++) {
        int price = price(partkeys[l]);
        int extended = quantities[l] * price;
        int discount = r.nextInt(11);
        int tax = r.nextInt(9);
        line.setLength(0);
        line.append(order).append(',').append(l + 1).append(',').append(custkey).append(',');
        line.append(partkeys[l]).append(',').append(1 + r.nextInt(suppliers())).append(',');
        line.append(orderdate).append(',').append(priority).append(",0,");
        line.append(quantities[l]).append(',').append(extended).append(',');
        line.append(Math.min(total, Integer.MAX_VALUE)).append(',').append(discount).append(',');
        line.append((long) extended * (100 - discount) / 100).append(',');
        line.append(price * 6 / 10).append(',').append(tax).append(',');
        line.append(datekey(orderDate.plusDays(30 + r.nextInt(61)))).append(',');
        line.append(SHIP_MODES[r.nextInt(SHIP_MODES.length)]).append('\n');
        out.append(line);
        rows++;
      }
      if (order % 1_000_000 == 0) {
        progress.progress("lineorder.csv (writing)", rows);
      }
    }
    return rows;
  }

  private static String city(int nation, SplittableRandom r) {
    String name = NATIONS[nation];
    String nine = name.length() >= 9 ? name.substring(0, 9) : String.format("%-9s", name);
    return nine + r.nextInt(10);
  }

  private static String phone(int nation, SplittableRandom r) {
    return String.format(
        "%02d-%03d-%03d-%04d",
        10 + nation, 100 + r.nextInt(900), 100 + r.nextInt(900), 1000 + r.nextInt(9000));
  }

  private static String text(SplittableRandom r, int min, int max) {
    int n = min + r.nextInt(max - min + 1);
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = (char) ('a' + r.nextInt(26));
    }
    return new String(c);
  }

  private static void line(BufferedWriter out, Object... values) throws IOException {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(String.valueOf(values[i]));
    }
    out.write('\n');
  }
}

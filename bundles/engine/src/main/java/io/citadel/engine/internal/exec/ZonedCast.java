package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.TimeZones;
import io.citadel.engine.internal.types.TypeKind;
import java.time.ZoneId;

/**
 * A cast that depends on the session's time zone: to {@code timestamp with time zone} from text
 * without an offset, a {@code timestamp} or a {@code date} (read as the zone's local time), and
 * from it to text (shown with the zone's offset), a {@code timestamp}, a {@code date} or a {@code
 * time} (the zone's local ones). In UTC these are the plain {@link ExprCompiler.CastExpr}.
 */
final class ZonedCast implements Expr {
  private final Expr arg;
  private final ColumnType type;
  private final ZoneId zone;

  ZonedCast(Expr arg, ColumnType type, ZoneId zone) {
    this.arg = arg;
    this.type = type;
    this.zone = zone;
  }

  /** Whether a cast from one type to the other reads or shows a local time in {@code zone}. */
  static boolean needed(ColumnType from, ColumnType to, ZoneId zone) {
    if (TimeZones.isUtc(zone) || from.equals(to) || from.isArray() || to.isArray()) {
      return false;
    }
    TypeKind f = from.kind();
    TypeKind t = to.kind();
    return (t == TypeKind.TIMESTAMPTZ
            && (f == TypeKind.TEXT || f == TypeKind.TIMESTAMP || f == TypeKind.DATE))
        || (f == TypeKind.TIMESTAMPTZ
            && (t == TypeKind.TEXT
                || t == TypeKind.TIMESTAMP
                || t == TypeKind.DATE
                || t == TypeKind.TIME));
  }

  @Override
  public ColumnType type() {
    return type;
  }

  @Override
  public Vec eval(Batch b) {
    Vec v = arg.eval(b);
    Object[] out = new Object[b.size];
    for (int i = 0; i < b.size; i++) {
      out[i] = v.isNull(i) ? null : type.assign(v.get(i), v.type, zone);
    }
    return Vectors.fromBoxed(type, out, b.size);
  }

  /** An instant's vector as the zone's local timestamps; any other vector as it is. */
  static Vec local(Vec v, ZoneId zone) {
    if (v.type.kind() != TypeKind.TIMESTAMPTZ || TimeZones.isUtc(zone)) {
      return v;
    }
    long[] l = new long[v.size];
    for (int i = 0; i < v.size; i++) {
      if (!v.isNull(i)) {
        l[i] = TimeZones.local(v.longs[i], zone);
      }
    }
    return Vec.ofLongs(ColumnType.TIMESTAMP, l, v.nulls, v.size);
  }
}

package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.TypeKind;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoding of the write-ahead log's records (and of the table definitions a manifest holds): a
 * record is a count of operations, each a one-byte code and its fields. {@link Store} makes records
 * of these and applies them; {@link Wal} frames and checksums them.
 */
final class LogRecords {
  private LogRecords() {}

  static final byte OP_CREATE = 1;
  static final byte OP_DROP = 2;
  static final byte OP_ADD_COLUMN = 3;
  static final byte OP_INSERT = 4;
  static final byte OP_DELETE = 5;
  static final byte OP_META = 6;

  /** CREATE TABLE with constraints and defaults (OP_CREATE, which has none, is still read). */
  static final byte OP_CREATE_CONSTRAINED = 7;

  /** A table's whole definition replaced: renames, dropped columns, defaults, constraints. */
  static final byte OP_REDEFINE = 8;

  /** A table definition with its constraints (read back by {@code readDef(in, true)}). */
  static void writeDef(DataOutputStream out, TableDef def) throws IOException {
    out.writeInt(def.id());
    out.writeUTF(def.name());
    out.writeInt(def.fragmentSize());
    out.writeInt(def.nextColumnId());
    out.writeInt(def.columns().size());
    for (ColumnDef c : def.columns()) {
      writeColumn(out, c);
    }
    def.constraints().write(out);
  }

  static TableDef readDef(DataInputStream in, boolean constrained) throws IOException {
    int id = in.readInt();
    String name = in.readUTF();
    int fragmentSize = in.readInt();
    int nextColumnId = in.readInt();
    int n = in.readInt();
    List<ColumnDef> cols = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cols.add(readColumn(in));
    }
    Constraints constraints = constrained ? Constraints.read(in) : Constraints.NONE;
    return new TableDef(id, name, fragmentSize, nextColumnId, cols, constraints);
  }

  static void writeColumn(DataOutputStream out, ColumnDef c) throws IOException {
    out.writeInt(c.id());
    out.writeUTF(c.name());
    out.writeByte(c.type().kind().ordinal());
    out.writeInt(c.type().precision());
    out.writeInt(c.type().scale());
    out.writeBoolean(c.notNull());
  }

  static ColumnDef readColumn(DataInputStream in) throws IOException {
    int id = in.readInt();
    String name = in.readUTF();
    TypeKind kind = TypeKind.values()[in.readByte()];
    int p = in.readInt();
    int s = in.readInt();
    boolean notNull = in.readBoolean();
    return new ColumnDef(id, name, new ColumnType(kind, p, s), notNull);
  }

  static void writeInsert(DataOutputStream out, TableDef def, Object[][] columns, int n)
      throws IOException {
    out.writeByte(OP_INSERT);
    out.writeInt(def.id());
    out.writeInt(n);
    out.writeInt(columns.length);
    for (int c = 0; c < columns.length; c++) {
      ColumnDef cd = def.columns().get(c);
      out.writeInt(cd.id());
      Object[] vals = columns[c];
      for (int r = 0; r < n; r++) {
        Object v = vals[r];
        if (v == null) {
          out.writeByte(0);
          continue;
        }
        out.writeByte(1);
        switch (cd.type().kind()) {
          case TEXT, UUID, JSON, JSONB, BYTEA, NUMERIC -> writeString(out, (String) v);
          case FLOAT, DOUBLE -> out.writeDouble(((Number) v).doubleValue());
          default -> out.writeLong(((Number) v).longValue());
        }
      }
    }
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static void writeMeta(DataOutputStream out, String key, String value) throws IOException {
    out.writeByte(OP_META);
    out.writeUTF(key);
    out.writeUTF(value);
  }

  /** The rows of an insert, one array a column of the table's definition, in its order. */
  record Rows(Object[][] columns, int count) {}

  /**
   * Reads the rest of an insert whose table ({@code def}) has been read: columns the record does
   * not name (added after it was written) are all NULL.
   */
  static Rows readInsert(DataInputStream in, TableDef def) throws IOException {
    int n = in.readInt();
    int ncols = in.readInt();
    Object[][] cols = new Object[def.columns().size()][];
    for (int c = 0; c < ncols; c++) {
      int colId = in.readInt();
      int idx = -1;
      for (int k = 0; k < def.columns().size(); k++) {
        if (def.columns().get(k).id() == colId) {
          idx = k;
        }
      }
      ColumnType type = def.columns().get(idx).type();
      Object[] vals = new Object[n];
      for (int r = 0; r < n; r++) {
        if (in.readByte() == 0) {
          continue;
        }
        vals[r] =
            switch (type.kind()) {
              case TEXT, UUID, JSON, JSONB, BYTEA, NUMERIC -> readString(in);
              case FLOAT, DOUBLE -> in.readDouble();
              default -> in.readLong();
            };
      }
      cols[idx] = vals;
    }
    for (int c = 0; c < cols.length; c++) {
      if (cols[c] == null) {
        cols[c] = new Object[n];
      }
    }
    return new Rows(cols, n);
  }
}

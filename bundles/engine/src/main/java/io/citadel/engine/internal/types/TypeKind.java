package io.citadel.engine.internal.types;

/**
 * The SQL types a Citadel column can have. Stored tables record a kind by its ordinal: new kinds go
 * at the end.
 */
public enum TypeKind {
  BOOLEAN,
  SMALLINT,
  INTEGER,
  BIGINT,
  FLOAT,
  DOUBLE,
  DECIMAL,
  TEXT,
  DATE,
  TIMESTAMP,
  /** An instant, kept as milliseconds since 1970-01-01T00:00Z and shown in UTC. */
  TIMESTAMPTZ,
  /** A time of day, milliseconds since midnight. */
  TIME,
  /** Kept as its canonical text: lower-case hex digits in 8-4-4-4-12 groups. */
  UUID,
  /** Kept as the text it was given, checked to be JSON. */
  JSON,
  /** Kept as PostgreSQL's normal form of the document (keys sorted, duplicates dropped). */
  JSONB,
  /** Kept as PostgreSQL's hex form, {@code \x} and two lower-case hex digits per byte. */
  BYTEA,
  /**
   * A span of time, as Calcite types it: months (year-month intervals) or milliseconds (day-time
   * ones); {@link ColumnType#scale()} says which, and how PostgreSQL would show it.
   */
  INTERVAL,
  /**
   * A decimal of more than 18 digits, or PostgreSQL's {@code numeric} without a precision: kept as
   * its plain text, each value with its own scale (see {@link Numeric}). {@link
   * ColumnType#precision()} and {@link ColumnType#scale()} are its type modifier; 0 for none.
   */
  NUMERIC;

  /** Whether values of this kind travel through the executor as {@code long}s. */
  public boolean isLongBased() {
    return !isFloating() && !isStringBased();
  }

  /**
   * Whether values of this kind are strings: TEXT and the types kept as a canonical text form,
   * stored through a dictionary as text is.
   */
  public boolean isStringBased() {
    return this == TEXT
        || this == UUID
        || this == JSON
        || this == JSONB
        || this == BYTEA
        || this == NUMERIC;
  }

  public boolean isFloating() {
    return this == FLOAT || this == DOUBLE;
  }

  public boolean isIntegral() {
    return this == SMALLINT || this == INTEGER || this == BIGINT;
  }

  public boolean isNumeric() {
    return isIntegral() || isFloating() || this == DECIMAL || this == NUMERIC;
  }

  /** DATE, TIMESTAMP, TIMESTAMPTZ and TIME. */
  public boolean isDatetime() {
    return this == DATE || this == TIMESTAMP || this == TIMESTAMPTZ || this == TIME;
  }
}

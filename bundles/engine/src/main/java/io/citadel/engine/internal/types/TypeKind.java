package io.citadel.engine.internal.types;

/** The SQL types a Citadel column can have. */
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
  TIMESTAMP;

  /** Whether values of this kind travel through the executor as {@code long}s. */
  public boolean isLongBased() {
    return this != FLOAT && this != DOUBLE && this != TEXT;
  }

  public boolean isFloating() {
    return this == FLOAT || this == DOUBLE;
  }

  public boolean isIntegral() {
    return this == SMALLINT || this == INTEGER || this == BIGINT;
  }

  public boolean isNumeric() {
    return isIntegral() || isFloating() || this == DECIMAL;
  }
}

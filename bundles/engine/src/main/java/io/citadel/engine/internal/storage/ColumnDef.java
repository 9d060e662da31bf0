package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.ColumnType;

/**
 * A column of a table. Its {@code id} never changes and is never reused within the table: stored
 * fragments name their columns by id, so a column added later is simply absent (all NULL) from
 * older fragments.
 */
public record ColumnDef(int id, String name, ColumnType type, boolean notNull) {}

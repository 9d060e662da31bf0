package io.citadel.engine.internal.storage;

import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a table that a query reads from start to end, whatever writers do
 * meanwhile.
 *
 * @param fragments every fragment, in row order, the tail last
 * @param deleted per fragment sequence number, the bitmap of deleted positions
 */
public record TableVersion(
    TableDef def,
    List<Fragment> fragments,
    Map<Integer, long[]> deleted,
    long rows,
    long liveRows,
    Map<Integer, Dictionary> dictionaries) {

  /** The deleted-rows bitmap of a fragment, or {@code null} when none of its rows is deleted. */
  public long[] deletedIn(Fragment f) {
    return deleted.get(f.seq());
  }

  public Dictionary dictionary(int columnId) {
    return dictionaries.get(columnId);
  }
}

package io.citadel.cldb.internal.model;

import java.util.regex.Pattern;

/**
 * A volume: one database's namespace and the unit of quota and replication policy.
 *
 * @param name lower-case letters, digits, '.', '_' and '-', at most 64 characters
 * @param quotaBytes the most its containers may hold together; 0 for no quota
 * @param minReplicas below this many live replicas a container is under-replicated
 * @param desiredReplicas how many replicas each container should have
 * @param createdMillis when it was created
 */
public record Volume(
    String name, long quotaBytes, int minReplicas, int desiredReplicas, long createdMillis) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Volume {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new CldbException(
          CldbException.INVALID,
          "a volume name is 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or"
              + " digit: \""
              + name
              + "\" is not");
    }
    if (quotaBytes < 0) {
      throw new CldbException(
          CldbException.INVALID, "volume " + name + ": the quota must be 0 (none) or positive");
    }
    if (minReplicas < 1 || desiredReplicas < minReplicas) {
      throw new CldbException(
          CldbException.INVALID,
          "volume "
              + name
              + ": replicas must satisfy 1 <= minimum <= desired, got minimum "
              + minReplicas
              + " and desired "
              + desiredReplicas);
    }
  }

  public boolean hasQuota() {
    return quotaBytes > 0;
  }
}

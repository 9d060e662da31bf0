package io.citadel.fileserver.api;

/** A write refused because it would take a volume past its quota; nothing was written. */
public class QuotaExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String volume;
  private final long usedBytes;
  private final long quotaBytes;

  public QuotaExceededException(String volume, long usedBytes, long quotaBytes, long bytes) {
    super(
        "volume "
            + volume
            + " is at its quota: "
            + usedBytes
            + " of "
            + quotaBytes
            + " bytes used, a write of about "
            + bytes
            + " bytes is refused (DELETE, TRUNCATE or DROP TABLE free space; cldb:volume-quota"
            + " raises the quota)");
    this.volume = volume;
    this.usedBytes = usedBytes;
    this.quotaBytes = quotaBytes;
  }

  public String volume() {
    return volume;
  }

  public long usedBytes() {
    return usedBytes;
  }

  public long quotaBytes() {
    return quotaBytes;
  }
}

package io.citadel.replication.internal;

import io.citadel.coordination.Coordination;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.KeeperException;

/**
 * A member of an HA group as its znode describes it: {@code chain} is the running hash of the
 * history it applied up to {@code applied} (members at one offset with different chains applied
 * different logs), {@code alarm} the divergence it raised, "" when none.
 */
public record MemberInfo(
    String serverId,
    String host,
    String state,
    long applied,
    long lag,
    long failed,
    boolean readOnly,
    long updated,
    String chain,
    String alarm) {

  /** The live members of {@code group}, by server id. */
  public static List<MemberInfo> list(Coordination c, String group) throws Exception {
    String path = c.clusterPath("ha", group);
    List<MemberInfo> out = new ArrayList<>();
    List<String> ids;
    try {
      ids = c.curator().getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return out;
    }
    for (String id : ids.stream().sorted().toList()) {
      byte[] data;
      try {
        data = c.curator().getData().forPath(path + "/" + id);
      } catch (KeeperException.NoNodeException e) {
        continue;
      }
      Map<String, String> f = Json.read(new String(data, StandardCharsets.UTF_8));
      out.add(
          new MemberInfo(
              id,
              f.getOrDefault("host", "?"),
              f.getOrDefault("state", "?"),
              number(f.get("applied")),
              number(f.get("lag")),
              number(f.get("failed")),
              Boolean.parseBoolean(f.get("readOnly")),
              number(f.get("updated")),
              f.getOrDefault("chain", ""),
              f.getOrDefault("alarm", "")));
    }
    return out;
  }

  /** The groups that have or had members. */
  public static List<String> groups(Coordination c) {
    try {
      return c.curator().getChildren().forPath(c.clusterPath("ha"));
    } catch (Exception e) {
      return List.of();
    }
  }

  private static long number(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

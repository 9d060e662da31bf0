package io.citadel.coordination.internal.shell;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.curator.framework.CuratorFramework;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.apache.zookeeper.data.Stat;

/** Prints a znode's data, and its stat on request. */
@Service
@Command(
    scope = "zk",
    name = "get",
    description = "Prints the data of a ZooKeeper node (text as is, binary as hex).")
public class ZkGet extends ZkAction {

  @Argument(index = 0, name = "path", description = "The znode.", required = true)
  @Completion(ZkPathCompleter.class)
  String path;

  @Option(name = "-s", aliases = "--stat", description = "Also prints the znode's stat.")
  boolean stat;

  @Override
  protected Object run() throws Exception {
    CuratorFramework client = connectedClient();
    String node = normalise(path);
    Stat nodeStat = new Stat();
    byte[] data = client.getData().storingStatIn(nodeStat).forPath(node);
    System.out.println(render(data));
    if (stat) {
      ShellTable table = new ShellTable();
      table.column("Stat");
      table.column("Value");
      table.addRow().addContent("czxid", "0x" + Long.toHexString(nodeStat.getCzxid()));
      table.addRow().addContent("mzxid", "0x" + Long.toHexString(nodeStat.getMzxid()));
      table.addRow().addContent("created", Instant.ofEpochMilli(nodeStat.getCtime()).toString());
      table.addRow().addContent("modified", Instant.ofEpochMilli(nodeStat.getMtime()).toString());
      table.addRow().addContent("version", nodeStat.getVersion());
      table.addRow().addContent("children", nodeStat.getNumChildren());
      table.addRow().addContent("bytes", nodeStat.getDataLength());
      table
          .addRow()
          .addContent(
              "ephemeral owner",
              nodeStat.getEphemeralOwner() == 0
                  ? "-"
                  : "0x" + Long.toHexString(nodeStat.getEphemeralOwner()));
      table.print(System.out);
    }
    return null;
  }

  static String render(byte[] data) {
    if (data == null || data.length == 0) {
      return "(no data)";
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(data))
              .toString();
      if (text.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
        return text;
      }
    } catch (CharacterCodingException binary) {
      // Fall through to hex.
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < data.length; i++) {
      if (i > 0 && i % 32 == 0) {
        hex.append('\n');
      } else if (i > 0) {
        hex.append(' ');
      }
      hex.append(String.format("%02x", data[i]));
    }
    return hex.toString();
  }
}

package io.citadel.engine.internal.pgwire;

import io.citadel.engine.api.SqlStatement;
import io.citadel.engine.internal.auth.Scram;
import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.sql.CopyStatement;
import io.citadel.engine.internal.sql.Engine;
import io.citadel.engine.internal.sql.QueryResult;
import io.citadel.engine.internal.sql.Session;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Settings;
import io.citadel.engine.internal.types.SqlException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection speaking the PostgreSQL frontend/backend protocol, version 3.0: startup,
 * SCRAM-SHA-256 authentication, the simple and the extended query protocols, and cancellation. A
 * thread serves it from the first byte to the last, as a PostgreSQL backend process would.
 */
final class PgConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
  private static final int PROTOCOL_3_0 = 196_608;
  private static final int SSL_REQUEST = 80_877_103;
  private static final int GSSENC_REQUEST = 80_877_104;
  private static final int CANCEL_REQUEST = 80_877_102;
  private static final int MAX_STARTUP_PACKET = 10_000;
  static final String SERVER_VERSION = "14.0";

  /** A statement prepared by Parse. */
  private record Prepared(String sql, int[] parameterTypes) {}

  /** A statement bound to its parameters by Bind, and its rows once run. */
  private static final class Portal {
    final String sql;
    final SqlText.Substituted text;
    final short[] resultFormats;
    QueryResult result;
    boolean started;
    Batch current;
    int row;

    Portal(String sql, SqlText.Substituted text, short[] resultFormats) {
      this.sql = sql;
      this.text = text;
      this.resultFormats = resultFormats;
    }

    /** Stops the portal's query if rows are still coming. */
    void close() {
      if (result != null) {
        result.close();
      }
    }
  }

  private final PgServer server;
  private final Socket socket;
  private final Engine engine;
  private final int processId;
  private final int secretKey;
  private final boolean overLimit;
  private final Map<String, Prepared> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private PgInput in;
  private PgOutput out;
  private volatile Session session;
  private String user;
  private boolean skipToSync;

  PgConnection(
      PgServer server,
      Socket socket,
      Engine engine,
      int processId,
      int secretKey,
      boolean overLimit) {
    this.server = server;
    this.socket = socket;
    this.engine = engine;
    this.processId = processId;
    this.secretKey = secretKey;
    this.overLimit = overLimit;
  }

  int processId() {
    return processId;
  }

  String user() {
    return user;
  }

  String remote() {
    return String.valueOf(socket.getRemoteSocketAddress());
  }

  Session session() {
    return session;
  }

  /** Cancels the running statement if {@code key} is this connection's secret. */
  boolean cancel(int key) {
    Session s = session;
    if (key != secretKey || s == null) {
      return false;
    }
    s.cancel();
    return true;
  }

  /** Closes the socket from another thread: the serving thread then ends. */
  void terminate() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void run() {
    try {
      in =
          new PgInput(
              new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024)),
              server.settings().maxMessageBytes());
      out = new PgOutput(new BufferedOutputStream(socket.getOutputStream(), 16 * 1024));
      socket.setSoTimeout(server.settings().authTimeoutMillis());
      if (startup()) {
        socket.setSoTimeout(0);
        serve();
      }
    } catch (SqlException e) {
      fatal(e);
    } catch (SocketTimeoutException e) {
      fatal(new SqlException("08006", "authentication timed out"));
    } catch (EOFException | SocketException e) {
      LOG.debug("Connection {} from {} ended: {}", processId, remote(), e.toString());
    } catch (IOException e) {
      LOG.info("Connection {} from {} failed: {}", processId, remote(), e.toString());
    } catch (RuntimeException | Error e) {
      LOG.error("Connection {} from {} failed unexpectedly", processId, remote(), e);
      fatal(new SqlException(SqlException.INTERNAL, "internal error: " + e));
    } finally {
      portals.values().forEach(Portal::close);
      portals.clear();
      Session s = session;
      if (s != null) {
        s.close();
      }
      terminate();
      server.closed(this);
    }
  }

  // --------------------------------------------------------------------------------- startup

  private boolean startup() throws IOException {
    while (true) {
      ByteBuffer packet = in.startupPacket(MAX_STARTUP_PACKET);
      if (packet == null) {
        return false;
      }
      int code = PgInput.int32(packet);
      if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
        out.raw((byte) 'N');
        out.flush();
        continue;
      }
      if (code == CANCEL_REQUEST) {
        server.cancel(PgInput.int32(packet), PgInput.int32(packet));
        return false;
      }
      if (code >>> 16 != 3) {
        throw new SqlException(
            SqlException.PROTOCOL_VIOLATION,
            "unsupported frontend protocol "
                + (code >>> 16)
                + "."
                + (code & 0xffff)
                + ": the server supports 3.0");
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      List<String> unknownOptions = new ArrayList<>();
      while (packet.hasRemaining()) {
        String name = PgInput.cstring(packet);
        if (name.isEmpty()) {
          break;
        }
        String value = PgInput.cstring(packet);
        if (name.startsWith("_pq_.")) {
          unknownOptions.add(name);
        } else {
          parameters.put(name, value);
        }
      }
      if (code != PROTOCOL_3_0 || !unknownOptions.isEmpty()) {
        out.begin('v').int32(PROTOCOL_3_0).int32(unknownOptions.size());
        for (String o : unknownOptions) {
          out.cstring(o);
        }
        out.end();
      }
      if (overLimit) {
        throw new SqlException(
            SqlException.TOO_MANY_CONNECTIONS, "sorry, too many clients already");
      }
      return authenticate(parameters);
    }
  }

  private boolean authenticate(Map<String, String> parameters) throws IOException {
    user = parameters.get("user");
    if (user == null || user.isEmpty()) {
      throw new SqlException(
          SqlException.INVALID_AUTHORIZATION,
          "no PostgreSQL user name specified in startup packet");
    }
    if (parameters.containsKey("replication")
        && !"false".equalsIgnoreCase(parameters.get("replication"))) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED, "replication connections are not supported");
    }
    UserStore.User known = engine.users().get(user);
    Scram.Exchange exchange = new Scram.Exchange(known == null ? null : known.verifier());
    out.begin('R').int32(10).cstring(Scram.MECHANISM).int8(0).end();
    out.flush();
    try {
      ByteBuffer first = expectPassword();
      String mechanism = PgInput.cstring(first);
      if (!Scram.MECHANISM.equals(mechanism)) {
        throw new Scram.AuthException("unsupported SASL mechanism \"" + mechanism + "\"");
      }
      int length = PgInput.int32(first);
      String clientFirst =
          new String(PgInput.bytes(first, Math.max(length, 0)), StandardCharsets.UTF_8);
      String serverFirst = exchange.serverFirst(clientFirst);
      out.begin('R').int32(11).bytes(serverFirst.getBytes(StandardCharsets.UTF_8)).end();
      out.flush();
      ByteBuffer last = expectPassword();
      String clientFinal =
          new String(PgInput.bytes(last, last.remaining()), StandardCharsets.UTF_8);
      String serverFinal = exchange.serverFinal(clientFinal);
      if (known == null) {
        throw new Scram.AuthException(null);
      }
      out.begin('R').int32(12).bytes(serverFinal.getBytes(StandardCharsets.UTF_8)).end();
    } catch (Scram.AuthException e) {
      if (e.getMessage() != null) {
        LOG.info("Connection {} from {}: {}", processId, remote(), e.getMessage());
        throw new SqlException(SqlException.PROTOCOL_VIOLATION, e.getMessage());
      }
      LOG.info("Password authentication failed for user \"{}\" from {}", user, remote());
      throw new SqlException(
          SqlException.INVALID_PASSWORD,
          "password authentication failed for user \"" + user + "\"");
    }
    out.begin('R').int32(0).end();

    session = engine.openSession(user);
    // as in PostgreSQL, the options' -c settings first, then the packet's own parameters, which
    // win where both name one
    Map<String, String> given = new LinkedHashMap<>();
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      if (p.getKey().equalsIgnoreCase("options")) {
        given.putAll(commandLineOptions(p.getValue()));
      }
    }
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      String name = p.getKey().toLowerCase(Locale.ROOT);
      if (!name.equals("options") && !name.equals("user") && !name.equals("database")) {
        given.put(name, p.getValue());
      }
    }
    for (Map.Entry<String, String> p : given.entrySet()) {
      // a client's TimeZone (pgjdbc sends its JVM's, libpq PGTZ) is the session's, as in
      // PostgreSQL; one that is no zone ends the start-up with an error naming it
      session.startupSetting(p.getKey(), p.getValue());
    }
    Map<String, String> status = new LinkedHashMap<>();
    status.put("application_name", parameters.getOrDefault("application_name", ""));
    status.put("client_encoding", "UTF8");
    status.put("DateStyle", "ISO, MDY");
    status.put("default_transaction_read_only", "off");
    status.put("in_hot_standby", "off");
    status.put("integer_datetimes", "on");
    status.put("IntervalStyle", "postgres");
    UserStore.User u = engine.users().get(user);
    status.put("is_superuser", u != null && u.superuser() ? "on" : "off");
    status.put("server_encoding", "UTF8");
    status.put("server_version", SERVER_VERSION);
    status.put("session_authorization", user);
    status.put("standard_conforming_strings", "on");
    status.put("TimeZone", reportedZone = timeZoneSetting());
    for (Map.Entry<String, String> s : status.entrySet()) {
      out.begin('S').cstring(s.getKey()).cstring(s.getValue()).end();
    }
    out.begin('K').int32(processId).int32(secretKey).end();
    ready();
    LOG.debug("Connection {} from {} authenticated as {}", processId, remote(), user);
    return true;
  }

  private ByteBuffer expectPassword() throws IOException {
    PgInput.Message m = in.next();
    if (m == null) {
      throw new EOFException("client left during authentication");
    }
    if (m.type() != 'p') {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION,
          "expected a SASL response, got message type '" + PgInput.printable(m.type()) + "'");
    }
    return m.body();
  }

  // ------------------------------------------------------------------------------ main loop

  private void serve() throws IOException {
    while (true) {
      PgInput.Message m = in.next();
      if (m == null || m.type() == 'X') {
        return;
      }
      if (skipToSync && m.type() != 'S') {
        continue;
      }
      ByteBuffer body = m.body();
      try {
        switch (m.type()) {
          case 'Q' -> simpleQuery(PgInput.cstring(body));
          case 'P' -> parse(body);
          case 'B' -> bind(body);
          case 'D' -> describe(body);
          case 'E' -> execute(body);
          case 'C' -> close(body);
          case 'H' -> out.flush();
          case 'S' -> {
            skipToSync = false;
            closePortal("");
            if (session.transactionStatus() == 'I') {
              // the implicit transaction ends here, and its portals with it, as in PostgreSQL
              portals.values().forEach(Portal::close);
              portals.clear();
            }
            ready();
          }
          case 'd', 'c', 'f' -> {
            // COPY data outside a COPY: ignored, as PostgreSQL does.
          }
          case 'F' ->
              throw new SqlException(
                  SqlException.FEATURE_NOT_SUPPORTED, "function calls are not supported");
          default ->
              throw new SqlException(
                  SqlException.PROTOCOL_VIOLATION,
                  "invalid frontend message type '" + PgInput.printable(m.type()) + "'");
        }
      } catch (SqlException e) {
        if (SqlException.PROTOCOL_VIOLATION.equals(e.sqlState())) {
          throw e; // the stream can no longer be trusted: FATAL, then close
        }
        error(e, 0);
        if (m.type() == 'Q') {
          ready();
        } else {
          skipToSync = true;
        }
      }
    }
  }

  private void simpleQuery(String sql) throws IOException {
    statements.remove("");
    closePortal("");
    List<SqlStatement.Piece> pieces = SqlStatement.split(sql);
    if (pieces.isEmpty()) {
      out.begin('I').end();
    }
    for (SqlStatement.Piece piece : pieces) {
      String text = piece.text();
      int lead = text.length() - text.stripLeading().length();
      try {
        CopyStatement copy = session.copy().clientCopyOf(text);
        if (copy != null && !copy.from()) {
          copyOut(copy);
          continue;
        }
        QueryResult r = copy != null ? copyIn(copy) : run(text);
        if (r.hasRows()) {
          rowDescription(r, null);
        }
        Portal p = new Portal(text, null, null);
        p.result = r;
        try {
          rows(p, 0);
        } finally {
          p.close();
        }
      } catch (SqlException e) {
        error(e, piece.start() + lead);
        break;
      }
    }
    ready();
  }

  private QueryResult run(String sql) {
    try {
      return session.execute(sql);
    } catch (SqlException e) {
      throw e;
    } catch (OutOfMemoryError e) {
      throw new SqlException("53200", "out of memory while running the statement");
    } catch (RuntimeException e) {
      LOG.warn("Statement failed unexpectedly: {}", sql, e);
      throw new SqlException(SqlException.INTERNAL, "internal error: " + e, 0, e);
    }
  }

  // --------------------------------------------------------------------------------- COPY

  /**
   * COPY ... FROM STDIN: CopyInResponse, then the client's CopyData until CopyDone (or CopyFail),
   * streamed into the load as they come. Whatever happens to the load, the rest of the client's
   * data is read (and dropped) up to its end, so the next message is the next statement's.
   */
  private QueryResult copyIn(CopyStatement copy) throws IOException {
    int width = session.copy().width(copy);
    out.begin('G').int8(0).int16(width);
    for (int c = 0; c < width; c++) {
      out.int16(0);
    }
    out.end();
    out.flush();
    CopyData data = new CopyData();
    try {
      return session.copy().fromClient(copy, data);
    } catch (SqlException e) {
      data.drain();
      if (data.failure != null) {
        throw new SqlException(
            SqlException.QUERY_CANCELED, "COPY from stdin failed: " + data.failure);
      }
      throw e;
    } finally {
      data.drain();
    }
  }

  /** The client's CopyData messages as a stream, ending at CopyDone. */
  private final class CopyData extends java.io.InputStream {
    private ByteBuffer current;
    private boolean done;
    String failure;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (current == null || !current.hasRemaining()) {
        if (done) {
          return -1;
        }
        next();
      }
      int n = Math.min(len, current.remaining());
      current.get(b, off, n);
      return n;
    }

    private void next() throws IOException {
      PgInput.Message m = in.next();
      if (m == null) {
        throw new EOFException("client left during COPY FROM STDIN");
      }
      switch (m.type()) {
        case 'd' -> current = m.body();
        case 'c' -> done = true;
        case 'f' -> {
          done = true;
          failure = PgInput.cstring(m.body());
          throw new IOException("the client ended the COPY: " + failure);
        }
        case 'H', 'S' -> {
          // Flush and Sync mean nothing during COPY IN, as in PostgreSQL
        }
        default ->
            throw new SqlException(
                SqlException.PROTOCOL_VIOLATION,
                "unexpected message type '"
                    + PgInput.printable(m.type())
                    + "' during COPY FROM STDIN");
      }
    }

    void drain() throws IOException {
      while (!done) {
        try {
          next();
        } catch (IOException e) {
          if (!done) {
            throw e;
          }
        }
      }
      current = null;
    }
  }

  /** COPY ... TO STDOUT: the query's rows as CopyData lines, in text or CSV format. */
  private void copyOut(CopyStatement copy) throws IOException {
    QueryResult r = run(Session.copyQuery(copy));
    ColumnType[] types = r.types();
    out.begin('H').int8(0).int16(types.length);
    for (int c = 0; c < types.length; c++) {
      out.int16(0);
    }
    out.end();
    long rows = 0;
    StringBuilder line = new StringBuilder();
    if (copy.header()) {
      for (int c = 0; c < types.length; c++) {
        if (c > 0) {
          line.append((char) copy.delimiter());
        }
        line.append(copyField(copy, r.names().get(c)));
      }
      copyLine(line);
    }
    java.time.ZoneId zone = session.zone();
    for (Batch b = r.next(); b != null; b = r.next()) {
      for (int row = 0; row < b.size; row++) {
        line.setLength(0);
        for (int c = 0; c < types.length; c++) {
          if (c > 0) {
            line.append((char) copy.delimiter());
          }
          Object v = b.cols[c].get(row);
          line.append(v == null ? copy.nullString() : copyField(copy, types[c].format(v, zone)));
        }
        copyLine(line);
        rows++;
      }
    }
    out.begin('c').end();
    out.begin('C').cstring("COPY " + rows).end();
  }

  private void copyLine(StringBuilder line) throws IOException {
    line.append('\n');
    out.begin('d').bytes(line.toString().getBytes(StandardCharsets.UTF_8)).end();
  }

  /** A value as COPY writes it: escaped in text format, quoted where needed in CSV. */
  private static String copyField(CopyStatement copy, String v) {
    char delim = (char) copy.delimiter();
    if (copy.csv()) {
      char q = (char) copy.quote();
      boolean quote =
          v.isEmpty()
              || v.equals(copy.nullString())
              || v.indexOf(delim) >= 0
              || v.indexOf(q) >= 0
              || v.indexOf('\n') >= 0
              || v.indexOf('\r') >= 0;
      return quote ? q + v.replace(String.valueOf(q), "" + q + q) + q : v;
    }
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch == delim) {
            b.append('\\');
          }
          b.append(ch);
        }
      }
    }
    return b.toString();
  }

  // ------------------------------------------------------------------------ extended protocol

  private void parse(ByteBuffer body) throws IOException {
    String name = PgInput.cstring(body);
    String sql = PgInput.cstring(body);
    int[] types = PgInput.int32s(body, "parameter type");
    int declared = types.length;
    if (!name.isEmpty() && statements.containsKey(name)) {
      throw new SqlException("42P05", "prepared statement \"" + name + "\" already exists");
    }
    if (SqlStatement.split(sql).size() > 1) {
      throw new SqlException(
          SqlException.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
    }
    int count = Math.max(declared, SqlText.parameterCount(sql));
    int[] all = java.util.Arrays.copyOf(types, count);
    statements.put(name, new Prepared(sql, all));
    out.begin('1').end();
  }

  private void bind(ByteBuffer body) throws IOException {
    String portalName = PgInput.cstring(body);
    String statementName = PgInput.cstring(body);
    short[] formats = PgInput.int16s(body, "parameter format");
    int formatCount = formats.length;
    int valueCount = PgInput.count(body, "parameter value");
    byte[][] values = new byte[valueCount][];
    for (int i = 0; i < valueCount; i++) {
      int length = PgInput.int32(body);
      values[i] = length == -1 ? null : PgInput.bytes(body, length);
    }
    short[] resultFormats = PgInput.int16s(body, "result format");
    Prepared p = statements.get(statementName);
    if (p == null) {
      throw new SqlException(
          "26000", "prepared statement \"" + statementName + "\" does not exist");
    }
    if (valueCount != p.parameterTypes().length) {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION,
          "bind message supplies "
              + valueCount
              + " parameters, but prepared statement \""
              + statementName
              + "\" requires "
              + p.parameterTypes().length);
    }
    if (formatCount > 1 && formatCount != valueCount) {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION,
          "bind message has " + formatCount + " parameter formats but " + valueCount + " values");
    }
    if (!portalName.isEmpty() && portals.containsKey(portalName)) {
      throw new SqlException("42P03", "cursor \"" + portalName + "\" already exists");
    }
    SqlText.Substituted text =
        SqlText.substitute(
            p.sql(),
            n -> {
              if (n < 1 || n > valueCount) {
                throw new SqlException(
                    "42P02", "there is no parameter $" + n, SqlText.parameterCount(p.sql()));
              }
              int format = formatCount == 0 ? 0 : formats[formatCount == 1 ? 0 : n - 1];
              return PgValues.literal(
                  n, p.parameterTypes()[n - 1], format == 1, values[n - 1], session.zone());
            });
    closePortal(portalName);
    portals.put(portalName, new Portal(p.sql(), text, resultFormats));
    out.begin('2').end();
  }

  private void describe(ByteBuffer body) throws IOException {
    byte kind = PgInput.int8(body);
    String name = PgInput.cstring(body);
    if (kind == 'S') {
      Prepared p = statements.get(name);
      if (p == null) {
        throw new SqlException("26000", "prepared statement \"" + name + "\" does not exist");
      }
      out.begin('t').int16(p.parameterTypes().length);
      for (int t : p.parameterTypes()) {
        out.int32(t == PgValues.UNSPECIFIED ? PgValues.TEXT : t);
      }
      out.end();
      SqlText.Substituted text =
          SqlText.substitute(
              p.sql(),
              n ->
                  n >= 1 && n <= p.parameterTypes().length
                      ? PgValues.literal(n, p.parameterTypes()[n - 1], false, null, null)
                      : "NULL");
      Session.Shape shape;
      try {
        shape = session.shapeOf(text.text());
      } catch (SqlException e) {
        throw positioned(e, text, 0);
      }
      if (shape == null) {
        out.begin('n').end();
      } else {
        rowDescription(shape.names(), shape.types(), null);
      }
    } else if (kind == 'P') {
      Portal p = portal(name);
      if (p.result == null && SqlStatement.of(p.text.text()).onlyReads()) {
        // a statement that only reads runs at Describe, so that its rows can be described
        p.result = runPortal(p);
      }
      if (p.result != null && p.result.hasRows()) {
        rowDescription(p.result, p.resultFormats);
      } else if (p.result == null) {
        // a write with RETURNING: its rows are described now, the write happens at Execute
        Session.Shape shape;
        try {
          shape = session.shapeOf(p.text.text());
        } catch (SqlException e) {
          throw positioned(e, p.text, 0);
        }
        if (shape == null) {
          out.begin('n').end();
        } else {
          rowDescription(shape.names(), shape.types(), p.resultFormats);
        }
      } else {
        out.begin('n').end();
      }
    } else {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION, "invalid DESCRIBE message subtype " + kind);
    }
  }

  private void execute(ByteBuffer body) throws IOException {
    Portal p = portal(PgInput.cstring(body));
    int maxRows = PgInput.int32(body);
    if (SqlStatement.split(p.text.text()).isEmpty()) {
      // nothing but white space, comments and semicolons (Grafana's "-- ping")
      out.begin('I').end();
      return;
    }
    if (p.result == null) {
      p.result = runPortal(p);
    }
    rows(p, maxRows);
  }

  private QueryResult runPortal(Portal p) {
    try {
      return run(p.text.text());
    } catch (SqlException e) {
      throw positioned(e, p.text, 0);
    }
  }

  private void close(ByteBuffer body) throws IOException {
    byte kind = PgInput.int8(body);
    String name = PgInput.cstring(body);
    if (kind == 'S') {
      statements.remove(name);
    } else if (kind == 'P') {
      closePortal(name);
    } else {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION, "invalid CLOSE message subtype " + kind);
    }
    out.begin('3').end();
  }

  private void closePortal(String name) {
    Portal p = portals.remove(name);
    if (p != null) {
      p.close();
    }
  }

  private Portal portal(String name) {
    Portal p = portals.get(name);
    if (p == null) {
      throw new SqlException("34000", "portal \"" + name + "\" does not exist");
    }
    return p;
  }

  private static SqlException positioned(SqlException e, SqlText.Substituted text, int offset) {
    if (e.position() <= 0) {
      return e;
    }
    int lead = text.text().length() - text.text().stripLeading().length();
    return new SqlException(
        e.sqlState(), e.getMessage(), offset + text.original(e.position() + lead), e);
  }

  // -------------------------------------------------------------------------------- results

  private void rowDescription(QueryResult r, short[] formats) throws IOException {
    rowDescription(r.names(), r.types(), formats);
  }

  private void rowDescription(List<String> names, ColumnType[] types, short[] formats)
      throws IOException {
    out.begin('T').int16(types.length);
    for (int c = 0; c < types.length; c++) {
      ColumnType t = types[c];
      out.cstring(names.get(c))
          .int32(0)
          .int16(0)
          .int32(t.pgOid())
          .int16(t.pgLength())
          .int32(t.pgTypeModifier())
          // arrays go as text whatever was asked: their binary form is not written here yet
          .int16(t.isArray() ? 0 : format(formats, c));
    }
    out.end();
  }

  private static int format(short[] formats, int column) {
    if (formats == null || formats.length == 0) {
      return 0;
    }
    return formats.length == 1 ? formats[0] : column < formats.length ? formats[column] : 0;
  }

  /**
   * Sends the portal's notices (first time), then up to {@code maxRows} rows (0: all), pulled from
   * the running query as they go out: a result larger than memory streams through.
   */
  private void rows(Portal p, int maxRows) throws IOException {
    QueryResult r = p.result;
    if (!p.started) {
      p.started = true;
      for (String notice : r.notices()) {
        out.begin('N')
            .int8('S')
            .cstring("NOTICE")
            .int8('V')
            .cstring("NOTICE")
            .int8('C')
            .cstring("00000")
            .int8('M')
            .cstring(notice)
            .int8(0)
            .end();
      }
    }
    if (!r.hasRows()) {
      out.begin('C').cstring(r.tag()).end();
      return;
    }
    ColumnType[] types = r.types();
    boolean[] binary = new boolean[types.length];
    for (int c = 0; c < types.length; c++) {
      binary[c] = !types[c].isArray() && format(p.resultFormats, c) == 1;
    }
    long sent = 0;
    java.time.ZoneId zone = session.zone();
    while (true) {
      if (p.current == null || p.row == p.current.size) {
        p.current = r.next();
        p.row = 0;
        if (p.current == null) {
          break;
        }
      }
      if (maxRows > 0 && sent == maxRows) {
        out.begin('s').end();
        return;
      }
      Batch b = p.current;
      out.begin('D').int16(types.length);
      for (int c = 0; c < types.length; c++) {
        Object v = b.cols[c].get(p.row);
        out.value(
            binary[c]
                ? PgValues.binary(types[c], v)
                : v == null ? null : types[c].format(v, zone).getBytes(StandardCharsets.UTF_8));
      }
      out.end();
      p.row++;
      sent++;
    }
    out.begin('C').cstring(maxRows > 0 ? "SELECT " + sent : r.tag()).end();
  }

  // ---------------------------------------------------------------------------------- errors

  /**
   * The settings in a start-up packet's {@code options} (libpq's {@code PGOPTIONS}, psycopg2's
   * {@code options=}): {@code -c name=value} or {@code --name=value}, separated by blanks, a
   * backslash keeping the next character (a blank in a value). Anything else is an error naming it.
   */
  static Map<String, String> commandLineOptions(String options) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean any = false;
    for (int i = 0; i < options.length(); i++) {
      char ch = options.charAt(i);
      if (ch == '\\' && i + 1 < options.length()) {
        w.append(options.charAt(++i));
        any = true;
      } else if (Character.isWhitespace(ch)) {
        if (any) {
          words.add(w.toString());
          w.setLength(0);
          any = false;
        }
      } else {
        w.append(ch);
        any = true;
      }
    }
    if (any) {
      words.add(w.toString());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      String setting;
      if (word.equals("-c") && i + 1 < words.size()) {
        setting = words.get(++i);
      } else if (word.startsWith("-c") && word.length() > 2) {
        setting = word.substring(2);
      } else if (word.startsWith("--")) {
        setting = word.substring(2);
      } else {
        throw new SqlException(
            SqlException.INVALID_PARAMETER,
            "invalid command-line argument in the start-up options: \"" + word + "\"");
      }
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw new SqlException(
            SqlException.INVALID_PARAMETER,
            "-c " + setting + " in the start-up options requires a value");
      }
      settings.put(
          setting.substring(0, eq).replace('-', '_').toLowerCase(Locale.ROOT),
          setting.substring(eq + 1));
    }
    return settings;
  }

  /** The TimeZone last reported to the client in a ParameterStatus message. */
  private String reportedZone;

  private String timeZoneSetting() {
    return Settings.get(session.settings(), "timezone");
  }

  private void ready() throws IOException {
    if (session != null && reportedZone != null && !reportedZone.equals(timeZoneSetting())) {
      // as PostgreSQL reports a change of TimeZone (SET, RESET): drivers read timestamptz text
      // and show the zone by it
      reportedZone = timeZoneSetting();
      out.begin('S').cstring("TimeZone").cstring(reportedZone).end();
    }
    out.begin('Z').int8(session == null ? 'I' : session.transactionStatus()).end();
    out.flush();
  }

  private void error(SqlException e, int offset) throws IOException {
    writeError("ERROR", e, e.position() > 0 ? offset + e.position() : 0);
  }

  private void writeError(String severity, SqlException e, int position) throws IOException {
    out.begin('E')
        .int8('S')
        .cstring(severity)
        .int8('V')
        .cstring(severity)
        .int8('C')
        .cstring(e.sqlState())
        .int8('M')
        .cstring(String.valueOf(e.getMessage()));
    if (position > 0) {
      out.int8('P').cstring(Integer.toString(position));
    }
    out.int8(0).end();
  }

  /** Tells the client why the connection ends, if the socket still takes it. */
  private void fatal(SqlException e) {
    if (out == null) {
      return;
    }
    try {
      writeError("FATAL", e, 0);
      out.flush();
    } catch (IOException | RuntimeException ignored) {
      // the client is gone already
    }
    LOG.debug("Connection {} from {} closed: {}", processId, remote(), e.getMessage());
  }
}

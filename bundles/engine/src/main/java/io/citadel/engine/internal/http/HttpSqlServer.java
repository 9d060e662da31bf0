package io.citadel.engine.internal.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.citadel.engine.api.LoggedStatement;
import io.citadel.engine.internal.auth.Scram;
import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.pgwire.SqlText;
import io.citadel.engine.internal.sql.Engine;
import io.citadel.engine.internal.sql.QueryResult;
import io.citadel.engine.internal.sql.Session;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /sql}: one statement per request, authenticated with HTTP Basic against the engine's
 * users, answered as JSON. The body is {@code {"sql": "...", "params": [...]}}, or the statement
 * itself sent as {@code text/plain}; {@code GET /openapi.json} describes it. Rows come back as
 * {@code columns} (name and type) and {@code rows} (arrays of values); errors as {@code {"error":
 * {"code": SQLSTATE, "message": ..., "position": n}}}.
 */
public final class HttpSqlServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpSqlServer.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_BODY = 16 << 20;
  private static final long CREDENTIAL_CACHE_MILLIS = 60_000;

  private final Engine engine;
  private final EventLoopGroup boss;
  private final EventLoopGroup io;
  private final EventExecutorGroup statements;
  private final Channel channel;

  /** Credentials checked recently: PBKDF2 is slow on purpose, and HTTP sends them every time. */
  private final Map<String, Long> verified = new ConcurrentHashMap<>();

  private HttpSqlServer(Engine engine, InetAddress bind, int port, int workers) throws IOException {
    this.engine = engine;
    this.boss = new NioEventLoopGroup(1, threads("citadel-http-accept"));
    this.io = new NioEventLoopGroup(2, threads("citadel-http-io"));
    this.statements = new DefaultEventExecutorGroup(workers, threads("citadel-http-sql"));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, io)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(statements, new Handler());
                  }
                });
    try {
      this.channel =
          bootstrap.bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      shutdown();
      throw new IOException(
          "cannot listen for HTTP on " + bind.getHostAddress() + ":" + port + ": " + e.getMessage(),
          e);
    }
    LOG.info("Listening for POST /sql on {}:{}", bind.getHostAddress(), port());
  }

  public static HttpSqlServer start(Engine engine, InetAddress bind, int port, int workers)
      throws IOException {
    return new HttpSqlServer(engine, bind, port, workers);
  }

  private static java.util.concurrent.ThreadFactory threads(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    shutdown();
  }

  private void shutdown() {
    boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    // a closing channel's pipeline is taken down from its statement executor into the I/O loop:
    // those executors end first
    statements
        .shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
        .awaitUninterruptibly(5_000);
    io.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response;
      if (!request.decoderResult().isSuccess()) {
        response = error(HttpResponseStatus.BAD_REQUEST, "08P01", "malformed HTTP request", 0);
      } else if (request.uri().equals("/openapi.json") && request.method().equals(HttpMethod.GET)) {
        response = openApi();
      } else if (!request.uri().equals("/sql") && !request.uri().startsWith("/sql?")) {
        response =
            error(HttpResponseStatus.NOT_FOUND, "42704", "no such endpoint: use POST /sql", 0);
      } else if (!request.method().equals(HttpMethod.POST)) {
        response =
            error(HttpResponseStatus.METHOD_NOT_ALLOWED, "42601", "use POST with the statement", 0);
        response.headers().set(HttpHeaderNames.ALLOW, "POST");
      } else {
        String user = authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (user == null) {
          response =
              error(
                  HttpResponseStatus.UNAUTHORIZED,
                  SqlException.INVALID_PASSWORD,
                  "authentication required: HTTP Basic with an engine user and password",
                  0);
          response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"citadel\"");
        } else {
          answer(ctx.channel(), user, request);
          return;
        }
      }
      send(ctx.channel(), response, HttpUtil.isKeepAlive(request));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug(
          "HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }

  /** The user named by valid Basic credentials, or null. */
  private String authenticate(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String user = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    UserStore.User u = engine.users().get(user);
    if (u == null) {
      return null;
    }
    String key = cacheKey(u, password);
    Long until = verified.get(key);
    long now = System.currentTimeMillis();
    if (until != null && until > now) {
      return user;
    }
    if (!Scram.matches(u.verifier(), password)) {
      LOG.info("HTTP: password authentication failed for user \"{}\"", user);
      return null;
    }
    verified.entrySet().removeIf(e -> e.getValue() <= now);
    verified.put(key, now + CREDENTIAL_CACHE_MILLIS);
    return user;
  }

  /** Keyed by the verifier too, so a changed password invalidates what was cached. */
  private static String cacheKey(UserStore.User u, String password) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(u.verifier().toString().getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(password.getBytes(StandardCharsets.UTF_8));
      return u.name() + ":" + Base64.getEncoder().encodeToString(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A write sent with this header is applied once in an HA group however often it is sent (by a
   * balancer retrying it on another member, say): a repeat answers the first one's outcome.
   */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Sends a whole response, closing the connection after it unless the client keeps it. */
  private static void send(Channel channel, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      channel.writeAndFlush(response);
    } else {
      channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Runs the request's statement and sends its answer. A result that fits in {@link
   * StreamedBody#CHUNK} goes out whole with its length; a larger one streams out in chunks as its
   * rows are made, each chunk written before the next is made, so the heap holds one chunk however
   * large the result. A failure before anything was sent is a 400 with the error; one after rows
   * began to stream ends the JSON object with an {@code error} member in place of {@code tag} and
   * {@code rowCount}.
   */
  private void answer(Channel channel, String user, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String sql;
    try {
      sql = statement(request);
    } catch (SqlException e) {
      send(
          channel,
          error(HttpResponseStatus.BAD_REQUEST, e.sqlState(), e.getMessage(), 0),
          keepAlive);
      return;
    } catch (IOException e) {
      send(
          channel,
          error(
              HttpResponseStatus.BAD_REQUEST,
              SqlException.PROTOCOL_VIOLATION,
              "cannot read the request body: " + e.getMessage(),
              0),
          keepAlive);
      return;
    }
    String key = request.headers().get(IDEMPOTENCY_KEY, "").strip();
    if (key.length() > LoggedStatement.MAX_KEY_LENGTH) {
      send(
          channel,
          error(
              HttpResponseStatus.BAD_REQUEST,
              SqlException.INVALID_PARAMETER,
              IDEMPOTENCY_KEY + " is at most " + LoggedStatement.MAX_KEY_LENGTH + " characters",
              0),
          keepAlive);
      return;
    }
    long start = System.nanoTime();
    StreamedBody body = new StreamedBody(channel, keepAlive);
    try (Session session = engine.openSession(user);
        QueryResult r = session.execute(sql, key)) {
      try (JsonGenerator g = JSON.createGenerator(body)) {
        write(g, r, start, body);
      }
      body.finish();
    } catch (SqlException e) {
      body.discard();
      send(
          channel,
          error(HttpResponseStatus.BAD_REQUEST, e.sqlState(), e.getMessage(), e.position()),
          keepAlive);
    } catch (IOException e) {
      // the client went away while rows streamed out: the query stops with the session
      body.discard();
      LOG.debug("HTTP client left while its result streamed: {}", e.toString());
      channel.close();
    } catch (RuntimeException | OutOfMemoryError e) {
      body.discard();
      LOG.warn("HTTP statement failed unexpectedly: {}", sql, e);
      send(
          channel,
          error(
              HttpResponseStatus.INTERNAL_SERVER_ERROR,
              SqlException.INTERNAL,
              "internal error: " + e,
              0),
          keepAlive);
    }
  }

  /**
   * A JSON response body: held in memory up to {@link #CHUNK}, then sent with chunked transfer
   * encoding a chunk at a time, waiting for each to be written (so a slow client slows the query
   * instead of filling the heap).
   */
  private static final class StreamedBody extends OutputStream {
    static final int CHUNK = 256 * 1024;
    private static final long WRITE_TIMEOUT_SECONDS = 300;

    private final Channel channel;
    private final boolean keepAlive;
    private ByteBuf buf = Unpooled.buffer(8192);
    private boolean committed;
    private boolean aborted;

    StreamedBody(Channel channel, boolean keepAlive) {
      this.channel = channel;
      this.keepAlive = keepAlive;
    }

    /** Whether the status line went out, so a failure can no longer be a 400. */
    boolean committed() {
      return committed;
    }

    /** Drops whatever is written from now on (the answer will be an error). */
    void abort() {
      aborted = true;
    }

    @Override
    public void write(int b) throws IOException {
      if (aborted) {
        return;
      }
      buf.writeByte(b);
      if (buf.readableBytes() >= CHUNK) {
        chunk();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (aborted) {
        return;
      }
      buf.writeBytes(b, off, len);
      if (buf.readableBytes() >= CHUNK) {
        chunk();
      }
    }

    private void chunk() throws IOException {
      if (!committed) {
        io.netty.handler.codec.http.HttpResponse head =
            new io.netty.handler.codec.http.DefaultHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        HttpUtil.setTransferEncodingChunked(head, true);
        if (keepAlive) {
          head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        channel.write(head);
        committed = true;
      }
      ByteBuf out = buf;
      buf = Unpooled.buffer(CHUNK + 8192);
      await(channel.writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(out)));
    }

    private void await(io.netty.channel.ChannelFuture f) throws IOException {
      if (!f.awaitUninterruptibly(WRITE_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IOException("the client took no data for " + WRITE_TIMEOUT_SECONDS + " s");
      }
      if (!f.isSuccess()) {
        throw new IOException("writing to the client failed", f.cause());
      }
    }

    /** Sends what is left: the whole response, or the last chunk. */
    void finish() {
      if (!committed) {
        FullHttpResponse response =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, buf);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        buf = null;
        send(channel, response, keepAlive);
        return;
      }
      ByteBuf last = buf;
      buf = null;
      io.netty.channel.ChannelFuture f =
          channel.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(last));
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    /** Drops what was not sent; after a chunk went out the connection cannot carry an answer. */
    void discard() {
      if (buf != null) {
        buf.release();
        buf = null;
      }
      if (committed) {
        channel.close();
      }
    }
  }

  /**
   * The statement. The body is the documented JSON, {@code {"sql": "...", "params": [...]}}, with
   * {@code $1}, {@code $2} ... in the statement bound to the parameters (numbers, strings,
   * booleans, null; each as a literal, never as SQL text); or, only when the request says {@code
   * Content-Type: text/plain}, the statement itself. Anything else is refused (400) with what was
   * wrong.
   */
  static String statement(FullHttpRequest request) throws IOException {
    String body = request.content().toString(StandardCharsets.UTF_8);
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (body.isBlank()) {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION,
          "the body is empty: send {\"sql\": \"...\"} (see GET /openapi.json)");
    }
    if (type.regionMatches(true, 0, "text/plain", 0, 10)) {
      return body;
    }
    String sql = null;
    List<String> params = null;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new SqlException(
            SqlException.PROTOCOL_VIOLATION,
            "the body is not a JSON object: send {\"sql\": \"...\"}, or the statement as"
                + " Content-Type: text/plain");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("sql")) {
          if (value != JsonToken.VALUE_STRING) {
            throw new SqlException(SqlException.PROTOCOL_VIOLATION, "\"sql\" must be a string");
          }
          sql = p.getText();
        } else if (field.equals("params")) {
          params = parameters(p, value);
        } else {
          throw new SqlException(
              SqlException.PROTOCOL_VIOLATION,
              "unknown field \"" + field + "\": the body has \"sql\" and \"params\"");
        }
      }
      if (p.nextToken() != null) {
        throw new SqlException(SqlException.PROTOCOL_VIOLATION, "text after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION, "malformed JSON: " + e.getOriginalMessage());
    }
    if (sql == null) {
      throw new SqlException(
          SqlException.PROTOCOL_VIOLATION, "the JSON object has no \"sql\" string");
    }
    return params == null ? sql : bind(sql, params);
  }

  /** The parameters as SQL literals. */
  private static List<String> parameters(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw new SqlException(SqlException.PROTOCOL_VIOLATION, "\"params\" must be an array");
    }
    List<String> out = new java.util.ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      switch (t) {
        case VALUE_NULL -> out.add("NULL");
        case VALUE_TRUE -> out.add("TRUE");
        case VALUE_FALSE -> out.add("FALSE");
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          String n = p.getDecimalValue().toPlainString();
          out.add(n.startsWith("-") ? "(" + n + ")" : n);
        }
        case VALUE_STRING -> out.add("'" + p.getText().replace("'", "''") + "'");
        default ->
            throw new SqlException(
                SqlException.PROTOCOL_VIOLATION,
                "parameter $" + (out.size() + 1) + " must be a number, string, boolean or null");
      }
    }
    return out;
  }

  private static String bind(String sql, List<String> params) {
    return SqlText.substitute(
            sql,
            n -> {
              if (n < 1 || n > params.size()) {
                throw new SqlException(
                    "42P02", "there is no parameter $" + n + " (" + params.size() + " were given)");
              }
              return params.get(n - 1);
            })
        .text();
  }

  private static volatile byte[] openApi;

  /** GET /openapi.json: the OpenAPI 3 description of this endpoint, without credentials. */
  private static FullHttpResponse openApi() {
    byte[] doc = openApi;
    if (doc == null) {
      try (java.io.InputStream in = HttpSqlServer.class.getResourceAsStream("openapi.json")) {
        doc = in.readAllBytes();
      } catch (IOException | NullPointerException e) {
        return error(
            HttpResponseStatus.INTERNAL_SERVER_ERROR,
            SqlException.INTERNAL,
            "the OpenAPI document is missing from the bundle",
            0);
      }
      openApi = doc;
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(doc));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    return response;
  }

  private static void write(JsonGenerator g, QueryResult r, long start, StreamedBody body)
      throws IOException {
    g.writeStartObject();
    if (r.hasRows()) {
      ColumnType[] types = r.types();
      g.writeArrayFieldStart("columns");
      for (int c = 0; c < types.length; c++) {
        g.writeStartObject();
        g.writeStringField("name", r.names().get(c));
        g.writeStringField("type", types[c].sqlName());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("rows");
      SqlException failed = null;
      try {
        for (Batch b = r.next(); b != null; b = r.next()) {
          for (int i = 0; i < b.size; i++) {
            g.writeStartArray();
            for (int c = 0; c < types.length; c++) {
              value(g, types[c], b.cols[c].get(i));
            }
            g.writeEndArray();
          }
        }
      } catch (SqlException e) {
        g.flush();
        if (!body.committed()) {
          body.abort(); // whatever the generator still writes on closing is dropped
          throw e;
        }
        failed = e;
      }
      g.writeEndArray();
      if (failed != null) {
        g.writeObjectFieldStart("error");
        g.writeStringField("code", failed.sqlState());
        g.writeStringField("message", failed.getMessage());
        g.writeEndObject();
        g.writeEndObject();
        return;
      }
    }
    g.writeStringField("tag", r.tag());
    if (r.hasRows()) {
      g.writeNumberField("rowCount", r.rowCount());
    }
    if (!r.notices().isEmpty()) {
      g.writeArrayFieldStart("notices");
      for (String n : r.notices()) {
        g.writeString(n);
      }
      g.writeEndArray();
    }
    double millis = (System.nanoTime() - start) / 1e6;
    g.writeNumberField("elapsedMs", Math.round(millis * 1000) / 1000.0);
    g.writeEndObject();
  }

  /**
   * SMALLINT, INTEGER and floating point as JSON numbers, booleans as booleans; BIGINT, DECIMAL and
   * NUMERIC as JSON strings of their exact digits, always (a JavaScript number holds 53 bits: 2^53
   * + 1 would come back as 2^53); json and jsonb as the JSON value itself; dates, times, uuids and
   * bytea as text.
   */
  private static void value(JsonGenerator g, ColumnType type, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
      return;
    }
    TypeKind k = type.kind();
    if (k == TypeKind.BOOLEAN) {
      g.writeBoolean(((Number) v).longValue() != 0);
    } else if (k == TypeKind.BIGINT) {
      g.writeString(Long.toString(((Number) v).longValue()));
    } else if (k.isIntegral()) {
      g.writeNumber(((Number) v).longValue());
    } else if (k == TypeKind.DECIMAL) {
      g.writeString(type.toBigDecimal(v).toPlainString());
    } else if (k == TypeKind.JSON || k == TypeKind.JSONB) {
      g.writeRawValue((String) v); // a document is checked JSON: the client gets it as one
    } else if (k.isFloating()) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(type.format(v));
      }
    } else {
      g.writeString(type.format(v));
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static FullHttpResponse json(HttpResponseStatus status, Body body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    ByteBuf content = response.content();
    try (OutputStream out = new ByteBufOutputStream(content);
        JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    return response;
  }

  private static FullHttpResponse error(
      HttpResponseStatus status, String code, String message, int position) {
    return json(
        status,
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeStringField("code", code);
          g.writeStringField("message", message);
          if (position > 0) {
            g.writeNumberField("position", position);
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }
}

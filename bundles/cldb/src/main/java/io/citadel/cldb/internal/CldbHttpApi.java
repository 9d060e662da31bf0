package io.citadel.cldb.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.cldb.internal.model.CldbException;
import io.citadel.cldb.internal.model.Heartbeat;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CLDB's HTTP/JSON API, on Netty. Reads answer on every CLDB; writes only on the master, and a
 * slave answers them with 421 and the master's address. Errors are {@code {"error": CODE,
 * "message": ...}}.
 *
 * <pre>
 * GET    /v1/status                      this CLDB's role and the master
 * GET    /v1/volumes                     volumes with their usage
 * POST   /v1/volumes                     {"name", "quota", "minReplicas", "desiredReplicas"}
 * PUT    /v1/volumes/&lt;name&gt;/quota        {"quota"}
 * GET    /v1/containers[?volume=v]
 * POST   /v1/containers                  {"volume", "table", "fragment", "node"}
 * DELETE /v1/containers/&lt;id&gt;
 * GET    /v1/lookup?table=[volume/]t     the open-file flow: table to live replica addresses
 * GET    /v1/nodes
 * GET    /v1/alarms
 * GET    /v1/check-write?volume=v&amp;bytes=n
 * POST   /v1/heartbeat                   a fileserver's heartbeat (master only)
 * </pre>
 */
final class CldbHttpApi implements AutoCloseable {

  /** A heartbeat of a node with a hundred thousand containers is a few MB. */
  private static final int MAX_BODY = 64 << 20;

  private final CldbNode cldb;
  private final ObjectMapper json =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final EventExecutorGroup handlers = new DefaultEventExecutorGroup(4);
  private final Channel channel;

  CldbHttpApi(CldbNode cldb, String address, int port) throws InterruptedException {
    this.cldb = cldb;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(handlers, new Handler());
                  }
                });
    try {
      channel = b.bind(new InetSocketAddress(address, port)).sync().channel();
    } catch (RuntimeException | InterruptedException e) {
      shutdown();
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      HttpResponseStatus status = HttpResponseStatus.OK;
      Object body;
      try {
        body = route(request);
      } catch (CldbException e) {
        status = statusOf(e.code());
        body = error(e.code(), e.getMessage());
      } catch (BadRequest e) {
        status = HttpResponseStatus.BAD_REQUEST;
        body = error(CldbException.INVALID, e.getMessage());
      } catch (RuntimeException e) {
        status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        body = error("INTERNAL", String.valueOf(e));
      }
      byte[] bytes;
      try {
        bytes = json.writeValueAsBytes(body);
      } catch (Exception e) {
        status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        bytes = ("{\"error\":\"INTERNAL\",\"message\":\"" + e + "\"}").getBytes();
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      HttpUtil.setContentLength(response, bytes.length);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // garbage on the socket: drop the connection, the API stays up
    }
  }

  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }

  private Map<String, Object> error(String code, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("error", code);
    e.put("message", message);
    if (CldbException.NOT_MASTER.equals(code) && cldb.master() != null) {
      e.put("master", cldb.master().address());
    }
    return e;
  }

  private static HttpResponseStatus statusOf(String code) {
    return switch (code) {
      case CldbException.INVALID -> HttpResponseStatus.BAD_REQUEST;
      case CldbException.NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
      case CldbException.EXISTS, CldbException.AMBIGUOUS -> HttpResponseStatus.CONFLICT;
      case CldbException.QUOTA_EXCEEDED -> HttpResponseStatus.INSUFFICIENT_STORAGE;
      case CldbException.NOT_MASTER -> HttpResponseStatus.MISDIRECTED_REQUEST;
      default -> HttpResponseStatus.SERVICE_UNAVAILABLE;
    };
  }

  private Object route(FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String[] parts = uri.path().replaceAll("^/+|/+$", "").split("/");
    HttpMethod method = request.method();
    if (parts.length < 2 || !parts[0].equals("v1")) {
      throw new CldbException(CldbException.NOT_FOUND, "no such resource: " + uri.path());
    }
    String resource = parts[1];
    if (!cldb.hasState() && !resource.equals("status")) {
      throw new CldbException(
          "UNAVAILABLE", "this CLDB is starting (" + cldb.detail() + "); ask another");
    }
    var model = cldb.model();
    switch (resource) {
      case "status":
        return cldb.status();
      case "volumes":
        if (method.equals(HttpMethod.GET) && parts.length == 2) {
          return model.volumes().stream().map(v -> volumeView(v)).toList();
        }
        if (method.equals(HttpMethod.POST) && parts.length == 2) {
          JsonNode b = body(request);
          return cldb.createVolume(
              text(b, "name"),
              b.path("quota").asLong(0),
              b.path("minReplicas").asInt(1),
              b.path("desiredReplicas").asInt(Math.max(1, b.path("minReplicas").asInt(1))));
        }
        if (method.equals(HttpMethod.PUT) && parts.length == 4 && parts[3].equals("quota")) {
          return cldb.setQuota(parts[2], body(request).path("quota").asLong(0));
        }
        break;
      case "containers":
        if (method.equals(HttpMethod.GET) && parts.length == 2) {
          return model.containers(param(uri, "volume", null));
        }
        if (method.equals(HttpMethod.POST) && parts.length == 2) {
          JsonNode b = bodyOrArray(request);
          if (b.isArray()) {
            // a table's fragments at once: one write to ZooKeeper for all
            List<CldbNode.ContainerSpec> specs = new java.util.ArrayList<>();
            for (JsonNode c : b) {
              specs.add(
                  new CldbNode.ContainerSpec(
                      text(c, "volume"),
                      text(c, "table"),
                      c.path("fragment").asInt(-1),
                      c.path("node").asText(null)));
            }
            return cldb.createContainers(specs);
          }
          return cldb.createContainer(
              text(b, "volume"),
              text(b, "table"),
              b.path("fragment").asInt(-1),
              b.path("node").asText(null));
        }
        if (method.equals(HttpMethod.DELETE) && parts.length == 3) {
          return Map.of("removed", cldb.removeContainer(number(parts[2], "container id")));
        }
        break;
      case "lookup":
        return model.lookup(required(uri, "table"));
      case "nodes":
        return model.nodes();
      case "alarms":
        return model.alarms();
      case "check-write":
        model.checkWrite(required(uri, "volume"), number(required(uri, "bytes"), "bytes"));
        return Map.of("allowed", true);
      case "heartbeat":
        if (method.equals(HttpMethod.POST)) {
          try {
            return cldb.heartbeat(json.readValue(bytes(request), Heartbeat.class));
          } catch (CldbException e) {
            throw e;
          } catch (Exception e) {
            throw new BadRequest(
                "a heartbeat must be JSON like {\"node\", \"address\","
                    + " \"capacityBytes\", \"usedBytes\", \"containers\": [{\"containerId\","
                    + " \"sizeBytes\"}]}: "
                    + e.getMessage());
          }
        }
        break;
      default:
        break;
    }
    throw new CldbException(
        CldbException.NOT_FOUND, "no such resource: " + method + " " + uri.path());
  }

  private Map<String, Object> volumeView(io.citadel.cldb.internal.model.Volume v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", v.name());
    m.put("quotaBytes", v.quotaBytes());
    m.put("usedBytes", cldb.model().usage(v.name()));
    m.put("minReplicas", v.minReplicas());
    m.put("desiredReplicas", v.desiredReplicas());
    m.put("containers", cldb.model().containers(v.name()).size());
    return m;
  }

  private static byte[] bytes(FullHttpRequest request) {
    return ByteBufUtil.getBytes(request.content());
  }

  private JsonNode bodyOrArray(FullHttpRequest request) {
    try {
      JsonNode node = json.readTree(bytes(request));
      if (node == null || !(node.isObject() || node.isArray())) {
        throw new BadRequest("the body must be a JSON object or an array of them");
      }
      return node;
    } catch (java.io.IOException e) {
      throw new BadRequest("the body is not JSON: " + e.getMessage());
    }
  }

  private JsonNode body(FullHttpRequest request) {
    try {
      JsonNode node = json.readTree(bytes(request));
      if (node == null || !node.isObject()) {
        throw new BadRequest("the body must be a JSON object");
      }
      return node;
    } catch (java.io.IOException e) {
      throw new BadRequest("the body is not JSON: " + e.getMessage());
    }
  }

  private static String text(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new BadRequest("\"" + field + "\" is required, as a string");
    }
    return v.asText();
  }

  private static String param(QueryStringDecoder uri, String name, String fallback) {
    List<String> v = uri.parameters().get(name);
    return v == null || v.isEmpty() ? fallback : v.get(0);
  }

  private static String required(QueryStringDecoder uri, String name) {
    String v = param(uri, name, null);
    if (v == null || v.isBlank()) {
      throw new BadRequest("the query parameter " + name + " is required");
    }
    return v;
  }

  private static long number(String text, String what) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new BadRequest(what + " must be a whole number, got " + text);
    }
  }

  private void shutdown() {
    boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    handlers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5_000);
    shutdown();
  }
}

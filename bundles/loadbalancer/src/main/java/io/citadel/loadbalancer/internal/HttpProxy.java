package io.citadel.loadbalancer.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP side ({@code POST /sql}): each request goes to a server chosen for it, over kept-alive
 * connections pooled per server. A request that cannot reach its server is sent to another (none of
 * it was sent); a read whose connection breaks before any byte of the answer is sent to another as
 * well, never to a server it already failed on; so is a write that carries an {@code
 * Idempotency-Key}, which the group applies once however often it arrives. A write without one that
 * broke on the way is not sent again: the client gets 502 and decides.
 */
final class HttpProxy implements AutoCloseable {
  private static final int MAX_BODY = 64 << 20;
  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Router router;
  private final LbSettings settings;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final Map<String, SimpleChannelPool> pools = new ConcurrentHashMap<>();

  HttpProxy(Router router, LbSettings settings, EventLoopGroup boss, EventLoopGroup workers)
      throws InterruptedException {
    this.router = router;
    this.settings = settings;
    this.workers = workers;
    this.channel =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new Front());
                  }
                })
            .bind(settings.listenAddress(), settings.httpPort())
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  private final class Front extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (request.decoderResult().isFailure()) {
        answer(
            ctx.channel(),
            request.retain(),
            false,
            HttpResponseStatus.BAD_REQUEST,
            "not an HTTP request: " + request.decoderResult().cause().getMessage());
        return;
      }
      String sql = Sql.ofHttpBody(request.content().toString(StandardCharsets.UTF_8));
      // a read may run twice; so may a write whose key the group applies once
      boolean read = Sql.isRead(sql) || !request.headers().get(IDEMPOTENCY_KEY, "").isBlank();
      String key = router.algorithm() == Algorithm.LOCALITY ? Sql.firstTable(sql) : null;
      // Connection is hop-by-hop: the client's choice holds between it and the balancer; the
      // pooled connections to the servers stay open whatever it chose
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      request.headers().remove(HttpHeaderNames.CONNECTION).remove("Keep-Alive");
      HttpUtil.setKeepAlive(request, true);
      forward(ctx.channel(), request.retain(), key, read, new HashSet<>(), keepAlive);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private void forward(
      Channel client,
      FullHttpRequest request,
      String key,
      boolean read,
      Set<Backend> tried,
      boolean keepAlive) {
    Backend b = router.choose(key, tried);
    if (b == null || b.httpAddress().isEmpty()) {
      if (b != null) {
        tried.add(b);
        forward(client, request, key, read, tried, keepAlive);
        return;
      }
      answer(
          client,
          request,
          keepAlive,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no server of the HA group is available"
              + (tried.isEmpty() ? "" : " (tried " + tried + ")"));
      return;
    }
    tried.add(b);
    b.inFlight.incrementAndGet();
    b.requests.increment();
    long start = System.nanoTime();
    SimpleChannelPool pool = pool(b.httpAddress());
    pool.acquire()
        .addListener(
            acquired -> {
              if (!acquired.isSuccess()) {
                // not sent at all: any request may go elsewhere
                b.inFlight.decrementAndGet();
                router.backends().connectionFailed(b, String.valueOf(acquired.cause()));
                b.retriesFrom.increment();
                forward(client, request, key, read, tried, keepAlive);
                return;
              }
              Channel server = (Channel) acquired.getNow();
              Promise<FullHttpResponse> answer = server.eventLoop().newPromise();
              server.pipeline().get(Back.class).expect(answer);
              // a duplicate: the encoder moves its reader index, a retry needs the body whole
              server.writeAndFlush(request.retainedDuplicate());
              answer.addListener(
                  done -> {
                    b.inFlight.decrementAndGet();
                    if (done.isSuccess()) {
                      FullHttpResponse response = answer.getNow();
                      b.latency((System.nanoTime() - start) / 1_000);
                      boolean serverKeeps = HttpUtil.isKeepAlive(response);
                      if (serverKeeps) {
                        pool.release(server);
                      } else {
                        server.close();
                        pool.release(server);
                      }
                      reply(client, keepAlive, response);
                      request.release();
                      return;
                    }
                    server.close();
                    pool.release(server);
                    router.backends().connectionFailed(b, String.valueOf(done.cause()));
                    if (read) {
                      b.retriesFrom.increment();
                      forward(client, request, key, read, tried, keepAlive);
                    } else {
                      answer(
                          client,
                          request,
                          keepAlive,
                          HttpResponseStatus.BAD_GATEWAY,
                          "the connection to "
                              + b.id()
                              + " broke while it ran a statement that changes data; it may or may"
                              + " not have been applied, so it is not sent again");
                    }
                  });
            });
  }

  private SimpleChannelPool pool(String address) {
    return pools.computeIfAbsent(
        address,
        a ->
            new SimpleChannelPool(
                new Bootstrap()
                    .group(workers)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMs())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .remoteAddress(PgProxy.host(a), PgProxy.port(a)),
                new AbstractChannelPoolHandler() {
                  @Override
                  public void channelCreated(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new Back());
                  }
                },
                ChannelHealthChecker.ACTIVE));
  }

  /** A pooled connection's end: hands the answer to the request waiting for it. */
  private static final class Back extends SimpleChannelInboundHandler<FullHttpResponse> {
    private Promise<FullHttpResponse> waiting;

    Back() {
      super(false);
    }

    void expect(Promise<FullHttpResponse> p) {
      waiting = p;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      Promise<FullHttpResponse> p = waiting;
      waiting = null;
      if (p == null || !p.trySuccess(response)) {
        response.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(new java.io.IOException("the server closed the connection before answering"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause);
      ctx.close();
    }

    private void fail(Throwable cause) {
      Promise<FullHttpResponse> p = waiting;
      waiting = null;
      if (p != null) {
        p.tryFailure(cause);
      }
    }
  }

  private static void reply(Channel client, boolean keep, FullHttpResponse response) {
    HttpUtil.setKeepAlive(response, keep);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    var f = client.writeAndFlush(response);
    if (!keep) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static void answer(
      Channel client,
      FullHttpRequest request,
      boolean keepAlive,
      HttpResponseStatus status,
      String message) {
    String text =
        "{\"error\":\""
            + status.code()
            + "\",\"message\":\""
            + message.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\"}";
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    reply(client, keepAlive, r);
    request.release();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5_000);
    pools.values().forEach(SimpleChannelPool::close);
  }
}

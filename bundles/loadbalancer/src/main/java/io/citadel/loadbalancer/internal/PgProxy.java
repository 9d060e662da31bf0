package io.citadel.loadbalancer.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL side: a client's session is proxied whole to one server, chosen when its startup
 * message arrives. The balancer answers SSL and GSS encryption requests with "no" itself, so the
 * startup message is plain and its {@code application_name} can serve as the locality key. A server
 * that cannot be reached is counted failed and the next one is tried; nothing of the session was
 * sent yet. A server that goes down has its sessions closed: there is no in-session recovery, the
 * client reconnects and lands on a live server.
 */
final class PgProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgProxy.class);
  private static final int SSL_REQUEST = 80877103;
  private static final int GSS_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;
  private static final int MAX_STARTUP = 10_000;

  private final Router router;
  private final LbSettings settings;
  private final Channel channel;

  PgProxy(Router router, LbSettings settings, EventLoopGroup boss, EventLoopGroup workers)
      throws InterruptedException {
    this.router = router;
    this.settings = settings;
    this.channel =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new Startup());
                  }
                })
            .bind(settings.listenAddress(), settings.pgPort())
            .sync()
            .channel();
  }

  int port() {
    return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Reads what a client sends before its session: encryption requests, then the startup. */
  private final class Startup extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() < 8) {
        return;
      }
      int length = in.getInt(in.readerIndex());
      if (length < 8 || length > MAX_STARTUP) {
        in.skipBytes(in.readableBytes());
        refuse(ctx.channel(), "08P01", "invalid startup packet length " + length);
        return;
      }
      if (in.readableBytes() < length) {
        return;
      }
      int code = in.getInt(in.readerIndex() + 4);
      if (code == SSL_REQUEST || code == GSS_REQUEST) {
        in.skipBytes(length);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
        return;
      }
      ByteBuf message = in.readRetainedSlice(length);
      ctx.channel().config().setAutoRead(false);
      ctx.pipeline().remove(this);
      if (code == CANCEL_REQUEST) {
        cancelEverywhere(message);
        ctx.close();
        return;
      }
      String key = router.algorithm() == Algorithm.LOCALITY ? applicationName(message) : null;
      connect(ctx.channel(), message, key, new HashSet<>());
    }
  }

  /** The startup's application_name, or null. */
  private static String applicationName(ByteBuf startup) {
    int i = startup.readerIndex() + 8;
    int end = startup.writerIndex();
    String name = null;
    while (i < end) {
      int keyEnd = startup.indexOf(i, end, (byte) 0);
      if (keyEnd <= i) {
        break;
      }
      int valueEnd = startup.indexOf(keyEnd + 1, end, (byte) 0);
      if (valueEnd < 0) {
        break;
      }
      String k = startup.toString(i, keyEnd - i, StandardCharsets.UTF_8);
      if (k.equals("application_name")) {
        name = startup.toString(keyEnd + 1, valueEnd - keyEnd - 1, StandardCharsets.UTF_8);
      }
      i = valueEnd + 1;
    }
    return name == null || name.isEmpty() ? null : name;
  }

  /** A cancel names a session by its key only: every server gets it, the one that has it acts. */
  private void cancelEverywhere(ByteBuf cancel) {
    for (Backend b : router.backends().all()) {
      ByteBuf copy = cancel.retainedDuplicate();
      bootstrap(cancelTarget -> new ChannelInboundHandlerAdapter(), null)
          .connect(host(b.pgAddress()), port(b.pgAddress()))
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      f.channel().writeAndFlush(copy).addListener(ChannelFutureListener.CLOSE);
                    } else {
                      copy.release();
                    }
                  });
    }
    cancel.release();
  }

  private Bootstrap bootstrap(
      java.util.function.Function<Channel, io.netty.channel.ChannelHandler> handler,
      Channel client) {
    return new Bootstrap()
        .group(client == null ? channel.eventLoop() : client.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMs())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.AUTO_READ, true)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(handler.apply(ch));
              }
            });
  }

  private void connect(Channel client, ByteBuf startup, String key, Set<Backend> tried) {
    Backend b = router.choose(key, tried);
    if (b == null) {
      startup.release();
      refuse(
          client,
          "08006",
          "no server of the HA group is available"
              + (tried.isEmpty() ? "" : " (tried " + tried + ")"));
      return;
    }
    tried.add(b);
    bootstrap(server -> new Relay(client), client)
        .connect(host(b.pgAddress()), port(b.pgAddress()))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    router.backends().connectionFailed(b, String.valueOf(f.cause()));
                    b.retriesFrom.increment();
                    connect(client, startup, key, tried);
                    return;
                  }
                  Channel server = f.channel();
                  if (!client.isActive()) {
                    startup.release();
                    server.close();
                    return;
                  }
                  b.sessions.incrementAndGet();
                  b.sessionsTotal.increment();
                  b.clientChannels.add(client);
                  client
                      .closeFuture()
                      .addListener(
                          c -> {
                            b.sessions.decrementAndGet();
                            b.clientChannels.remove(client);
                            closeOnFlush(server);
                          });
                  client.pipeline().addLast(new Relay(server));
                  server.writeAndFlush(startup);
                  client.config().setAutoRead(true);
                });
  }

  /** Bytes one way; closes the other side when this one closes; reads only as fast as it writes. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel other;

    Relay(Channel other) {
      this.other = other;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      other
          .writeAndFlush(msg)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      ctx.channel().close();
                      f.channel().close();
                    }
                  });
      if (!other.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        other.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeOnFlush(other);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("Load balancer: a PostgreSQL session ends: {}", cause.toString());
      ctx.close();
    }
  }

  private static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** A FATAL ErrorResponse the client's driver shows, then the connection closes. */
  static void refuse(Channel client, String sqlState, String message) {
    byte[] s = "FATAL".getBytes(StandardCharsets.UTF_8);
    byte[] c = sqlState.getBytes(StandardCharsets.UTF_8);
    byte[] m = ("Citadel load balancer: " + message).getBytes(StandardCharsets.UTF_8);
    ByteBuf b = Unpooled.buffer();
    b.writeByte('E');
    int lengthAt = b.writerIndex();
    b.writeInt(0);
    b.writeByte('S').writeBytes(s).writeByte(0);
    b.writeByte('V').writeBytes(s).writeByte(0);
    b.writeByte('C').writeBytes(c).writeByte(0);
    b.writeByte('M').writeBytes(m).writeByte(0);
    b.writeByte(0);
    b.setInt(lengthAt, b.writerIndex() - lengthAt);
    client.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
  }

  static String host(String address) {
    return address.substring(0, address.lastIndexOf(':'));
  }

  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5_000);
  }
}

package io.sluice.bench.floor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * {@link FloorProxy}'s event-loop model: one thread and one selector for every channel, as nginx's worker.
 * Every channel stays registered for reading (a client is only readable when it sends its next request,
 * a backend when it answers), so no request changes the selector's interest set: no epoll_ctl per request.
 */
final class EventLoopFloor {

    /** A client connection, its backend connections, and the answer it waits for. */
    private static final class Exchange {
        final SocketChannel client;
        final SocketChannel[] upstreams;
        final ByteBuffer request = ByteBuffer.allocateDirect(FloorProxy.BUFFER);
        final ByteBuffer answer = ByteBuffer.allocateDirect(FloorProxy.BUFFER);
        int requests;
        int answerLength = -1;
        SocketChannel awaited;

        Exchange(SocketChannel client, int backends) {
            this.client = client;
            this.upstreams = new SocketChannel[backends];
        }

        void close() {
            closeQuietly(client);
            for (SocketChannel upstream : upstreams) {
                closeQuietly(upstream);
            }
        }
    }

    private EventLoopFloor() {
    }

    static void serve(InetSocketAddress listen, InetSocketAddress[] backends) throws IOException {
        try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(listen, 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (true) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue; // its exchange was closed by an earlier key of this round
                    }
                    if (key.isAcceptable()) {
                        accept(server, selector, backends.length);
                        continue;
                    }
                    Exchange exchange = (Exchange) key.attachment();
                    try {
                        if (key.channel() == exchange.client) {
                            onRequestBytes(exchange, selector, backends);
                        } else {
                            onAnswerBytes(exchange, (SocketChannel) key.channel());
                        }
                    } catch (IOException e) {
                        exchange.close(); // the client or a backend went away: so does the connection
                    }
                }
            }
        }
    }

    private static void accept(ServerSocketChannel server, Selector selector, int backends) throws IOException {
        SocketChannel client = server.accept();
        if (client != null) {
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.register(selector, SelectionKey.OP_READ, new Exchange(client, backends));
        }
    }

    private static void onRequestBytes(Exchange exchange, Selector selector, InetSocketAddress[] backends)
            throws IOException {
        if (exchange.client.read(exchange.request) < 0) {
            throw new IOException("client closed");
        }
        int head = FloorProxy.headEnd(exchange.request, exchange.request.position());
        if (head < 0) {
            return;
        }
        int backend = FloorProxy.backendFor(exchange.requests++);
        if (exchange.upstreams[backend] == null) {
            // a blocking connect, once per backend and client connection, before the first request
            SocketChannel upstream = SocketChannel.open(backends[backend]);
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            upstream.configureBlocking(false);
            upstream.register(selector, SelectionKey.OP_READ, exchange);
            exchange.upstreams[backend] = upstream;
        }
        exchange.request.flip();
        writeFully(exchange.upstreams[backend], exchange.request);
        exchange.request.clear();
        exchange.awaited = exchange.upstreams[backend];
    }

    private static void onAnswerBytes(Exchange exchange, SocketChannel upstream) throws IOException {
        if (upstream != exchange.awaited || upstream.read(exchange.answer) < 0) {
            throw new IOException("a backend closed or spoke out of turn");
        }
        if (exchange.answerLength < 0) {
            int head = FloorProxy.headEnd(exchange.answer, exchange.answer.position());
            if (head < 0) {
                return;
            }
            exchange.answerLength = head + FloorProxy.contentLength(exchange.answer, head);
        }
        if (exchange.answer.position() < exchange.answerLength) {
            return;
        }
        exchange.answer.flip();
        writeFully(exchange.client, exchange.answer);
        exchange.answer.clear();
        exchange.answerLength = -1;
        exchange.awaited = null;
    }

    /** Small writes to loopback sockets: the kernel takes them whole; spin in the rare case it does not. */
    private static void writeFully(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}

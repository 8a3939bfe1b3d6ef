package io.sluice.gateway.accesslog;

import io.sluice.gateway.proxy.Exchange;
import io.sluice.gateway.proxy.ExchangeObserver;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One line per request, written by a thread of its own. A request only puts its {@link Exchange} on a
 * lock-free queue (formatting and I/O happen on the writer), so requests never contend on a lock or
 * wait for the disk. The writer drains the queue every {@link #FLUSH_INTERVAL} (Envoy flushes its
 * access logs on an interval too): waking it for every request cost a futex call per request and a
 * write of a line or two each time. A backlog of {@value #WAKE_AT} lines wakes it early; when it falls
 * {@value #CAPACITY} lines behind, further lines are dropped and counted rather than slowing traffic
 * down. {@link #close()} writes whatever is queued.
 */
public final class AccessLog implements ExchangeObserver, AutoCloseable {

    static final int CAPACITY = 65_536;
    static final int WAKE_AT = CAPACITY / 4;
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private final AccessLogFormat format;
    private final OutputStream out;
    private final ConcurrentLinkedQueue<Exchange> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final Thread writer;
    private volatile boolean idle;
    private volatile boolean closed;

    public AccessLog(AccessLogFormat format, OutputStream out) {
        this.format = format;
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.writer = Thread.ofPlatform().name("sluice-access-log").daemon().start(this::drain);
    }

    /** Istio's default: lines on standard output. */
    public static AccessLog stdout(AccessLogFormat format) {
        return new AccessLog(format, new FileOutputStream(FileDescriptor.out));
    }

    @Override
    public void completed(Exchange exchange) {
        int backlog = queued.incrementAndGet();
        if (backlog > CAPACITY) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.offer(exchange);
        if (backlog >= WAKE_AT && idle) {
            LockSupport.unpark(writer);
        }
    }

    public long dropped() {
        return dropped.sum();
    }

    public long written() {
        return written.sum();
    }

    private void drain() {
        StringBuilder sb = new StringBuilder(64 * 1024);
        while (true) {
            Exchange e = queue.poll();
            if (e == null) {
                flush(sb);
                if (closed) {
                    return;
                }
                idle = true;
                if (queued.get() < WAKE_AT && !closed) {
                    LockSupport.parkNanos(FLUSH_INTERVAL.toNanos());
                }
                idle = false;
                continue;
            }
            queued.decrementAndGet();
            format.append(sb, e);
            written.increment();
            if (sb.length() > 32 * 1024) {
                write(sb);
            }
        }
    }

    private void write(StringBuilder sb) {
        try {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sb.setLength(0);
        }
    }

    private void flush(StringBuilder sb) {
        if (sb.length() > 0) {
            write(sb);
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

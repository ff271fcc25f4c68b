package io.xaichat.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP file server on 127.0.0.1 that answers {@code Range: bytes=N-} requests the way real servers do
 * (206 with Content-Range, 416 past the end) and records every request's Range header and the bytes it sent.
 */
final class LocalFileServer implements AutoCloseable {

    private static final Pattern OPEN_RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    private final AtomicLong bodyBytesSent = new AtomicLong();
    private volatile boolean honourRanges = true;

    LocalFileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The server's origin, e.g. {@code http://127.0.0.1:41234}. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void serve(String path, byte[] content) {
        files.put(path, content);
    }

    /** Answers {@code from} with a 302 to {@code to}. */
    void redirect(String from, String to) {
        redirects.put(from, to);
    }

    /** Makes the server ignore Range headers and always answer 200 with the whole file, as some servers do. */
    void ignoreRanges() {
        honourRanges = false;
    }

    /** The Range header of each request in order; "none" for requests without one. */
    List<String> rangeHeaders() {
        return List.copyOf(rangeHeaders);
    }

    long bodyBytesSent() {
        return bodyBytesSent.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String range = exchange.getRequestHeaders().getFirst("Range");
            rangeHeaders.add(range == null ? "none" : range);
            if (redirects.containsKey(path)) {
                exchange.getResponseHeaders().set("Location", redirects.get(path));
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            byte[] content = files.get(path);
            if (content == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Matcher m = range == null ? null : OPEN_RANGE.matcher(range);
            if (!honourRanges || m == null || !m.matches()) {
                send(exchange, 200, content, 0);
                return;
            }
            int from = Integer.parseInt(m.group(1));
            if (from >= content.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range",
                    "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            send(exchange, 206, content, from);
        }
    }

    private void send(HttpExchange exchange, int status, byte[] content, int from) throws IOException {
        int length = content.length - from;
        exchange.sendResponseHeaders(status, length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(content, from, length);
        }
        bodyBytesSent.addAndGet(length);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

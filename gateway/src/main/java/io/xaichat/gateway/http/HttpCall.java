package io.xaichat.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaichat.schema.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One HTTP request and its response, for handlers that work in blocking style on a Jetty pool thread: a body read
 * within a size limit, JSON or raw answers, and a server-sent event stream.
 */
public final class HttpCall {
    /** Duplicate keys are refused: which one a JSON parser keeps differs between parsers. */
    private static final ObjectMapper STRICT = Json.MAPPER.copy()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Map<String, String> pathParams;
    private final String tenant;
    private int status;
    private boolean answered;
    private OutputStream stream;

    HttpCall(Request request, Response response, Callback callback, Map<String, String> pathParams, String tenant) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.pathParams = pathParams;
        this.tenant = tenant;
    }

    public Request request() {
        return request;
    }

    /** The tenant of the API key the request came with. */
    public String tenant() {
        return tenant;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        Fields.Field f = Request.extractQueryParameters(request).get(name);
        return f == null ? null : f.getValue();
    }

    public String header(HttpHeader name) {
        return request.getHeaders().get(name);
    }

    /** The whole body, at most {@code limit} bytes (413 beyond). */
    public byte[] body(long limit, String option) throws IOException {
        long declared = request.getLength();
        if (declared > limit) throw ApiError.tooLarge(limit, option);
        try (InputStream in = Content.Source.asInputStream(request)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (total > limit) throw ApiError.tooLarge(limit, option);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** The body as a JSON object. */
    public JsonNode json(long limit, String option) throws IOException {
        byte[] bytes = body(limit, option);
        JsonNode tree;
        try {
            tree = STRICT.readTree(bytes);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
            throw ApiError.invalid(null, "invalid_json", "We could not parse the JSON body of your request: " + msg);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.invalid(null, "invalid_json", "The request body must be a JSON object.");
        }
        return tree;
    }

    public void json(int code, Object body) {
        bytes(code, "application/json", Json.toBytes(body));
    }

    public void bytes(int code, String contentType, byte[] body) {
        if (answered) throw new IllegalStateException("response already sent");
        answered = true;
        status = code;
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    public void error(ApiError error) {
        if (stream != null) {
            // Headers are gone: the error becomes the stream's last event, as OpenAI's streams do.
            event(Json.toString(error.body()));
            endStream();
            return;
        }
        json(error.status(), error.body());
    }

    /** Starts a {@code text/event-stream} response (200). */
    public void startStream() {
        if (answered) throw new IllegalStateException("response already sent");
        answered = true;
        status = 200;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Accel-Buffering", "no");
        stream = Content.Sink.asOutputStream(response);
    }

    /** Writes one {@code data: ...} event and flushes it to the client. */
    public void event(String data) {
        try {
            stream.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            stream.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    public void endStream() {
        try {
            stream.close();
            callback.succeeded();
        } catch (IOException e) {
            callback.failed(e);
        }
        stream = null;
    }

    boolean answered() {
        return answered;
    }

    boolean streaming() {
        return stream != null;
    }

    int status() {
        return status;
    }

    void fail(Throwable t) {
        callback.failed(t);
    }

    /** The client closed the connection while a stream was written. */
    public static final class ClientGoneException extends RuntimeException {
        ClientGoneException(IOException cause) {
            super("client disconnected: " + cause.getMessage(), cause);
        }
    }
}

package io.xaichat.gateway.http;

import io.xaichat.gateway.auth.ApiKeys;
import io.xaichat.gateway.metrics.GatewayMetrics;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one Jetty handler: routes the request, checks its API key (except on the open routes), runs the
 * handler on this pool thread (handlers block while a job is computed), answers errors in OpenAI's shape and
 * records the request in the metrics.
 */
public final class ApiHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final Routes routes;
    private final ApiKeys keys;
    private final GatewayMetrics metrics;

    public ApiHandler(Routes routes, ApiKeys keys, GatewayMetrics metrics) {
        super(InvocationType.BLOCKING);
        this.routes = routes;
        this.keys = keys;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String route = "unmatched";
        HttpCall call = new HttpCall(request, response, callback, Map.of(), null);
        try {
            Routes.Match match = routes.match(request.getMethod(), Request.getPathInContext(request));
            route = match.route().name();
            String tenant = null;
            if (!match.route().open()) {
                Optional<String> t = keys.tenant(request.getHeaders().get(HttpHeader.AUTHORIZATION));
                if (t.isEmpty()) throw ApiError.unauthorized();
                tenant = t.get();
            }
            call = new HttpCall(request, response, callback, match.params(), tenant);
            match.route().handler().handle(call);
            if (!call.answered()) throw new IllegalStateException("handler of " + route + " sent no response");
        } catch (ApiError e) {
            answer(call, e);
        } catch (HttpCall.ClientGoneException e) {
            log.debug("{}: {}", route, e.getMessage());
            call.fail(e);
        } catch (Exception e) {
            log.warn("{} failed", route, e);
            answer(call, new ApiError(500, "server_error", null, "internal_error",
                    "The gateway failed to handle the request: " + e.getMessage()));
        } finally {
            metrics.request(route, call.status() == 0 ? 500 : call.status(), System.nanoTime() - start);
        }
        return true;
    }

    private static void answer(HttpCall call, ApiError e) {
        if (call.answered() && !call.streaming()) {
            log.warn("error after the response was sent: {}", e.getMessage());
            return;
        }
        try {
            call.error(e);
        } catch (RuntimeException failed) {
            call.fail(failed);
        }
    }
}

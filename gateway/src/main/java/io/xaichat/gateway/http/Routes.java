package io.xaichat.gateway.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API's routes: method + path template ({@code /v1/files/{id}/content}) → handler, matched in order. */
public final class Routes {

    /** Handles one matched request; throws {@link ApiError} for an answer in OpenAI's error shape. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpCall call) throws Exception;
    }

    /** @param name the route's label in metrics (its template) @param open served without an API key */
    record Route(String method, Pattern pattern, List<String> params, String name, boolean open, Handler handler) {}

    record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String template, Handler handler) {
        return add("GET", template, false, handler);
    }

    public Routes post(String template, Handler handler) {
        return add("POST", template, false, handler);
    }

    public Routes delete(String template, Handler handler) {
        return add("DELETE", template, false, handler);
    }

    /** A GET route that needs no API key (health checks and metrics). */
    public Routes open(String template, Handler handler) {
        return add("GET", template, true, handler);
    }

    private Routes add(String method, String template, boolean open, Handler handler) {
        List<String> params = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([a-z_]+)}").matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            params.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        routes.add(new Route(method, Pattern.compile(regex.toString()), params, template, open, handler));
        return this;
    }

    /**
     * The route for a request. HEAD is answered as GET.
     *
     * @throws ApiError 404 for an unknown path, 405 for a known path with another method
     */
    Match match(String method, String path) {
        String m = method.equals("HEAD") ? "GET" : method;
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher matcher = r.pattern().matcher(path);
            if (!matcher.matches()) continue;
            pathKnown = true;
            if (!r.method().equals(m)) continue;
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < r.params().size(); i++) params.put(r.params().get(i), matcher.group(i + 1));
            return new Match(r, params);
        }
        if (pathKnown) {
            throw new ApiError(405, "invalid_request_error", null, "method_not_allowed",
                    "Method " + method + " is not allowed on " + path + ".");
        }
        throw new ApiError(404, "invalid_request_error", null, "unknown_url", "Unknown request URL: " + method + " "
                + path + ".");
    }
}

package io.xaichat.gateway.models;

import io.xaichat.gateway.http.ApiError;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.config.ConfigException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models the workers serve, one per kind, and other names for them. A request's {@code model} is a served model
 * id, an alias, or {@code default} (the default model of the request's kind); anything else is an OpenAI-style 404
 * naming the served ones.
 */
public final class ModelCatalog {
    /** The worker's default model ids (WorkerSettings). */
    public static final String DEFAULT_MODELS =
            "chat=qwen2.5-1.5b-instruct-q4_k_m,vision=qwen2-vl-2b-instruct,image=lcm-dreamshaper-v7";
    public static final String DEFAULT = "default";

    private final Map<JobKind, String> served;
    private final Map<String, String> aliases;

    public ModelCatalog(Map<JobKind, String> served, Map<String, String> aliases) {
        this.served = Map.copyOf(served);
        this.aliases = Map.copyOf(aliases);
    }

    /** @param models {@code kind=id,...}; @param aliasSpec {@code alias=id|default,...} */
    public static ModelCatalog parse(String models, String aliasSpec) {
        List<String> problems = new ArrayList<>();
        Map<JobKind, String> served = new EnumMap<>(JobKind.class);
        for (Map.Entry<String, String> e : pairs(models, "--models/XAICHAT_GATEWAY_MODELS", problems).entrySet()) {
            try {
                served.put(JobKind.fromWire(e.getKey()), e.getValue());
            } catch (IllegalArgumentException ex) {
                problems.add("--models/XAICHAT_GATEWAY_MODELS: " + ex.getMessage());
            }
        }
        if (served.isEmpty()) problems.add("--models/XAICHAT_GATEWAY_MODELS names no model (e.g. chat=my-model)");
        Map<String, String> aliases = pairs(aliasSpec, "--model-aliases/XAICHAT_GATEWAY_MODEL_ALIASES", problems);
        aliases.forEach((alias, target) -> {
            if (!target.equals(DEFAULT) && !served.containsValue(target)) {
                problems.add("--model-aliases/XAICHAT_GATEWAY_MODEL_ALIASES: alias '" + alias + "' names '" + target
                        + "', which is not a served model " + served.values() + " nor 'default'");
            }
        });
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new ModelCatalog(served, aliases);
    }

    private static Map<String, String> pairs(String spec, String option, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null) return out;
        for (String entry : spec.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                problems.add(option + ": '" + e + "' is not NAME=VALUE");
                continue;
            }
            out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
        }
        return out;
    }

    /** Served model ids, by kind. */
    public Map<JobKind, String> served() {
        return served;
    }

    /**
     * The model id to put in a job of {@code kind} for the request's {@code model}: null for the kind's default (any
     * worker of the kind answers), else a served id.
     *
     * @throws ApiError 404 model_not_found for an unknown name, 400 for a model of another kind
     */
    public String resolve(String requested, JobKind kind) {
        if (requested == null || requested.isBlank()) {
            throw ApiError.invalid("model", "missing_model", "you must provide a model parameter (one of "
                    + names() + ")");
        }
        String name = aliases.getOrDefault(requested, requested);
        if (name.equals(DEFAULT)) {
            if (!served.containsKey(kind)) throw notServed(kind);
            return null;
        }
        for (Map.Entry<JobKind, String> e : served.entrySet()) {
            if (!e.getValue().equals(name)) continue;
            if (e.getKey() != kind) {
                throw ApiError.invalid("model", "model_kind_mismatch", "the model '" + requested + "' serves "
                        + e.getKey().wireName() + " requests; this is a " + kind.wireName() + " request"
                        + (served.containsKey(kind) ? " (use '" + served.get(kind) + "' or 'default')" : ""));
            }
            return name;
        }
        throw new ApiError(404, "invalid_request_error", "model", "model_not_found", "The model '" + requested
                + "' does not exist or is not served here; served models: " + names());
    }

    private ApiError notServed(JobKind kind) {
        return new ApiError(404, "invalid_request_error", "model", "model_not_found", "no " + kind.wireName()
                + " model is served here; served models: " + names());
    }

    /**
     * Every name a request of {@code kind} may use (the served id, {@code default}, aliases of either) → the served
     * id: the bulk runner's {@code --model-map} for batch lines, so they resolve as HTTP requests do.
     */
    public Map<String, String> modelMap(JobKind kind) {
        String id = served.get(kind);
        if (id == null) return Map.of();
        Map<String, String> map = new java.util.HashMap<>();
        map.put(DEFAULT, id);
        map.put(id, id);
        aliases.forEach((alias, target) -> {
            if (target.equals(DEFAULT) || target.equals(id)) map.put(alias, id);
        });
        return map;
    }

    /** Every name a request may use. */
    public List<String> names() {
        List<String> names = new ArrayList<>(served.values());
        names.addAll(aliases.keySet());
        names.add(DEFAULT);
        return names;
    }
}

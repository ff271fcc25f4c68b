package io.xaichat.gateway.models;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.http.HttpCall;
import io.xaichat.schema.Json;
import java.time.Instant;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the served models, OpenAI's {@code model} objects. */
public final class ModelsApi {
    private final ModelCatalog catalog;
    private final long created = Instant.now().getEpochSecond();

    public ModelsApi(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public void list(HttpCall call) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        catalog.served().forEach((kind, id) -> data.add(model(id, kind.wireName())));
        call.json(200, body);
    }

    public void get(HttpCall call) {
        String id = call.path("id");
        catalog.served().forEach((kind, served) -> {
            if (served.equals(id)) call.json(200, model(id, kind.wireName()));
        });
        if (!catalogHas(id)) throw new ApiError(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + id + "' does not exist or is not served here; served models: " + catalog.names());
    }

    private boolean catalogHas(String id) {
        return catalog.served().containsValue(id);
    }

    private ObjectNode model(String id, String kind) {
        return Json.MAPPER.createObjectNode().put("id", id).put("object", "model").put("created", created)
                .put("owned_by", "xaichat").put("kind", kind);
    }
}

package io.xaichat.bulk;

import io.xaichat.client.WorkerAdverts;
import io.xaichat.models.ModelManifest;
import io.xaichat.models.ModelSpec;
import io.xaichat.schema.JobKind;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps the model an OpenAI line names ({@code body.model}, e.g. {@code gpt-4o-mini}) to a worker model, in this order:
 * an explicit {@code --model-map NAME=MODEL} (or its {@code *=MODEL} default), a model the workers advertise, a
 * manifest model's id or alias. A name none of these knows is answered by the workers' model with a warning — or,
 * with {@code honorModel}, passed on as is (a worker serving another model answers model_mismatch).
 */
final class ModelResolver {
    static final String ANY = "*";

    /** @param model the job's model, null for the workers' own; @param warning null when nothing was substituted */
    record Resolution(String model, LineWarning warning) {}

    private final Map<String, String> explicit;
    private final ModelManifest manifest;
    private final WorkerAdverts adverts;
    private final boolean honorModel;

    ModelResolver(Map<String, String> explicit, ModelManifest manifest, WorkerAdverts adverts, boolean honorModel) {
        this.explicit = Map.copyOf(explicit);
        this.manifest = manifest;
        this.adverts = adverts;
        this.honorModel = honorModel;
    }

    static ModelResolver passThrough() {
        return new ModelResolver(Map.of(), null, WorkerAdverts.none(), true);
    }

    /** @throws LineException when the model maps to one that no advertising worker serves */
    Resolution resolve(String customId, JobKind kind, String requested) throws LineException {
        if (requested == null) return new Resolution(null, null);
        Set<String> served = adverts.models(kind);
        String target = explicit.get(requested);
        if (target == null && served.contains(requested)) target = requested;
        if (target == null) target = fromManifest(kind, requested).orElse(null);
        if (target == null) target = explicit.get(ANY);
        if (target == null && honorModel) target = requested;
        if (target == null) {
            return new Resolution(null, new LineWarning("model_substituted", "body.model",
                    "model '" + requested + "' is not known here; the workers' model answered (map it with "
                            + "--model-map " + requested + "=MODEL)"));
        }
        if (!served.isEmpty() && !served.contains(target)) {
            throw new LineException(customId, BulkLineParser.MODEL_NOT_SERVED, "body.model '" + requested + "'"
                    + (target.equals(requested) ? "" : " (mapped to '" + target + "')") + " is not served by any worker"
                    + " (served: " + String.join(", ", served) + "); map it with --model-map " + requested + "=MODEL");
        }
        return new Resolution(target, null);
    }

    private Optional<String> fromManifest(JobKind kind, String requested) {
        if (manifest == null) return Optional.empty();
        return manifest.models().stream().filter(m -> m.kind() == kind && m.answersTo(requested))
                .sorted(Comparator.comparing((ModelSpec m) -> !m.isDefault())) // the default variant first
                .map(ModelSpec::workerModelId).findFirst();
    }
}

package io.xaichat.worker.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The models directory that default model paths live under (where {@code xaichat models pull} puts them). */
public final class ModelsLocation {
    @Option(names = "--models-dir", defaultValue = "${env:XAICHAT_MODELS_DIR:-models}",
            description = "Directory of model files (xaichat models pull writes here). Env XAICHAT_MODELS_DIR. Default: ${DEFAULT-VALUE}.")
    Path modelsDir;

    public Path dir() {
        return modelsDir;
    }

    /** {@code explicit} when given, else {@code relative} under the models directory. */
    Path resolve(Path explicit, String relative) {
        return explicit != null ? explicit : modelsDir.resolve(relative);
    }
}

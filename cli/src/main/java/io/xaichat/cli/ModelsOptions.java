package io.xaichat.cli;

import io.xaichat.models.ModelManifest;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the {@code models} subcommands: where models live, which manifest, which server. */
final class ModelsOptions {

    @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "${env:XAICHAT_MODELS_DIR:-models}",
            description = "Directory holding the model files (env XAICHAT_MODELS_DIR; default: ${DEFAULT-VALUE}).")
    Path modelsDir;

    @Option(names = "--manifest", paramLabel = "FILE", defaultValue = "${env:XAICHAT_MANIFEST}",
            description = "Model manifest to use instead of the packaged one (env XAICHAT_MANIFEST).")
    Path manifest;

    @Option(names = "--base-url", paramLabel = "URL", defaultValue = "${env:XAICHAT_MODELS_BASE_URL}",
            description = "Download from this mirror instead of the manifest's host: the URL's path is appended to "
                    + "it, e.g. https://hf-mirror.com (env XAICHAT_MODELS_BASE_URL).")
    URI baseUrl;

    ModelManifest loadManifest() {
        return ModelManifest.load(manifest);
    }
}

package io.xaichat.cli;

import io.xaichat.models.ModelManifest;
import io.xaichat.models.ModelSpec;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code [KIND] [--variant NAME]} arguments that {@code models pull} and {@code models check} share. */
final class ModelSelection {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", defaultValue = "all",
            description = "chat, vision, image or all (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--variant", paramLabel = "NAME",
            description = "A variant instead of the kind's default, e.g. q8_0 for chat or int8 for vision "
                    + "(see `xaichat models list`). Needs a single KIND.")
    String variant;

    /** The models these arguments name; bad arguments become usage errors. */
    List<ModelSpec> select(CommandSpec spec, ModelManifest manifest) {
        return ModelsCommands.select(spec, manifest, kind, variant);
    }
}

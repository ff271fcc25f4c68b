package io.xaichat.cli;

import io.xaichat.models.ModelManifest;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Helpers the {@code models} subcommands share. */
final class ModelsCommands {

    private ModelsCommands() {
    }

    /** Loads the manifest, turning a bad or missing one into a usage error that names the problem. */
    static ModelManifest manifest(CommandSpec spec, ModelsOptions options) {
        try {
            return options.loadManifest();
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}

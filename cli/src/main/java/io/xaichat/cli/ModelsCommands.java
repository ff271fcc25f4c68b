package io.xaichat.cli;

import io.xaichat.models.ModelManifest;
import io.xaichat.models.ModelSpec;
import io.xaichat.schema.JobKind;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
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

    /**
     * The models a {@code KIND [--variant NAME]} argument names: every default for {@code all}, else the kind's
     * default or the named variant; bad arguments become usage errors.
     */
    static List<ModelSpec> select(CommandSpec spec, ModelManifest manifest, String kind, String variant) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.equals("all")) {
            if (variant != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--variant needs a single KIND (chat, vision or image), not 'all'");
            }
            return manifest.defaults();
        }
        JobKind jobKind;
        try {
            jobKind = JobKind.fromWire(k);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown KIND '" + kind + "' (expected chat, vision, image or all)");
        }
        try {
            return List.of(manifest.select(jobKind, variant));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}

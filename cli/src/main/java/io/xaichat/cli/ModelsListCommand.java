package io.xaichat.cli;

import io.xaichat.models.LocalFileCheck;
import io.xaichat.models.ModelFile;
import io.xaichat.models.ModelManifest;
import io.xaichat.models.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xaichat models list}: every manifest file and its state in the models directory. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List every model file in the manifest with its state in the models directory.",
                "STATE is present, partial (an interrupted download, resumed by `pull`) or missing. VERIFIED is "
                        + "'sha256 ok' or 'SHA256 MISMATCH' with --verify, else 'size ok', 'SIZE MISMATCH' or "
                        + "'no digest' (the manifest has no SHA-256 for the file).",
                "A '*' after the model marks the default variant of its kind."})
public final class ModelsListCommand implements Callable<Integer> {

    private static final String ROW = "%-7s %-34s %-66s %10s  %-9s %s%n";

    @Spec
    CommandSpec spec;

    @Mixin
    ModelsOptions options;

    @Option(names = "--verify", description = "Compute the SHA-256 of every present file (slow for large files).")
    boolean verify;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ModelManifest manifest = ModelsCommands.manifest(spec, options);
        out.println("Models directory: " + options.modelsDir.toAbsolutePath());
        out.printf(ROW, "KIND", "MODEL", "PATH", "SIZE", "STATE", "VERIFIED");
        for (ModelSpec model : manifest.models()) {
            for (ModelFile file : model.files()) {
                LocalFileCheck.Result r = LocalFileCheck.check(file, options.modelsDir, verify);
                out.printf(ROW, model.kind().wireName(), model.displayName() + (model.isDefault() ? " *" : ""),
                        file.path(), file.hasSize() ? Sizes.human(file.size()) : "?", state(r), verified(r));
            }
        }
        out.flush();
        return 0;
    }

    private static String state(LocalFileCheck.Result r) {
        return switch (r.state()) {
            case PRESENT -> "present";
            case PARTIAL -> "partial";
            case MISSING -> "missing";
        };
    }

    private static String verified(LocalFileCheck.Result r) {
        return switch (r.verification()) {
            case DIGEST_OK -> "sha256 ok";
            case DIGEST_MISMATCH -> "SHA256 MISMATCH";
            case SIZE_OK -> r.file().hasDigest() ? "size ok" : "size ok, no digest";
            case SIZE_MISMATCH -> "SIZE MISMATCH (" + Sizes.human(r.bytesOnDisk()) + ")";
            case NO_REFERENCE -> "no digest";
            case NOT_APPLICABLE -> r.state() == LocalFileCheck.State.PARTIAL
                    ? Sizes.human(r.bytesOnDisk()) + " so far" : "-";
        };
    }
}

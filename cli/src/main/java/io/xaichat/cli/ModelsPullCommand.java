package io.xaichat.cli;

import io.xaichat.models.DownloadProgress;
import io.xaichat.models.ModelDownloadException;
import io.xaichat.models.ModelDownloader;
import io.xaichat.models.ModelFile;
import io.xaichat.models.ModelManifest;
import io.xaichat.models.ModelPaths;
import io.xaichat.models.ModelSpec;
import io.xaichat.models.ProgressBarDisplay;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xaichat models pull [chat|vision|image|all]}: downloads the model files of a kind. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download the files of the default model of a kind (or of every kind), resuming interrupted "
                + "downloads and checking SHA-256 digests.",
                "Files already present and matching the manifest are skipped."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file is in place", "1:a file could not be downloaded or verified",
                "2:invalid arguments"})
public final class ModelsPullCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelsOptions options;

    @Mixin
    ModelSelection selection;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ModelSpec> models = selection.select(spec, ModelsCommands.manifest(spec, options));
        DownloadProgress progress = noProgress ? DownloadProgress.NONE : new ProgressBarDisplay(err);
        ModelDownloader downloader = new ModelDownloader(ModelDownloader.defaultClient(), progress, err::println);

        int failed = 0;
        List<ModelFile> files = ModelManifest.distinctFiles(models);
        out.println("Pulling " + describe(models) + " into " + options.modelsDir.toAbsolutePath());
        out.flush();
        for (ModelFile file : files) {
            try {
                ModelDownloader.Result r = downloader.fetch(file, source(file), options.modelsDir);
                out.printf("%-8s %s (%s, %s)%n",
                        r.outcome() == ModelDownloader.Outcome.DOWNLOADED ? "fetched" : "present",
                        file.path(), Sizes.human(r.bytes()), r.verified() ? "sha256 verified" : "UNVERIFIED");
            } catch (ModelDownloadException e) {
                failed++;
                err.println("FAILED   " + file.path() + ": " + e.getMessage());
            }
            out.flush();
            err.flush();
        }
        out.printf("%d of %d files ready%s%n", files.size() - failed, files.size(),
                failed == 0 ? "" : "; " + failed + " failed (see above)");
        return failed == 0 ? 0 : 1;
    }

    private URI source(ModelFile file) {
        try {
            return ModelPaths.rebase(file.url(), options.baseUrl);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String describe(List<ModelSpec> models) {
        return String.join(", ", models.stream().map(m -> m.kind().wireName() + " " + m.displayName()).toList());
    }
}

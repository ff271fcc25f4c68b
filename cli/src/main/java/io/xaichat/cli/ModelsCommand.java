package io.xaichat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code xaichat models}: the model files the workers need. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Download and inspect the model files listed in the model manifest.",
        subcommands = {ModelsPullCommand.class, ModelsListCommand.class, ModelsCheckCommand.class})
public final class ModelsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: pull, list or check");
    }
}

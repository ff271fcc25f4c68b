package io.xaichat.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code xaichat} command line; each feature is a subcommand. */
@Command(name = "xaichat", mixinStandardHelpOptions = true, version = "xaichat 0.1.0",
        description = "Submit chat, vision and image jobs to XAIChat Batch and manage its model files.",
        subcommands = {SubmitCommand.class, BulkCommand.class, LocalCommand.class, ModelsCommand.class})
public final class XaiChat implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The command line with local mode's execution strategy installed. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new XaiChat());
        for (CliExtension extension : ServiceLoader.load(CliExtension.class)) extension.extend(cli);
        return configure(cli);
    }

    /** Installs local mode's execution strategy and error reporting without stack traces. */
    public static CommandLine configure(CommandLine cli) {
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        return cli.setExecutionStrategy(LocalCommand::execute)
                .setParameterExceptionHandler((e, args) -> {
                    // A script asked for JSON: it gets a JSON error object on stdout too.
                    if (e.getCommandLine().getCommand() instanceof SubmitCommand && java.util.List.of(args).contains("--json")) {
                        e.getCommandLine().getOut().println(io.xaichat.schema.Json.toString(
                                io.xaichat.schema.ResultEnvelope.error(null, null, null, io.xaichat.schema.ErrorCode.USAGE, e.getMessage())));
                        e.getCommandLine().getOut().flush();
                    }
                    return usage.handleParseException(e, args);
                })
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    commandLine.getErr().println("xaichat " + commandLine.getCommandName() + ": "
                            + (e.getMessage() != null ? e.getMessage() : e.toString()));
                    commandLine.getErr().flush();
                    return 1;
                });
    }

    public static void main(String[] args) {
        // Exit explicitly: native libraries used by other subcommands can leave non-daemon threads behind.
        System.exit(commandLine().execute(args));
    }
}

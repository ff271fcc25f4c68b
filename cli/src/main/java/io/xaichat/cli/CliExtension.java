package io.xaichat.cli;

import picocli.CommandLine;

/**
 * Adds subcommands to {@code xaichat} from modules the CLI does not depend on (the HTTP gateway depends on this
 * module, so it cannot be named here). Implementations are found with {@link java.util.ServiceLoader}.
 */
public interface CliExtension {

    /** @param root the {@code xaichat} command; its {@code local} subcommand is {@code root.getSubcommands().get("local")} */
    void extend(CommandLine root);
}

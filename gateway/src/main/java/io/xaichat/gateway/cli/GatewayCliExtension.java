package io.xaichat.gateway.cli;

import io.xaichat.cli.CliExtension;
import picocli.CommandLine;

/** Adds {@code xaichat gateway} and {@code xaichat local gateway} (found by {@link java.util.ServiceLoader}). */
public final class GatewayCliExtension implements CliExtension {
    @Override
    public void extend(CommandLine root) {
        root.addSubcommand(new GatewayCommand());
        CommandLine local = root.getSubcommands().get("local");
        if (local != null) local.addSubcommand(new LocalGatewayCommand());
    }
}

package io.xaichat.gateway.cli;

import io.xaichat.cli.LocalServicesAware;
import io.xaichat.gateway.config.GatewayConfig;
import io.xaichat.gateway.config.GatewayOptions;
import io.xaichat.local.LocalServices;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.config.ConfigException;
import io.xaichat.worker.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code xaichat local gateway}: the embedded broker, redis-server and worker, plus a gateway onto them, until
 * Ctrl-C. The gateway serves the local worker's models.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Keep the local broker, worker and an HTTP gateway onto them running until Ctrl-C.")
public final class LocalGatewayCommand implements Callable<Integer>, LocalServicesAware {

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions options;

    private LocalServices services;

    @Override
    public void useLocal(LocalServices local, Path kafkaConfig) {
        this.services = local;
        options.connectTo(local.bootstrapServers(), local.redisUrl(), local.worker().config().topics().prefix(),
                kafkaConfig);
        List<String> served = new ArrayList<>();
        for (JobKind kind : local.worker().config().kinds()) {
            Engine<?> engine = local.worker().engine(kind);
            if (engine != null) served.add(kind.wireName() + "=" + engine.modelId());
        }
        options.serving(String.join(",", served));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (services == null) throw new IllegalStateException("xaichat local gateway runs inside xaichat local");
        GatewayConfig config;
        try {
            config = options.toConfig();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("xaichat local gateway: " + e.getMessage());
            return 2;
        }
        return GatewayCommand.serve(config, spec.commandLine().getOut());
    }
}

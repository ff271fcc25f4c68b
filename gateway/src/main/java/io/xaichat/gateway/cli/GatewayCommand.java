package io.xaichat.gateway.cli;

import io.xaichat.gateway.Gateway;
import io.xaichat.gateway.config.GatewayConfig;
import io.xaichat.gateway.config.GatewayOptions;
import io.xaichat.worker.config.ConfigException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code xaichat gateway}: the OpenAI-compatible HTTP API onto the job topics, until SIGINT or SIGTERM. */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the OpenAI-compatible HTTP API (chat completions, images, models, files, batches).",
                "Every setting is also an environment variable; XAICHAT_GATEWAY_API_KEYS is required."})
public final class GatewayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions options;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config;
        try {
            config = options.toConfig();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("xaichat gateway: " + e.getMessage());
            return 2;
        }
        return serve(config, spec.commandLine().getOut());
    }

    /** Runs a gateway until SIGINT/SIGTERM. */
    static int serve(GatewayConfig config, PrintWriter out) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        try (Gateway gateway = Gateway.start(config)) {
            out.println("gateway " + config.gatewayId() + " listening on http://" + config.address().getHostString()
                    + ":" + gateway.port() + "/v1  (Ctrl-C to stop)");
            out.flush();
            stop.await();
            out.println("stopping");
            out.flush();
        }
        return 0;
    }
}

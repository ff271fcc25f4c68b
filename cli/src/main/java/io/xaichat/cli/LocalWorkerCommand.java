package io.xaichat.cli;

import io.xaichat.local.LocalServices;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code xaichat local worker}: keeps the embedded broker, redis-server and worker running until Ctrl-C. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Keep the local broker and worker running until Ctrl-C, so any Kafka client can submit jobs.")
public final class LocalWorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Set by {@link LocalCommand} before the command runs. */
    LocalServices services;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        out.println("bootstrap servers: " + services.bootstrapServers());
        out.println("job topics: " + services.worker().config().topics().prefix() + ".jobs.<chat|vision|image>");
        out.println("serving: " + services.worker().config().kinds() + "  (Ctrl-C to stop)");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        while (!stop.await(1, TimeUnit.SECONDS)) {
            if (!services.worker().running()) return 1;
        }
        out.println("stopping");
        out.flush();
        return 0;
    }
}

package io.xaichat.worker.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's logback.xml, loaded into a context of its own (the tests' logging stays as it is). */
class LogbackConfigTest {

    @Test
    void jsonToAFileWritesOneJsonObjectPerLineAndRolls(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.log");
        LoggerContext context = configure("json", file.toString());
        try {
            Logger log = context.getLogger("io.xaichat.worker.Test");
            log.info("job {} answered", "job-7");
            log.warn("second line");
            context.getLogger("org.apache.kafka.clients.NetworkClient").info("third-party INFO stays out");


            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(2);
            JsonNode first = Json.tree(lines.get(0).getBytes());
            assertThat(first.path("level").asText()).isEqualTo("INFO");
            assertThat(first.path("loggerName").asText()).isEqualTo("io.xaichat.worker.Test");
            assertThat(first.path("formattedMessage").asText()).isEqualTo("job job-7 answered");
            assertThat(first.path("message").asText()).isEqualTo("job {} answered");
            assertThat(first.has("arguments")).as("raw arguments are left out").isFalse();
            assertThat(first.has("context")).as("logback's context properties are left out").isFalse();
            assertThat(Json.tree(lines.get(1).getBytes()).path("level").asText()).isEqualTo("WARN");

            Appender<?> appender = root(context).getAppender("JSON_FILE");
            assertThat(appender).isInstanceOf(RollingFileAppender.class);
            var policy = ((RollingFileAppender<?>) appender).getRollingPolicy();
            assertThat(policy).isInstanceOf(SizeAndTimeBasedRollingPolicy.class);
            assertThat(((SizeAndTimeBasedRollingPolicy<?>) policy).getFileNamePattern()).isEqualTo(file + ".%d{yyyy-MM-dd}.%i.gz");
            assertThat(appenderNames(context)).containsExactly("JSON_FILE");
            assertThat(problems(context)).isEmpty();
        } finally {
            context.stop();
        }
    }

    @Test
    void textOnTheConsoleIsTheDefaultAndCreatesNoFile(@TempDir Path dir) throws Exception {
        LoggerContext context = configure(null, null);
        try {
            assertThat(appenderNames(context)).containsExactly("TEXT_CONSOLE");
            // The file appenders were never created, so no default file appeared in the working directory.
            assertThat(Path.of("xaichat-worker.log")).doesNotExist();
            // A warning would make logback print its whole startup report at every start.
            assertThat(problems(context)).isEmpty();
        } finally {
            context.stop();
        }
    }

    @Test
    void anUnknownFormatLogsAsTextWithoutALogbackError() throws Exception {
        // The worker's settings check names --log-format and exits 2 (WorkerMainSettingsTest); a logback error here
        // would only make logback print its whole start-up status above that message.
        LoggerContext context = configure("yaml", null);
        try {
            assertThat(appenderNames(context)).containsExactly("TEXT_CONSOLE");
            assertThat(problems(context)).isEmpty();
        } finally {
            context.stop();
        }
    }

    /** Context properties stand in for the environment variables (the definer reads them first). */
    private static LoggerContext configure(String format, String file) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's initialisation gives the default context
        if (format != null) context.putProperty(LogAppenderChoice.FORMAT_PROPERTY, format);
        if (file != null) context.putProperty(LogAppenderChoice.FILE_PROPERTY, file);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogbackConfigTest.class.getResource("/logback.xml"));
        return context;
    }

    private static Logger root(LoggerContext context) {
        return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static List<String> appenderNames(LoggerContext context) {
        List<String> names = new ArrayList<>();
        for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root(context).iteratorForAppenders(); it.hasNext(); ) {
            names.add(it.next().getName());
        }
        return names;
    }

    /** Warnings and errors logback recorded about its own configuration. */
    private static List<String> problems(LoggerContext context) {
        return context.getStatusManager().getCopyOfStatusList().stream().filter(s -> s.getLevel() >= Status.WARN)
                .map(Status::getMessage).toList();
    }
}

package io.xaichat.worker.config;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import io.xaichat.worker.logging.LogAppenderChoice;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Log format and target as flags. Logback reads the same environment variables itself when it starts (see
 * logback.xml), so {@link #apply()} only reconfigures when a flag says something else.
 */
public final class LoggingOptions {

    @Option(names = "--log-format", defaultValue = "${env:XAICHAT_LOG_FORMAT:-text}",
            description = "text (human-readable) or json (one JSON object per line). Env XAICHAT_LOG_FORMAT. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--log-file", defaultValue = "${env:XAICHAT_LOG_FILE}",
            description = "Log to this file, rolled daily and at 100 MB (gzipped, 14 days kept), instead of the console. Env XAICHAT_LOG_FILE.")
    Path file;

    /** Makes logback follow the flags; call first thing in main, before the first log line matters. */
    public void apply() {
        String f = format == null ? "text" : format.trim().toLowerCase(Locale.ROOT);
        if (!f.equals("text") && !f.equals("json")) {
            throw new ConfigException("--log-format/XAICHAT_LOG_FORMAT must be text or json, got '" + format + "'");
        }
        String path = file == null ? null : file.toAbsolutePath().toString();
        boolean sameAsEnv = f.equals(Objects.requireNonNullElse(System.getenv(LogAppenderChoice.FORMAT_ENV), "text")
                        .trim().toLowerCase(Locale.ROOT))
                && Objects.equals(file == null ? null : file.toString(), System.getenv(LogAppenderChoice.FILE_ENV));
        System.setProperty(LogAppenderChoice.FORMAT_PROPERTY, f);
        if (path == null) System.clearProperty(LogAppenderChoice.FILE_PROPERTY);
        else System.setProperty(LogAppenderChoice.FILE_PROPERTY, path);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!sameAsEnv && factory instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new ConfigException("cannot reconfigure logging: " + e.getMessage());
            }
        }
    }
}

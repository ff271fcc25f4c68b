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

/**
 * Makes logback follow the validated log settings. Logback reads the same environment variables itself when it
 * starts (see logback.xml), so it is reconfigured only when a flag says something else.
 */
public final class LogSetup {
    private LogSetup() {}

    /** @param format text or json (validated); @param file null for the console */
    public static void apply(String format, Path file) {
        String path = file == null ? null : file.toAbsolutePath().toString();
        boolean sameAsEnv = format.equals(Objects.requireNonNullElse(System.getenv(LogAppenderChoice.FORMAT_ENV), "text")
                        .trim().toLowerCase(Locale.ROOT))
                && Objects.equals(file == null ? null : file.toString(), System.getenv(LogAppenderChoice.FILE_ENV));
        System.setProperty(LogAppenderChoice.FORMAT_PROPERTY, format);
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

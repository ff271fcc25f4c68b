package io.xaichat.worker.logging;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * Names the appender logback.xml sends everything to: {@code TEXT_CONSOLE}, {@code JSON_CONSOLE},
 * {@code TEXT_FILE} or {@code JSON_FILE}. Each setting is looked up as a logback context property, then a system
 * property ({@code xaichat.log.format}, {@code xaichat.log.file}), then an environment variable
 * ({@code XAICHAT_LOG_FORMAT}, {@code XAICHAT_LOG_FILE}). Plain Java instead of logback's {@code <if>}, which would
 * need the Janino compiler at run time.
 */
public final class LogAppenderChoice extends PropertyDefinerBase {
    public static final String FORMAT_PROPERTY = "xaichat.log.format";
    public static final String FILE_PROPERTY = "xaichat.log.file";
    public static final String FORMAT_ENV = "XAICHAT_LOG_FORMAT";
    public static final String FILE_ENV = "XAICHAT_LOG_FILE";

    @Override
    public String getPropertyValue() {
        String format = setting(FORMAT_PROPERTY, FORMAT_ENV);
        String file = setting(FILE_PROPERTY, FILE_ENV);
        return appender(format, file != null);
    }

    /** The appender for a format (null: text) and target; an unknown format is reported and logs as text. */
    String appender(String format, boolean toFile) {
        String f = format == null ? "text" : format.trim().toLowerCase(Locale.ROOT);
        if (!f.equals("text") && !f.equals("json")) {
            // Text until the settings are checked: the worker then names --log-format and exits 2. A logback error
            // here would make logback dump its whole start-up status above that message.
            f = "text";
        }
        return f.toUpperCase(Locale.ROOT) + (toFile ? "_FILE" : "_CONSOLE");
    }

    private String setting(String property, String env) {
        String value = getContext() == null ? null : getContext().getProperty(property);
        if (blank(value)) value = System.getProperty(property);
        if (blank(value)) value = System.getenv(env);
        return blank(value) ? null : value;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

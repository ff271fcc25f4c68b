package io.xaichat.cli;

import io.xaichat.worker.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --timeout 10m}: the worker's duration syntax (500ms, 30s, 10m, 1h, PT1H), positive only. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (d.isNegative() || d.isZero()) throw new TypeConversionException("duration '" + value + "' must be positive");
        return d;
    }
}

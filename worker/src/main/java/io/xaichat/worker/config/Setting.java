package io.xaichat.worker.config;

/**
 * One setting, defined once: its flag ({@code --name}), its environment variable (null for a flag-only switch),
 * type, default (null: unset), validator and documentation. {@link ConfigDef} turns it into a picocli option, a
 * parsed and validated value and a row of the README's configuration table.
 *
 * @param defaultText the default as a user would write it, or null when unset
 * @param defaultDoc how the README and help describe the default when {@code defaultText} does not say it all
 *     (e.g. "physical cores"); null to show {@code defaultText}
 * @param doc one or two sentences; Markdown backticks allowed (stripped for the help)
 */
public record Setting<T>(String name, String env, SettingType<T> type, String defaultText, Validator<T> validator,
                         String defaultDoc, String doc) {

    public String flag() {
        return "--" + name;
    }

    /** {@code --flag (VARIABLE)}, the prefix of every message about this setting. */
    public String label() {
        return env == null ? flag() : flag() + " (" + env + ")";
    }

    /** A flag without a value ({@code --no-chat}). */
    public boolean isSwitch() {
        return env == null && type == SettingType.BOOLEAN;
    }
}

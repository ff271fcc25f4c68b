package io.xaichat.worker.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An ordered set of {@link Setting}s, in the spirit of Kafka's {@code ConfigDef}: the one place a setting is
 * defined, from which the command-line options, the parsing and validation, and the README table are produced.
 * Precedence is the same for every setting: flag, then environment variable (a blank one counts as unset), then
 * the default.
 */
public final class ConfigDef {
    /** A README row that documents a family of variables rather than one setting (XAICHAT_KAFKA_&lt;NAME&gt;). */
    public record Note(String env, String doc) {}

    private final List<Object> entries = new ArrayList<>();
    private final Map<Setting<?>, String> groups = new java.util.HashMap<>();
    private String group = "";

    /** Settings defined from now on belong to {@code name} (see {@link #group(String)}). */
    public void startGroup(String name) {
        group = name;
    }

    /** The definitions of one group only. */
    public ConfigDef group(String name) {
        ConfigDef d = new ConfigDef();
        for (Object e : entries) {
            if (e instanceof Setting<?> s && name.equals(groups.get(s))) {
                d.entries.add(s);
                d.groups.put(s, name);
            }
        }
        return d;
    }

    public <T> Setting<T> define(String name, String env, SettingType<T> type, String defaultText,
                                 Validator<T> validator, String doc) {
        return define(name, env, type, defaultText, validator, null, doc);
    }

    public <T> Setting<T> define(String name, String env, SettingType<T> type, String defaultText,
                                 Validator<T> validator, String defaultDoc, String doc) {
        Setting<T> s = new Setting<>(name, env, type, defaultText, validator, defaultDoc, doc);
        if (settings().stream().anyMatch(o -> o.name().equals(name) || (env != null && env.equals(o.env())))) {
            throw new IllegalStateException("setting defined twice: " + name);
        }
        entries.add(s);
        groups.put(s, group);
        return s;
    }

    /** A flag without a value and without a variable, e.g. {@code --no-chat}. */
    public Setting<Boolean> defineSwitch(String name, String doc) {
        return define(name, null, SettingType.BOOLEAN, "false", Validator.none(), "", doc);
    }

    public void note(String env, String doc) {
        entries.add(new Note(env, doc));
    }

    public List<Setting<?>> settings() {
        List<Setting<?>> list = new ArrayList<>();
        for (Object e : entries) if (e instanceof Setting<?> s) list.add(s);
        return Collections.unmodifiableList(list);
    }

    /** The same definitions without {@code left}, for a command that does not serve them. */
    public ConfigDef without(Set<Setting<?>> left) {
        ConfigDef d = new ConfigDef();
        for (Object e : entries) if (!left.contains(e)) d.entries.add(e);
        d.groups.putAll(groups);
        return d;
    }

    /** Adds one option per setting, typed as text so that parsing and range errors are reported together. */
    public void addOptionsTo(CommandSpec spec) {
        for (Setting<?> s : settings()) {
            OptionSpec.Builder b = OptionSpec.builder(s.flag()).description(help(s));
            if (s.isSwitch()) b.type(Boolean.class).arity("0");
            else b.type(String.class).arity("1").paramLabel(s.type().label());
            spec.addOption(b.build());
        }
    }

    /** The values given as flags on a parsed command line, by setting name. */
    public Map<String, String> givenFlags(CommandSpec spec) {
        Map<String, String> given = new LinkedHashMap<>();
        for (Setting<?> s : settings()) {
            OptionSpec o = spec.findOption(s.flag());
            Object v = o == null ? null : o.getValue();
            if (v != null) given.put(s.name(), v.toString());
        }
        return given;
    }

    /** Reads and checks every setting; problems are collected in the result, not thrown (see {@link ConfigValues#check}). */
    public ConfigValues parse(Map<String, String> flags, Map<String, String> env) {
        ConfigValues values = new ConfigValues();
        Map<String, String> unknown = new LinkedHashMap<>(flags);
        for (Setting<?> s : settings()) {
            unknown.remove(s.name());
            read(s, flags.get(s.name()), s.env() == null ? null : env.get(s.env()), values);
        }
        unknown.keySet().forEach(n -> values.problem("unknown setting '" + n + "'"));
        return values;
    }

    private static <T> void read(Setting<T> s, String flag, String env, ConfigValues values) {
        String text;
        ConfigValues.Source source;
        if (flag != null) {
            text = flag;
            source = ConfigValues.Source.FLAG;
        } else if (env != null && !env.isBlank()) {
            text = env;
            source = ConfigValues.Source.ENVIRONMENT;
        } else {
            text = s.defaultText();
            source = ConfigValues.Source.DEFAULT;
        }
        if (text == null) {
            values.put(s, null, source);
            return;
        }
        boolean textual = s.type() == SettingType.STRING || s.type() == SettingType.LIST;
        if (text.isBlank() && !textual) {
            values.put(s, null, source);
            if (source != ConfigValues.Source.DEFAULT) values.problem(s, "is empty");
            return;
        }
        T value;
        try {
            value = s.type().parse(text);
        } catch (IllegalArgumentException e) {
            values.put(s, null, source);
            values.problem(s, e.getMessage());
            return;
        }
        String wrong = s.validator().check(value);
        if (wrong != null) {
            values.put(s, null, source);
            values.problem(s, wrong);
            return;
        }
        values.put(s, value, source);
    }

    /** The README's configuration table (Markdown), one row per setting in definition order. */
    public String markdownTable() {
        StringBuilder b = new StringBuilder("| environment | flag | default | meaning |\n|---|---|---|---|\n");
        for (Object e : entries) {
            if (e instanceof Note n) {
                b.append("| `").append(n.env()).append("` | | | ").append(n.doc()).append(" |\n");
            } else if (e instanceof Setting<?> s) {
                b.append("| ").append(s.env() == null ? "" : "`" + s.env() + "`").append(" | `").append(s.flag())
                        .append("` | ").append(defaultDoc(s)).append(" | ").append(s.doc()).append(" |\n");
            }
        }
        return b.toString();
    }

    private static String defaultDoc(Setting<?> s) {
        if (s.defaultDoc() != null) return s.defaultDoc();
        return s.defaultText() == null || s.defaultText().isEmpty() ? "" : "`" + s.defaultText() + "`";
    }

    private static String help(Setting<?> s) {
        String text = s.doc().replace("`", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1");
        if (s.env() != null) text += " Env " + s.env() + ".";
        String d = defaultDoc(s).replace("`", "");
        if (!s.isSwitch() && !d.isEmpty()) text += " Default: " + d + ".";
        return text.replace("%", "%%");
    }
}

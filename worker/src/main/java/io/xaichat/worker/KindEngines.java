package io.xaichat.worker;

import io.xaichat.schema.JobKind;
import io.xaichat.worker.engine.Engine;

/**
 * The worker's half of the kind registry ({@link JobKind} is the wire half): how each kind's resident engine is
 * built from the worker's engine settings. The switch is exhaustive, so a kind added to {@link JobKind} does not
 * compile until it has an engine here.
 */
public final class KindEngines {
    private KindEngines() {}

    /** Builds the engine of one kind; only that kind's settings in {@code configs} are read. */
    @FunctionalInterface
    public interface Factory {
        Engine<?> load(EngineLoader.EngineConfigs configs);
    }

    public static Factory factory(JobKind kind) {
        return switch (kind) {
            case CHAT -> configs -> EngineLoader.loadChat(configs.chat());
            case VISION -> configs -> EngineLoader.loadVision(configs.vision());
            case IMAGE -> configs -> EngineLoader.loadImage(configs.image());
        };
    }
}

package io.xaichat.llama;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * Base of the structs passed to llama.cpp. C {@code bool} fields are Java {@code byte}s (JNA would map
 * {@code boolean} to 4 bytes) and enums are {@code int}s; the layout test compares every offset with the pinned
 * {@code llama.h}.
 */
public abstract class LlamaStruct extends Structure {
    protected LlamaStruct() {}

    protected LlamaStruct(Pointer p) {
        super(p);
    }

    /** The byte offset of a field as JNA lays it out (for the layout test against the C compiler's offsetof). */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }
}

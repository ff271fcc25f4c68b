package io.xaichat.llama;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** {@code struct llama_chat_message}: role and content as C strings the caller keeps alive during the call. */
@Structure.FieldOrder({"role", "content"})
public class LlamaChatMessage extends LlamaStruct {
    public Pointer role;
    public Pointer content;
}

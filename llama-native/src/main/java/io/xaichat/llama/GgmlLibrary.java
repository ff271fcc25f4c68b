package io.xaichat.llama;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/** The backend registry of ggml ({@code ggml-backend.h}): the CPU backend is a separate library per CPU level. */
public interface GgmlLibrary extends Library {
    /** Loads every {@code libggml-*.so} backend in {@code dir}, choosing the best CPU variant for this machine. */
    void ggml_backend_load_all_from_path(String dir);
    long ggml_backend_dev_count();
    Pointer ggml_backend_dev_get(long index);
    String ggml_backend_dev_name(Pointer device);
    String ggml_backend_dev_description(Pointer device);
    long ggml_backend_reg_count();
    Pointer ggml_backend_reg_get(long index);
    String ggml_backend_reg_name(Pointer reg);
}

package io.xaichat.llama;

/** llama.cpp's native libraries are missing, damaged or of another build; the message names the file. */
public final class NativeLibraryException extends RuntimeException {
    public NativeLibraryException(String message) {
        super(message);
    }

    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.xaichat.models;

import java.net.URI;

/**
 * One file of a model as the manifest lists it.
 *
 * @param path        where the file goes, relative to the models directory (forward slashes, no {@code ..})
 * @param url         the public download address (https)
 * @param size        the size in bytes, or {@code null} when no published value is known
 * @param sha256      the publisher's SHA-256 in lower-case hex, or {@code null} when none is known: such a file
 *                    is downloaded but reported as unverified
 * @param description what the file is, for people
 */
public record ModelFile(String path, URI url, Long size, String sha256, String description) {

    public boolean hasDigest() {
        return sha256 != null;
    }

    public boolean hasSize() {
        return size != null;
    }
}

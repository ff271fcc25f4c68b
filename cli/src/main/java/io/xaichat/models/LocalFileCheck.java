package io.xaichat.models;

import io.xaichat.schema.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What is on disk for one manifest file and whether it matches the manifest. Shared by {@code list} and by the
 * downloader's "already present" check so both judge a file the same way.
 */
public final class LocalFileCheck {

    /** Whether the file, only its partial download, or nothing is there. */
    public enum State { PRESENT, PARTIAL, MISSING }

    /** How far the file on disk was checked against the manifest. */
    public enum Verification {
        /** SHA-256 computed and equal to the manifest's. */
        DIGEST_OK,
        /** SHA-256 computed and different from the manifest's. */
        DIGEST_MISMATCH,
        /** Size equal to the manifest's; the digest was not computed or the manifest has none. */
        SIZE_OK,
        /** Size different from the manifest's. */
        SIZE_MISMATCH,
        /** The manifest has neither digest nor size for this file. */
        NO_REFERENCE,
        /** Nothing complete to check. */
        NOT_APPLICABLE
    }

    /**
     * @param bytesOnDisk size of the file, or of its {@code .part} when only that exists, else 0
     * @param actualSha256 the computed digest when one was computed, else {@code null}
     */
    public record Result(ModelFile file, Path target, State state, long bytesOnDisk, Verification verification,
                         String actualSha256) {

        /** True when the file may be used as it is: digest right, or size right where there is no digest. */
        public boolean acceptable() {
            return state == State.PRESENT && switch (verification) {
                case DIGEST_OK, NO_REFERENCE -> true;
                case SIZE_OK -> !file.hasDigest();
                default -> false;
            };
        }
    }

    private LocalFileCheck() {
    }

    /** The path of the unfinished download for {@code target}. */
    public static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Checks {@code file} under {@code modelsDir}. The size is always compared; the SHA-256 is computed only when
     * {@code computeDigest} is set and the manifest has one, since hashing gigabytes takes a while.
     */
    public static Result check(ModelFile file, Path modelsDir, boolean computeDigest) throws IOException {
        Path target = ModelPaths.resolve(modelsDir, file);
        if (!Files.isRegularFile(target)) {
            Path part = partFile(target);
            return Files.isRegularFile(part)
                    ? new Result(file, target, State.PARTIAL, Files.size(part), Verification.NOT_APPLICABLE, null)
                    : new Result(file, target, State.MISSING, 0, Verification.NOT_APPLICABLE, null);
        }
        long size = Files.size(target);
        if (file.hasSize() && size != file.size()) {
            return new Result(file, target, State.PRESENT, size, Verification.SIZE_MISMATCH, null);
        }
        if (file.hasDigest() && computeDigest) {
            String actual = Sha256.of(target);
            Verification v = actual.equals(file.sha256()) ? Verification.DIGEST_OK : Verification.DIGEST_MISMATCH;
            return new Result(file, target, State.PRESENT, size, v, actual);
        }
        Verification v = file.hasSize() ? Verification.SIZE_OK : Verification.NO_REFERENCE;
        return new Result(file, target, State.PRESENT, size, v, null);
    }
}

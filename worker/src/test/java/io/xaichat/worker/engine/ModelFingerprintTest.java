package io.xaichat.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFingerprintTest {
    private static final String SHA256_OF_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path dir;

    @Test
    void digestIsTheSha256OfTheFileAndIsRememberedInASidecar() throws IOException {
        Path model = Files.writeString(dir.resolve("m.gguf"), "abc");

        assertThat(ModelFingerprint.of(model)).isEqualTo(SHA256_OF_ABC);
        assertThat(Files.readAllLines(ModelFingerprint.sidecar(model)).get(0)).isEqualTo(SHA256_OF_ABC + "  m.gguf");
    }

    @Test
    void sidecarIsTrustedWhileSizeAndMtimeMatchAndIgnoredOnceTheyChange() throws IOException {
        Path model = Files.writeString(dir.resolve("m.gguf"), "abc");
        ModelFingerprint.of(model);
        Path sidecar = ModelFingerprint.sidecar(model);
        String planted = "0".repeat(64);
        List<String> lines = Files.readAllLines(sidecar);
        Files.write(sidecar, List.of(planted + "  m.gguf", lines.get(1)));

        assertThat(ModelFingerprint.of(model)).as("served from the sidecar").isEqualTo(planted);

        Files.writeString(model, "abd");
        Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() + 5000));
        assertThat(ModelFingerprint.of(model)).as("file changed: hashed again")
                .isNotEqualTo(planted).isNotEqualTo(SHA256_OF_ABC).matches("[0-9a-f]{64}");
    }

    @Test
    void readOnlyDirectoryStillGivesTheDigest() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path model = Files.writeString(ro.resolve("m.gguf"), "abc");
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThat(ModelFingerprint.of(model)).isEqualTo(SHA256_OF_ABC);
            if (!Files.isWritable(ro)) assertThat(ModelFingerprint.sidecar(model)).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void unwritableSidecarStillGivesTheDigest() throws IOException {
        Path model = Files.writeString(dir.resolve("m.gguf"), "abc");
        Files.createDirectories(ModelFingerprint.sidecar(model).resolve("occupied")); // cannot be replaced

        assertThat(ModelFingerprint.of(model)).isEqualTo(SHA256_OF_ABC);
        assertThat(ModelFingerprint.of(model)).isEqualTo(SHA256_OF_ABC);
    }

    @Test
    void severalFilesGiveOneDigestThatDependsOnEach() throws IOException {
        Path a = Files.writeString(dir.resolve("a.onnx"), "abc");
        Path b = Files.writeString(dir.resolve("b.onnx"), "def");
        String both = ModelFingerprint.of(List.of(a, b));
        java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(b);
        Files.writeString(b, "deg");
        // A replaced model file has a new mtime; a rewrite within the filesystem's clock tick would not show one.
        Files.setLastModifiedTime(b, java.nio.file.attribute.FileTime.fromMillis(before.toMillis() + 2000));

        assertThat(both).matches("[0-9a-f]{64}");
        assertThat(ModelFingerprint.of(List.of(a, b))).isNotEqualTo(both);
    }
}

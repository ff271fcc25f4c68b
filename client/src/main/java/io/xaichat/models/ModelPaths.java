package io.xaichat.models;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where manifest files live locally and where they are fetched from. */
public final class ModelPaths {

    private ModelPaths() {
    }

    /**
     * The local path of {@code file} under {@code modelsDir}. The manifest already rejects {@code ..}; this checks
     * again so that no manifest, however it was loaded, can write outside the models directory.
     */
    public static Path resolve(Path modelsDir, ModelFile file) {
        Path root = modelsDir.toAbsolutePath().normalize();
        Path target = root.resolve(file.path()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException("model file path '" + file.path() + "' leaves the models directory "
                    + root);
        }
        return target;
    }

    /**
     * The address to download {@code url} from when a mirror is configured: the mirror's scheme, host, port and
     * path prefix followed by the original path and query. With {@code base == null} the URL is returned as is.
     * Example: {@code https://huggingface.co/Qwen/x/resolve/main/f.gguf} with base {@code http://127.0.0.1:8080/hf}
     * becomes {@code http://127.0.0.1:8080/hf/Qwen/x/resolve/main/f.gguf}.
     */
    public static URI rebase(URI url, URI base) {
        if (base == null) {
            return url;
        }
        if (base.getScheme() == null || base.getHost() == null) {
            throw new IllegalArgumentException("base URL '" + base + "' must be absolute, like https://mirror.example");
        }
        String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String path = prefix + url.getRawPath();
        String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
        try {
            return new URI(base.getScheme() + "://" + base.getRawAuthority() + path + query);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot combine base URL '" + base + "' with '" + url + "': "
                    + e.getMessage(), e);
        }
    }
}

package io.xaichat.models;

import io.xaichat.schema.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one manifest file into the models directory: into {@code <file>.part} first, resuming an interrupted
 * download with an HTTP {@code Range} request, then checks size and SHA-256 and moves the file into place
 * atomically, so a file at its final path is always complete.
 */
public final class ModelDownloader {

    /** What happened to one file. */
    public enum Outcome { ALREADY_PRESENT, DOWNLOADED }

    /**
     * @param verified true when the SHA-256 was checked against the manifest; false when the manifest has none
     * @param sha256   the file's actual digest when it was computed, else {@code null}
     */
    public record Result(ModelFile file, Path target, Outcome outcome, boolean verified, long bytes, String sha256) {
    }

    private static final int BUFFER = 1 << 20;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HttpClient http;
    private final DownloadProgress progress;
    private final Consumer<String> notices;

    /**
     * @param notices receives warnings and notes meant for the user (unverified file, restarted download, ...)
     */
    public ModelDownloader(HttpClient http, DownloadProgress progress, Consumer<String> notices) {
        this.http = http;
        this.progress = progress;
        this.notices = notices;
    }

    /** An HTTP client suited to model downloads: follows redirects (Hugging Face redirects to its CDN). */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /**
     * Makes sure {@code file} is in {@code modelsDir}, downloading it from {@code source} unless a good copy is
     * already there.
     *
     * @param source the URL to fetch, normally {@code file.url()} or its mirror (see {@link ModelPaths#rebase})
     */
    public Result fetch(ModelFile file, URI source, Path modelsDir) throws ModelDownloadException {
        try {
            LocalFileCheck.Result existing = LocalFileCheck.check(file, modelsDir, true);
            if (existing.acceptable()) {
                if (!file.hasDigest()) {
                    warnUnverified(file, existing.target(), "present");
                }
                return new Result(file, existing.target(), Outcome.ALREADY_PRESENT, file.hasDigest(),
                        existing.bytesOnDisk(), existing.actualSha256());
            }
            if (existing.state() == LocalFileCheck.State.PRESENT) {
                notices.accept(file.path() + " is present but does not match the manifest (" + describe(existing)
                        + "); downloading it again");
            }
            Path target = existing.target();
            Files.createDirectories(target.getParent());
            Path part = LocalFileCheck.partFile(target);
            Transferred got = transfer(file, source, part);
            checkSize(file, source, part, got.bytes());
            boolean verified = verify(file, source, part, got.sha256());
            moveIntoPlace(part, target);
            if (!verified) {
                warnUnverified(file, target, "downloaded; its SHA-256 is " + got.sha256());
            }
            return new Result(file, target, Outcome.DOWNLOADED, verified, got.bytes(), got.sha256());
        } catch (IOException e) {
            throw new ModelDownloadException("cannot store " + file.path() + " under " + modelsDir.toAbsolutePath()
                    + ": " + causeOf(e), e);
        }
    }

    private record Transferred(long bytes, String sha256) {
    }

    /**
     * Fills {@code part} with the whole file and returns its size and SHA-256. The digest is computed while the
     * bytes arrive (after reading any partial file once), so a multi-gigabyte file is not read again to verify it.
     */
    private Transferred transfer(ModelFile file, URI source, Path part) throws IOException, ModelDownloadException {
        MessageDigest digest = Sha256.newDigest();
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > 0 && file.hasSize() && have > file.size()) {
            notices.accept(part + " is larger than " + file.path() + " should be; starting over");
            Files.delete(part);
            have = 0;
        }
        if (have > 0) {
            Sha256.update(digest, part);
        }
        // Two rounds at most: a server that rejects or misreports the range gets one fresh, range-less request.
        for (int round = 0; round < 2; round++) {
            HttpResponse<InputStream> response = send(source, have, file, part);
            int status = response.statusCode();
            if (have > 0 && status == 416) {
                response.body().close();
                if (file.hasSize() && have == file.size()) {
                    return new Transferred(have, Sha256.hex(digest)); // the partial file was already complete
                }
                notices.accept("the server rejected resuming " + file.path() + " at byte " + have
                        + "; starting over");
                have = restart(part, digest);
                continue;
            }
            if (have > 0 && status == 206) {
                long start = rangeStart(response);
                if (start != have) {
                    response.body().close();
                    notices.accept("the server answered the resume request for " + file.path() + " from byte "
                            + start + " instead of " + have + "; starting over");
                    have = restart(part, digest);
                    continue;
                }
            } else if (status == 200) {
                if (have > 0) {
                    notices.accept("the server ignored the resume request for " + file.path()
                            + " (HTTP 200 instead of 206); downloading it from the beginning");
                    have = restart(part, digest);
                }
            } else {
                response.body().close();
                throw new ModelDownloadException("cannot download " + file.path() + " from " + source + ": HTTP "
                        + status + manualHint(file, part));
            }
            long total = file.hasSize() ? file.size() : expectedTotal(response, have);
            long written = copy(response.body(), part, have, total, digest, file, source);
            return new Transferred(have + written, Sha256.hex(digest));
        }
        throw new ModelDownloadException("cannot download " + file.path() + " from " + source
                + ": the server kept refusing the requested byte range" + manualHint(file, part));
    }

    private HttpResponse<InputStream> send(URI source, long from, ModelFile file, Path part) throws ModelDownloadException {
        HttpRequest.Builder request = HttpRequest.newBuilder(source).GET();
        if (from > 0) {
            request.header("Range", "bytes=" + from + "-");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ModelDownloadException("cannot download " + file.path() + " from " + source + ": "
                    + causeOf(e) + ". This machine may be offline or need a proxy; use --base-url (or "
                    + "XAICHAT_MODELS_BASE_URL) for a mirror" + manualHint(file, part), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelDownloadException("download of " + file.path() + " was interrupted", e);
        }
    }

    private long copy(InputStream body, Path part, long have, long total, MessageDigest digest, ModelFile file,
                      URI source) throws ModelDownloadException {
        StandardOpenOption mode = have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        long written = 0;
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = body;
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
             DownloadProgress.Transfer shown = progress.start(file.path(), have, total)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                written += n;
                shown.advance(n);
            }
        } catch (IOException e) {
            throw new ModelDownloadException("download of " + file.path() + " from " + source + " broke off after "
                    + (have + written) + " bytes: " + causeOf(e) + ". The partial file " + part
                    + " is kept; run the command again to resume", e);
        }
        return written;
    }

    private static long restart(Path part, MessageDigest digest) throws IOException {
        Files.deleteIfExists(part);
        digest.reset();
        return 0;
    }

    /** The full size announced by the server: Content-Length, plus the skipped bytes for a 206; -1 if unknown. */
    private static long expectedTotal(HttpResponse<?> response, long have) {
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length < 0) {
            return -1;
        }
        return response.statusCode() == 206 ? have + length : length;
    }

    private static long rangeStart(HttpResponse<?> response) {
        String header = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void checkSize(ModelFile file, URI source, Path part, long bytes)
            throws IOException, ModelDownloadException {
        if (!file.hasSize() || bytes == file.size()) {
            return;
        }
        if (bytes < file.size()) {
            throw new ModelDownloadException("download of " + file.path() + " from " + source + " ended after "
                    + bytes + " of " + file.size() + " bytes. The partial file " + part
                    + " is kept; run the command again to resume");
        }
        Files.deleteIfExists(part);
        throw new ModelDownloadException("download of " + file.path() + " from " + source + " is " + bytes
                + " bytes but the manifest says " + file.size() + "; the download was deleted. The server may serve "
                + "a different file or the manifest is out of date");
    }

    /** Returns whether the digest was checked; throws (after deleting the download) when it does not match. */
    private static boolean verify(ModelFile file, URI source, Path part, String actual)
            throws IOException, ModelDownloadException {
        if (!file.hasDigest()) {
            return false;
        }
        if (!file.sha256().equals(actual)) {
            Files.deleteIfExists(part);
            throw new ModelDownloadException("SHA-256 mismatch for " + file.path() + " downloaded from " + source
                    + ": expected " + file.sha256() + ", actual " + actual + ". The download was deleted; the "
                    + "server may serve a different file or the manifest is out of date");
        }
        return true;
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void warnUnverified(ModelFile file, Path target, String what) {
        notices.accept("WARNING: " + file.path() + " is UNVERIFIED (" + what + "): the manifest has no SHA-256 for "
                + "it. Compare " + target.getFileName() + " with the SHA-256 on the file's page at "
                + file.url().getHost() + " before trusting it.");
    }

    static String describe(LocalFileCheck.Result r) {
        return switch (r.verification()) {
            case SIZE_MISMATCH -> r.bytesOnDisk() + " bytes instead of " + r.file().size();
            case DIGEST_MISMATCH -> "SHA-256 " + r.actualSha256() + " instead of " + r.file().sha256();
            default -> r.verification().name();
        };
    }

    /** How to get the file without this command: where to fetch it and exactly where to put it. */
    private static String manualHint(ModelFile file, Path part) {
        String name = part.getFileName().toString();
        Path target = part.resolveSibling(name.substring(0, name.length() - ".part".length()));
        return ". To install it by hand, download " + file.url() + " and save it as " + target;
    }

    /** The cause chain in one line; a refused connection often has only a class name and no message. */
    static String causeOf(Throwable e) {
        StringBuilder sb = new StringBuilder();
        String previous = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = t.getClass().getSimpleName();
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                text += " (the host name could not be resolved)";
            } else if (t.getMessage() != null && !t.getMessage().isBlank()) {
                text += ": " + t.getMessage();
            }
            if (!text.equals(previous)) {
                sb.append(sb.length() > 0 ? " <- " : "").append(text);
            }
            previous = text;
        }
        return sb.toString();
    }
}

package io.xaichat.gateway.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.http.HttpCall;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;

/**
 * {@code /v1/files}: upload (multipart {@code file} + {@code purpose=batch}), list, get, content and delete, all
 * within the caller's tenant. Another tenant's file is a 404, exactly like a missing one.
 */
public final class FilesApi {
    private final FileStore store;
    private final long maxFileBytes;
    private final Path spillDir;

    public FilesApi(FileStore store, long maxFileBytes, Path spillDir) {
        this.store = store;
        this.maxFileBytes = maxFileBytes;
        this.spillDir = spillDir;
    }

    public void upload(HttpCall call) throws Exception {
        String contentType = call.header(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            throw ApiError.invalid(null, "invalid_content_type", "upload files as multipart/form-data with fields "
                    + "'file' and 'purpose'");
        }
        long envelope = maxFileBytes + 64 * 1024; // room for the part headers and the purpose field
        if (call.request().getLength() > envelope) throw ApiError.tooLarge(maxFileBytes, "XAICHAT_GATEWAY_MAX_FILE_BYTES");
        MultiPartConfig config = new MultiPartConfig.Builder().location(spillDir).maxParts(8).maxSize(envelope)
                .maxPartSize(maxFileBytes).maxMemoryPartSize(maxFileBytes).build();
        MultiPartFormData.Parts parts;
        try {
            parts = MultiPartFormData.getParts(call.request(), call.request(), contentType, config);
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
            if (m.toLowerCase().contains("exceed") || m.toLowerCase().contains("max")) {
                throw ApiError.tooLarge(maxFileBytes, "XAICHAT_GATEWAY_MAX_FILE_BYTES");
            }
            throw ApiError.invalid(null, "invalid_multipart", "could not read the multipart body: " + e.getMessage());
        }
        try (parts) {
            MultiPart.Part purposePart = parts.getFirst("purpose");
            MultiPart.Part filePart = parts.getFirst("file");
            if (filePart == null) throw ApiError.invalid("file", "missing_file", "the 'file' field is missing");
            String purpose = purposePart == null ? null : purposePart.getContentAsString(java.nio.charset.StandardCharsets.UTF_8).trim();
            if (!"batch".equals(purpose)) {
                throw ApiError.invalid("purpose", "unsupported_value", "purpose '" + purpose + "' is not supported "
                        + "(only 'batch')");
            }
            byte[] content;
            try (InputStream in = Content.Source.asInputStream(filePart.createContentSource())) {
                content = in.readAllBytes();
            }
            if (content.length > maxFileBytes) throw ApiError.tooLarge(maxFileBytes, "XAICHAT_GATEWAY_MAX_FILE_BYTES");
            String name = filePart.getFileName() == null ? "upload.jsonl" : filePart.getFileName();
            call.json(200, store.create(call.tenant(), name, purpose, content));
        }
    }

    public void list(HttpCall call) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        store.list(call.tenant(), 10_000).forEach(data::add);
        body.put("has_more", false);
        call.json(200, body);
    }

    public void get(HttpCall call) {
        call.json(200, store.meta(call.tenant(), call.path("id"))
                .orElseThrow(() -> ApiError.notFound("file", call.path("id"))));
    }

    public void content(HttpCall call) throws IOException {
        byte[] content = store.content(call.tenant(), call.path("id"))
                .orElseThrow(() -> ApiError.notFound("file", call.path("id")));
        call.bytes(200, "application/octet-stream", content);
    }

    public void delete(HttpCall call) {
        if (!store.delete(call.tenant(), call.path("id"))) throw ApiError.notFound("file", call.path("id"));
        call.json(200, Json.MAPPER.createObjectNode().put("id", call.path("id")).put("object", "file")
                .put("deleted", true));
    }
}

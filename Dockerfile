# syntax=docker/dockerfile:1
# XAIChat Batch images. The default target is the worker: its jar and runtime dependencies only (no CLI, broker,
# redis-server binaries or synthetic model writers). The `cli` target carries the xaichat command (bulk runs,
# model downloads, the HTTP gateway).
#   docker build -t xaichat-worker .
#   docker build --target cli -t xaichat-cli .
#   docker run --rm -v "$PWD/models:/models:ro" -e KAFKA_BOOTSTRAP_SERVERS=kafka:9092 xaichat-worker
# Models are not baked in: mount them read-only at /models (see docker-compose.yml).

# ---- build: the Maven reactor; tests are skipped here because CI runs them ----
FROM maven:3.9-eclipse-temurin-17 AS build
# npm and git: the llama-native module fetches llama.cpp's prebuilt libraries with `npm pack` (integrity-checked)
# and reads the pinned headers from node-llama-cpp's git bundle; they end up inside lib/xaichat-llama-native-*.jar.
RUN apt-get update \
 && apt-get install -y --no-install-recommends npm git \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# worker/target/xaichat-worker.jar + worker/target/lib/ (the worker image); gateway/target/xaichat-gateway.jar +
# gateway/target/lib/ (the CLI image: every module's jars, the gateway's Jetty included).
RUN --mount=type=cache,target=/root/.m2 --mount=type=cache,target=/root/.npm mvn -B -ntp -DskipTests package

# ---- runtime: JRE 17, non-root; shared by both images ----
FROM eclipse-temurin:17-jre AS runtime
# libgomp1: the OpenMP runtime java-llama.cpp's llama.cpp is built with (the default llama-cpp engine needs only
# glibc and libstdc++; its libraries are extracted from the jar into the temp dir at start). curl: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 xaichat \
 && useradd --system --uid 10001 --gid xaichat --home-dir /app --shell /usr/sbin/nologin xaichat \
 && mkdir -p /models /data /var/log/xaichat \
 && chown xaichat:xaichat /data /var/log/xaichat
WORKDIR /app
# The models live in native memory (llama.cpp, ONNX Runtime), outside the Java heap: keep the heap a small share
# of the container's memory. DJL must not look for a cloud metadata address (offline, no tracking).
ENV XAICHAT_MODELS_DIR=/models \
    XAICHAT_METRICS_PORT=9400 \
    OPT_OUT_TRACKING=true \
    XAICHAT_JAVA_OPTS="-XX:+UseG1GC -XX:MaxRAMPercentage=25 -Dai.djl.offline=true"

# ---- cli: the xaichat command (bulk, models pull, gateway, local mode) ----
FROM runtime AS cli
COPY --from=build /src/gateway/target/lib/ /app/lib/
COPY --from=build /src/gateway/target/xaichat-gateway.jar /app/xaichat-gateway.jar
RUN printf '#!/bin/sh\nexec java $XAICHAT_JAVA_OPTS -cp "/app/xaichat-gateway.jar:/app/lib/*" io.xaichat.cli.XaiChat "$@"\n' > /usr/local/bin/xaichat \
 && chmod 755 /usr/local/bin/xaichat
USER xaichat
# xaichat gateway
EXPOSE 8080
ENTRYPOINT ["xaichat"]

# ---- worker (the default target): what a worker needs and nothing else ----
FROM runtime AS worker
COPY --from=build /src/worker/target/lib/ /app/lib/
COPY --from=build /src/worker/target/xaichat-worker.jar /app/xaichat-worker.jar
USER xaichat
EXPOSE 9400
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
    CMD curl -fsS http://127.0.0.1:9400/readyz > /dev/null || exit 1
# sh expands $XAICHAT_JAVA_OPTS, then exec replaces it with java, so SIGTERM from `docker stop` reaches the
# worker, which finishes its running job (XAICHAT_SHUTDOWN_GRACE) before exiting.
ENTRYPOINT ["/bin/sh", "-c", "exec java $XAICHAT_JAVA_OPTS -cp '/app/xaichat-worker.jar:/app/lib/*' io.xaichat.worker.WorkerMain \"$@\"", "xaichat-worker"]

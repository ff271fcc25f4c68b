package io.xaichat.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/** Whether the test servers run as Testcontainers (a Docker engine answers) or in-process. */
final class Docker {

    /** {@code -Dxaichat.test.docker=false} forces the in-process servers even when Docker is available. */
    static final String PROPERTY = "xaichat.test.docker";

    private static final Logger log = LoggerFactory.getLogger(Docker.class);
    private static volatile Boolean available;

    private Docker() {
    }

    static boolean available() {
        Boolean known = available;
        if (known == null) {
            known = !"false".equalsIgnoreCase(System.getProperty(PROPERTY))
                    && DockerClientFactory.instance().isDockerAvailable();
            available = known;
            log.info(known ? "Docker engine found: test servers run in containers"
                    : "No Docker engine (or -D" + PROPERTY + "=false): test servers run in-process");
        }
        return known;
    }
}

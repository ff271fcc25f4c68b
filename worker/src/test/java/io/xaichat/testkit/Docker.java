package io.xaichat.testkit;

import org.testcontainers.DockerClientFactory;

/** Whether the test servers run as Testcontainers (a Docker engine answers) or in-process. */
final class Docker {

    /** {@code -Dxaichat.test.docker=false} forces the in-process servers even when Docker is available. */
    static final String PROPERTY = "xaichat.test.docker";

    private static volatile Boolean available;

    private Docker() {
    }

    static boolean available() {
        Boolean known = available;
        if (known == null) {
            known = !"false".equalsIgnoreCase(System.getProperty(PROPERTY))
                    && DockerClientFactory.instance().isDockerAvailable();
            available = known;
        }
        return known;
    }
}

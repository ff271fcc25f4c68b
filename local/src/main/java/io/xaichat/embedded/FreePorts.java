package io.xaichat.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1 for servers that need a port number before they bind. */
final class FreePorts {

    private FreePorts() {
    }

    /**
     * A port the OS reports free right now. Another process could take it before the caller binds; for tests and
     * local mode on one machine that window is acceptable.
     */
    static int loopback() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
        }
    }

    /** A free port other than {@code taken} (which may be chosen but not yet bound). */
    static int loopbackExcept(int taken) {
        int port = loopback();
        while (port == taken) {
            port = loopback();
        }
        return port;
    }

    /** Fails with a message naming {@code server} when {@code port} on 127.0.0.1 is already taken. */
    static void requireFree(int port, String server) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.getLocalPort(); // bound: the port is free
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + server + ": port " + port
                    + " on 127.0.0.1 is in use (" + e.getMessage() + "); choose another port or 0 for a free one", e);
        }
    }
}

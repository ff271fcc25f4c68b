package io.xaichat.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves parameters of one handle type to a server started on first use and shared by every test in the JVM.
 * The handle lives in the root store, which JUnit closes (AutoCloseable) when the test run ends.
 */
abstract class SharedServerExtension<H extends ServerHandle> implements ParameterResolver {

    private final Class<H> handleType;

    SharedServerExtension(Class<H> handleType) {
        this.handleType = handleType;
    }

    /** Starts the server behind the shared handle; called once per JVM. */
    abstract H startServer();

    @Override
    public final boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == handleType;
    }

    @Override
    public final Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return handle(context);
    }

    final H handle(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(getClass()))
                .getOrComputeIfAbsent(handleType, type -> startServer(), handleType);
    }
}

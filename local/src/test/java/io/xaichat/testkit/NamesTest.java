package io.xaichat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void namesAreUniqueAndLegalTopicNames() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(Names.unique("xaichat.jobs"));
        }
        assertThat(names).hasSize(1000).allSatisfy(name ->
                assertThat(name).startsWith("xaichat.jobs-").matches("[A-Za-z0-9._-]+"));
    }

    @Test
    void rejectsPrefixesKafkaWouldRefuse() {
        assertThatThrownBy(() -> Names.unique("jobs/chat"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got: jobs/chat");
    }
}

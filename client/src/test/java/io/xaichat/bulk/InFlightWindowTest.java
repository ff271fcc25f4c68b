package io.xaichat.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

    @Test
    void theReaderBlocksWhenTheWindowIsFullAndGoesOnWhenASlotIsFreed() throws Exception {
        InFlightWindow window = new InFlightWindow(2);
        AtomicInteger submitted = new AtomicInteger();
        CountDownLatch thirdSubmitted = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                for (int i = 0; i < 3; i++) {
                    window.acquire();
                    submitted.incrementAndGet();
                }
                thirdSubmitted.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        // The third acquire cannot pass until a slot is released.
        assertThat(thirdSubmitted.await(300, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(submitted.get()).isEqualTo(2);
        assertThat(window.inFlight()).isEqualTo(2);
        window.release();
        assertThat(thirdSubmitted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(submitted.get()).isEqualTo(3);
        reader.join();
    }

    @Test
    void awaitIdleReturnsOnlyWhenEveryJobIsSettled() throws Exception {
        InFlightWindow window = new InFlightWindow(3);
        window.acquire();
        window.acquire();
        CountDownLatch idle = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                window.awaitIdle();
                idle.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        window.release();
        assertThat(idle.await(300, TimeUnit.MILLISECONDS)).isFalse();
        window.release();
        assertThat(idle.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(window.inFlight()).isZero();
        waiter.join();
    }

    @Test
    void anInterruptedReaderStopsWaiting() throws Exception {
        InFlightWindow window = new InFlightWindow(1);
        window.acquire();
        Thread.currentThread().interrupt();
        assertThatThrownBy(window::acquire).isInstanceOf(InterruptedException.class);
    }

    @Test
    void rejectsAnEmptyWindow() {
        assertThatThrownBy(() -> new InFlightWindow(0)).hasMessageContaining("at least 1, got 0");
    }
}

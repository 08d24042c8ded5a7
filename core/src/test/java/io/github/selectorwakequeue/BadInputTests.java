package io.github.selectorwakequeue;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Test 13: a {@code null} task fails with {@code NullPointerException("task")}; bad builder values fail
 * with an {@link IllegalArgumentException} naming the parameter and the value.
 */
class BadInputTests {

	private SelectorWakeQueue queue;

	@BeforeEach
	void open() {
		this.queue = SelectorWakeQueue.builder().name("bad-input").build();
	}

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void nullTaskIsRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> this.queue.offer(null)).withMessage("task");
		assertThatNullPointerException().isThrownBy(() -> this.queue.execute(null)).withMessage("task");
		assertThatNullPointerException().isThrownBy(() -> this.queue.schedule(Duration.ofMillis(1), null))
			.withMessage("task");
		assertThatNullPointerException().isThrownBy(() -> this.queue.schedule(null, () -> {
		})).withMessage("delay");
		assertThat(this.queue.stats().enqueued()).isZero();
	}

	@Test
	void nullTaskIsRefusedAfterCloseToo() {
		this.queue.close(Duration.ZERO);
		assertThatNullPointerException().isThrownBy(() -> this.queue.execute(null)).withMessage("task");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, Integer.MIN_VALUE, (1 << 30) + 1, Integer.MAX_VALUE })
	void capacityOutOfRangeIsNamed(int capacity) {
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().capacity(capacity))
			.withMessageContaining("capacity")
			.withMessageContaining(String.valueOf(capacity));
	}

	@Test
	void capacityBoundsAreAccepted() {
		assertThat(SelectorWakeQueue.builder().capacity(1)).isNotNull();
		assertThat(SelectorWakeQueue.builder().capacity(1 << 30)).isNotNull();
	}

	@Test
	void blankOrNullNameIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().name(" "))
			.withMessageContaining("name")
			.withMessageContaining("' '");
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().name(null))
			.withMessageContaining("name")
			.withMessageContaining("null");
	}

	@Test
	void nullCollaboratorsAreNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().overflowPolicy(null))
			.withMessageContaining("overflowPolicy")
			.withMessageContaining("null");
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().errorHandler(null))
			.withMessageContaining("errorHandler")
			.withMessageContaining("null");
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().threadFactory(null))
			.withMessageContaining("threadFactory")
			.withMessageContaining("null");
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().taskTimings(null, 1))
			.withMessageContaining("taskTimings");
		assertThatIllegalArgumentException().isThrownBy(() -> SelectorWakeQueue.builder().taskTimings((w, r) -> {
		}, 0)).withMessageContaining("sampleEvery").withMessageContaining("0");
	}

	@Test
	void negativeDurationsAreNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.queue.schedule(Duration.ofMillis(-5), () -> {
		})).withMessageContaining("delay").withMessageContaining("PT-0.005S");
		assertThatIllegalArgumentException().isThrownBy(() -> this.queue.close(Duration.ofSeconds(-1)))
			.withMessageContaining("timeout")
			.withMessageContaining("PT-1S");
		assertThat(this.queue.isClosed()).isFalse();
	}

}

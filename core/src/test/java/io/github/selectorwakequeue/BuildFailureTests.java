package io.github.selectorwakequeue;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code build()} opens the wake-up pipe, then a selector: when no selector can be opened (a process out of file
 * descriptors, the usual reason), the build fails and must not leave the pipe's two descriptors open, which would
 * make the shortage worse with every retry (found while reading why the fault-injection cases that fail the
 * selector's open at build pass: the test does not count descriptors).
 */
class BuildFailureTests {

	private static final Path OPEN_DESCRIPTORS = Path.of("/proc/self/fd");

	@Test
	void aSelectorThatCannotBeOpenedLeavesNoDescriptorOpenBehindTheFailedBuild() {
		assumeTrue(Files.isDirectory(OPEN_DESCRIPTORS), "counts the process's descriptors in /proc (Linux)");
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			SelectorIo noSelector = () -> {
				throw new IOException("Too many open files (test)");
			};
			long before = openDescriptors();
			for (int i = 0; i < 20; i++) {
				assertThatThrownBy(() -> SelectorWakeQueue.builder().name("no-selector").selectorIo(noSelector).build())
					.hasRootCauseMessage("Too many open files (test)");
			}
			assertThat(openDescriptors() - before).as("descriptors left open by 20 failed builds").isLessThan(10);
		});
	}

	private static long openDescriptors() throws IOException {
		try (Stream<Path> descriptors = Files.list(OPEN_DESCRIPTORS)) {
			return descriptors.count();
		}
	}

}

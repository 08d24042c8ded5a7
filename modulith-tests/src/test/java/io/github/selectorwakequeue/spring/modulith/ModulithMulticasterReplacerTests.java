package io.github.selectorwakequeue.spring.modulith;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The Modulith versions the replacement accepts, and the message for the others.
 */
class ModulithMulticasterReplacerTests {

	@Test
	void supportedReleaseLinesPass() {
		assertThatNoException().isThrownBy(() -> ModulithMulticasterReplacer.checkVersion("2.0.3"));
		assertThatNoException().isThrownBy(() -> ModulithMulticasterReplacer.checkVersion("2.1.1"));
		assertThatNoException().isThrownBy(() -> ModulithMulticasterReplacer.checkVersion(null));
	}

	@Test
	void anUnsupportedVersionFailsNamingItAndTheSwitch() {
		assertThatIllegalStateException().isThrownBy(() -> ModulithMulticasterReplacer.checkVersion("1.4.4"))
			.withMessageContaining("Spring Modulith 1.4.4 is not supported")
			.withMessageContaining("2.0.x, 2.1.x")
			.withMessageContaining("selector-wake-queue.events.modulith.enabled=false");
		assertThatIllegalStateException().isThrownBy(() -> ModulithMulticasterReplacer.checkVersion("2.10.0"));
	}

}

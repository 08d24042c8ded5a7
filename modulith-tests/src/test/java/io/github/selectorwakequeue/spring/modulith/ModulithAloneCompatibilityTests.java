package io.github.selectorwakequeue.spring.modulith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The same expectations with Spring Modulith's own multicaster and {@code @Async} executor (the composition switched
 * off): they describe Modulith's behaviour, which the starter must keep.
 */
@SpringBootTest(classes = ModulithTestApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = "selector-wake-queue.events.modulith.enabled=false")
class ModulithAloneCompatibilityTests extends ModulithCompatibilityTests {

}

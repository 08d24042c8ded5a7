package io.github.selectorwakequeue.sample.modulith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample with Spring Modulith's event publication registry: {@code POST /orders} commits orders from several
 * threads, a module listener receives them on the queue in commit order, and the answer says where each listener
 * ran and whether Modulith completed every publication.
 */
@SpringBootApplication
public class ModulithSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(ModulithSampleApplication.class, args);
	}

}

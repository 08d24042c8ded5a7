package io.github.selectorwakequeue.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application. The starter on the classpath is all it takes: a {@code SelectorWakeQueue}
 * bean to inject, a reactor thread started and stopped with the context, and ordinary application
 * events delivered on that reactor. Each package shows one thing: {@code tasks}, {@code orders},
 * {@code burst} and {@code hazards}.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

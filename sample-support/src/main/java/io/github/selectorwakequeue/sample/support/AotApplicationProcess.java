package io.github.selectorwakequeue.sample.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An application jar started in its own JVM as a user starts an AOT-processed application:
 * {@code java -Dspring.aot.enabled=true -jar app.jar --server.port=0}. Its output is collected; the port is read
 * from Tomcat's start-up line. {@link #close()} stops it with SIGTERM, as a container would, and kills it only if it
 * has not exited within the bound. Every wait is bounded. Used by both samples' AOT tests.
 */
public final class AotApplicationProcess implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Pattern STARTED = Pattern.compile("Started \\S+ in [\\d.]+ seconds");

	private static final Duration STOP_BOUND = Duration.ofSeconds(30);

	private final Process process;

	private final List<String> output = new ArrayList<>();

	private final CompletableFuture<Integer> port = new CompletableFuture<>();

	private final CompletableFuture<Void> started = new CompletableFuture<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private AotApplicationProcess(Process process) {
		this.process = process;
		Thread reader = new Thread(this::readOutput, "aot-application-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Starts the jar and waits until the application reports it has started.
	 * @param jar the repackaged jar, processed by {@code spring-boot:process-aot}
	 * @param startBound how long start-up may take
	 * @return the running application
	 */
	public static AotApplicationProcess start(Path jar, Duration startBound) throws Exception {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No application jar at " + jar + ": build it with -Paot");
		}
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Dspring.aot.enabled=true", "-jar", jar.toString(),
				"--server.port=0")
			.redirectErrorStream(true)
			.start();
		AotApplicationProcess application = new AotApplicationProcess(process);
		try {
			application.started.get(startBound.toMillis(), TimeUnit.MILLISECONDS);
			return application;
		}
		catch (Exception ex) {
			application.close();
			throw new IllegalStateException("The application did not start within " + startBound + ":\n"
					+ application.output(), ex);
		}
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (this.output) {
					this.output.add(line);
				}
				Matcher port = PORT.matcher(line);
				if (port.find()) {
					this.port.complete(Integer.valueOf(port.group(1)));
				}
				if (STARTED.matcher(line).find() && this.port.isDone()) {
					this.started.complete(null);
				}
			}
		}
		catch (IOException ex) {
			// the process is gone: the futures below say so
		}
		this.started.completeExceptionally(new IllegalStateException("The application exited before it started"));
	}

	/** Everything the application has printed so far. */
	public String output() {
		synchronized (this.output) {
			return String.join("\n", this.output);
		}
	}

	/** {@code GET} on the application, answered within 30 s; returns the body of a 2xx answer. */
	public String get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	/** {@code POST} without a body, answered within 90 s; returns the body of a 2xx answer. */
	public String post(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port.join() + path);
	}

	private String send(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(90)).build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ": "
					+ response.body());
		}
		return response.body();
	}

	/**
	 * Stops the application with SIGTERM and waits, bounded, for it to exit.
	 * @return whether it exited by itself within the bound (otherwise it was killed)
	 */
	public boolean stop() throws InterruptedException {
		this.process.destroy();
		if (this.process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
			return true;
		}
		this.process.destroyForcibly().waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
		return false;
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			stop();
		}
	}

}

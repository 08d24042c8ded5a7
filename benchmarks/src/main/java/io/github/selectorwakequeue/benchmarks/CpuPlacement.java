package io.github.selectorwakequeue.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Pins threads to CPUs with {@code taskset} (Linux). On a 2-CPU machine the scheduler sometimes wakes the
 * consumer on the CPU where the producer is spinning, and the round trip then measures a preemption
 * instead of a wake-up; pinning the producer and the consumer to different CPUs makes every sample a
 * cross-CPU wake-up, for every alternative alike. Best effort: if it cannot pin, it says so and goes on.
 */
final class CpuPlacement {

	private CpuPlacement() {
	}

	/**
	 * Pins the calling thread.
	 * @param cpu the CPU number
	 */
	static void pinCurrentThread(int cpu) {
		try {
			String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "<pid>/task/<tid>"
			taskset(cpu, self.substring(self.lastIndexOf('/') + 1), Thread.currentThread().getName());
		}
		catch (IOException | UnsupportedOperationException ex) {
			System.out.println("[placement] cannot pin " + Thread.currentThread().getName() + ": " + ex);
		}
	}

	/**
	 * Pins the thread of this JVM whose (native, 15-character) name starts like {@code name}.
	 * @param name the Java thread name
	 * @param cpu the CPU number
	 */
	static void pinThreadNamed(String name, int cpu) {
		String comm = (name.length() > 15) ? name.substring(0, 15) : name;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
			for (Path task : tasks) {
				if (Files.readString(task.resolve("comm")).strip().equals(comm)) {
					taskset(cpu, task.getFileName().toString(), name);
					return;
				}
			}
			System.out.println("[placement] no thread named " + name);
		}
		catch (IOException ex) {
			System.out.println("[placement] cannot pin " + name + ": " + ex);
		}
	}

	private static void taskset(int cpu, String tid, String name) throws IOException {
		Process process = new ProcessBuilder("taskset", "-pc", String.valueOf(cpu), tid).redirectErrorStream(true).start();
		try {
			String output = new String(process.getInputStream().readAllBytes()).strip();
			if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
				System.out.println("[placement] taskset failed for " + name + ": " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

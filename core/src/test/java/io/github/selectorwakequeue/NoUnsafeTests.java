package io.github.selectorwakequeue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core uses no {@code Unsafe}, reads no field offsets and does not depend on JCTools, so a GraalVM native image
 * runs it as it is. JCTools' default queues read {@code Unsafe} field offsets, which a native image must recompute
 * (netty#10376, quarkus#38423), and need its {@code atomic} variants as a fallback there; core's ring is our own
 * implementation of that algorithm on {@code VarHandle}s, so there is nothing to recompute and nothing to fall back
 * to. Checked on core's compiled classes: every class, method and field a class file refers to, and every string
 * constant it holds (a {@code Class.forName} or {@code getDeclaredField} argument), is a UTF-8 entry of its constant
 * pool.
 */
class NoUnsafeTests {

	/** Names whose presence in a constant pool means Unsafe, field offsets or JCTools. */
	private static final List<String> FORBIDDEN = List.of("sun/misc/Unsafe", "sun.misc.Unsafe",
			"jdk/internal/misc/Unsafe", "jdk.internal.misc.Unsafe", "theUnsafe", "objectFieldOffset",
			"staticFieldOffset", "arrayBaseOffset", "arrayIndexScale", "org/jctools", "org.jctools");

	@Test
	void coreClassesReferToNoUnsafeNoFieldOffsetAndNoJCTools() throws IOException {
		Map<String, List<String>> offending = new TreeMap<>();
		List<String> scanned = new ArrayList<>();
		forEachCoreClass((name, bytes) -> {
			scanned.add(name);
			List<String> hits = utf8Constants(bytes).stream()
				.filter((constant) -> FORBIDDEN.stream().anyMatch(constant::contains))
				.toList();
			if (!hits.isEmpty()) {
				offending.put(name, hits);
			}
		});
		// The scan saw core's compiled classes, the ring among them, not an empty or wrong directory.
		assertThat(scanned).contains("io/github/selectorwakequeue/TaskRing.class",
				"io/github/selectorwakequeue/SelectorWakeQueue.class", "io/github/selectorwakequeue/WakeSignal.class");
		assertThat(scanned).hasSizeGreaterThan(20);
		assertThat(offending).as("core classes referring to Unsafe, field offsets or JCTools").isEmpty();
	}

	/** The same scan finds them where they are: in the JDK's own {@code ConcurrentHashMap}. */
	@Test
	void theScanFindsUnsafeAndFieldOffsetsWhereTheyAreUsed() throws IOException {
		byte[] bytes;
		try (InputStream in = Object.class.getResourceAsStream("/java/util/concurrent/ConcurrentHashMap.class")) {
			assertThat(in).isNotNull();
			bytes = in.readAllBytes();
		}
		assertThat(utf8Constants(bytes)).anyMatch((constant) -> constant.contains("jdk/internal/misc/Unsafe"))
			.anyMatch((constant) -> constant.contains("objectFieldOffset"));
	}

	private interface ClassFileVisitor {

		void visit(String name, byte[] bytes) throws IOException;

	}

	/** Visits every class file of core's main output: a directory under Maven, or a jar. */
	private static void forEachCoreClass(ClassFileVisitor visitor) throws IOException {
		Path location;
		try {
			location = Path.of(SelectorWakeQueue.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot locate core's classes", ex);
		}
		if (Files.isDirectory(location)) {
			visitTree(location, visitor);
			return;
		}
		try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + location.toUri()), Map.of())) {
			visitTree(jar.getPath("/"), visitor);
		}
	}

	private static void visitTree(Path root, ClassFileVisitor visitor) throws IOException {
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".class")).sorted().toList()) {
				String name = root.relativize(file).toString().replace('\\', '/');
				visitor.visit(name, Files.readAllBytes(file));
			}
		}
	}

	/**
	 * The UTF-8 entries of a class file's constant pool (JVMS 4.4): every class, member name and descriptor, and
	 * every string constant of the class.
	 */
	static List<String> utf8Constants(byte[] classFile) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
			if (in.readInt() != 0xCAFEBABE) {
				throw new IllegalArgumentException("Not a class file");
			}
			in.readUnsignedShort(); // minor version
			in.readUnsignedShort(); // major version
			int count = in.readUnsignedShort();
			List<String> utf8 = new ArrayList<>();
			for (int index = 1; index < count; index++) {
				int tag = in.readUnsignedByte();
				switch (tag) {
					case 1 -> utf8.add(in.readUTF()); // Utf8
					case 7, 8, 16, 19, 20 -> in.skipBytes(2); // Class, String, MethodType, Module, Package
					case 15 -> in.skipBytes(3); // MethodHandle
					case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4); // Integer, Float, member refs, NameAndType, (Invoke)Dynamic
					case 5, 6 -> { // Long, Double: eight bytes and two slots
						in.skipBytes(8);
						index++;
					}
					default -> throw new IllegalArgumentException("Unknown constant pool tag " + tag + " at " + index);
				}
			}
			return utf8;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

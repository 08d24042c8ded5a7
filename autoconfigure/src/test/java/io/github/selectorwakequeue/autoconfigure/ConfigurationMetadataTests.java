package io.github.selectorwakequeue.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata an IDE shows ({@code META-INF/spring-configuration-metadata.json}, generated from the
 * properties' Javadoc and {@code additional-spring-configuration-metadata.json}) describes every property the
 * starter reads, and README's configuration table lists the same properties with the same defaults.
 */
class ConfigurationMetadataTests {

	private static final Pattern README_ROW = Pattern.compile("^\\| `(selector-wake-queue\\.[a-z.-]+)` \\| ([^|]+) \\|",
			Pattern.MULTILINE);

	private final DocumentContext metadata = metadata();

	@Test
	void theHealthIndicatorsSwitchIsDescribed() {
		assertThat(property("management.health.selectorwakequeue.enabled")).containsEntry("type", "java.lang.Boolean")
			.containsEntry("defaultValue", true)
			.hasEntrySatisfying("description", (description) -> assertThat((String) description).isNotBlank());
	}

	@Test
	void theStallThresholdSaysItAlsoBoundsOneListenersCall() {
		assertThat((String) property("selector-wake-queue.health.stall-threshold").get("description"))
			.contains("listener");
	}

	@Test
	void everyPropertyOfTheStarterHasADescription() {
		List<Map<String, Object>> properties = this.metadata.read("$.properties[?(@.name =~ /selector-wake-queue\\..*/)]");
		assertThat(properties).isNotEmpty()
			.allSatisfy((property) -> assertThat((String) property.get("description")).as((String) property.get("name"))
				.isNotBlank());
	}

	@Test
	void readmesConfigurationTableListsEveryPropertyWithItsDefault() throws IOException {
		Map<String, String> readme = new LinkedHashMap<>();
		Matcher row = README_ROW.matcher(Files.readString(Path.of("..", "README.md")));
		while (row.find()) {
			readme.put(row.group(1), row.group(2).trim().replace("`", ""));
		}
		List<String> names = this.metadata.read("$.properties[?(@.name =~ /selector-wake-queue\\..*/)].name");
		assertThat(readme.keySet()).containsExactlyInAnyOrderElementsOf(names);
		for (String name : names) {
			Object defaultValue = property(name).get("defaultValue");
			if (defaultValue != null) {
				assertThat(readme.get(name)).as("README's default of " + name).isEqualTo(String.valueOf(defaultValue));
			}
		}
	}

	private Map<String, Object> property(String name) {
		List<Map<String, Object>> found = this.metadata.read("$.properties[?(@.name == '" + name + "')]");
		assertThat(found).as(name).hasSize(1);
		return found.get(0);
	}

	private static DocumentContext metadata() {
		try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			return JsonPath.parse(json);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

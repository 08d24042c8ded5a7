package io.github.selectorwakequeue.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.selectorwakequeue.sample.PromQlSelectors.LabelMatcher;
import io.github.selectorwakequeue.sample.PromQlSelectors.Selector;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard {@code observability/grafana/selector-wake-queue.json} cannot go stale silently: every
 * series its panels and variables query exists in the sample app's Prometheus scrape right after start-up (so
 * panels show zero, not "no data"), with the label values they select; every {@code wakequeue_*} meter has a
 * panel; the README's alerts are on it; and it picks its data source through a variable, never a fixed uid.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class GrafanaDashboardTests {

	private static final Path DASHBOARD = Path.of("..", "observability", "grafana", "selector-wake-queue.json");

	private static final Path README = Path.of("..", "README.md");

	private static final String DATASOURCE = "${datasource}";

	/** A sample line of the exposition format: name, optional labels, value. */
	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+\\S+.*$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]\\w*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final JsonNode dashboard = JsonMapper.builder().build().readTree(DASHBOARD.toFile());

	@Autowired
	private RestTestClient client;

	@Test
	void everyQueriedSeriesIsInTheScrapeAtStartWithTheSelectedLabelValues() {
		// Nothing has run through the queue of this application: every series must be there from start-up.
		Map<String, List<Map<String, String>>> scrape = scrape();
		Map<String, List<String>> missing = new LinkedHashMap<>();
		for (Map.Entry<String, String> query : queries().entrySet()) {
			for (Selector selector : PromQlSelectors.of(query.getValue())) {
				List<Map<String, String>> series = scrape.get(selector.metric());
				if (series == null) {
					missing.computeIfAbsent(query.getKey(), (key) -> new ArrayList<>()).add(selector.metric());
					continue;
				}
				for (LabelMatcher required : selector.requiredValues()) {
					if (series.stream().noneMatch((labels) -> required.value().equals(labels.get(required.label())))) {
						missing.computeIfAbsent(query.getKey(), (key) -> new ArrayList<>())
							.add(selector.metric() + "{" + required.label() + "=\"" + required.value() + "\"}");
					}
				}
			}
		}
		assertThat(missing).as("series queried by the dashboard but absent from /actuator/prometheus").isEmpty();
	}

	@Test
	void everyWakequeueMeterOfTheScrapeHasAPanel() {
		Set<String> queried = new HashSet<>();
		queries().values().forEach((query) -> PromQlSelectors.of(query).forEach((s) -> queried.add(family(s.metric()))));
		Set<String> meters = new TreeSet<>();
		scrape().keySet().stream().filter((name) -> name.startsWith("wakequeue_")).forEach((name) -> meters.add(family(name)));
		assertThat(meters).isNotEmpty();
		assertThat(queried).containsAll(meters);
	}

	@Test
	void everyPanelHasAnIdOfItsOwn() {
		// Grafana keys panel links, repeats and "view panel" on the id: two panels with one id open the wrong one.
		List<Integer> ids = new ArrayList<>();
		for (JsonNode panel : this.dashboard.path("panels")) {
			ids.add(panel.path("id").asInt());
			panel.path("panels").forEach((inner) -> ids.add(inner.path("id").asInt()));
		}
		assertThat(ids).doesNotHaveDuplicates();
	}

	@Test
	void theReadmeAlertsAreOnTheDashboard() throws IOException {
		Matcher block = Pattern.compile("```promql\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(README));
		List<String> alerts = new ArrayList<>();
		while (block.find()) {
			alerts.add(normalize(block.group(1)));
		}
		assertThat(alerts).as("PromQL blocks in README.md").hasSize(2);
		List<String> descriptions = panels().stream().map((panel) -> normalize(panel.path("description").asString())).toList();
		for (String alert : alerts) {
			assertThat(descriptions).as("a panel quoting the README's alert").anyMatch((d) -> d.contains(alert));
			// And the alert's own series are in the scrape, as the panel's are.
			Map<String, List<Map<String, String>>> scrape = scrape();
			assertThat(PromQlSelectors.of(alert)).allMatch((selector) -> scrape.containsKey(selector.metric()));
		}
	}

	@Test
	void dataSourceIsATemplateVariableEverywhere() {
		JsonNode datasource = variable("datasource");
		assertThat(datasource.path("type").asString()).isEqualTo("datasource");
		assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
		assertThat(this.dashboard.has("__inputs")).as("no ${DS_...} inputs: they break file provisioning").isFalse();
		List<String> fixed = new ArrayList<>();
		collectDatasourceUids(this.dashboard, "", fixed);
		assertThat(fixed).as("data sources that are not ${datasource}").isEmpty();
		for (JsonNode panel : panels()) {
			assertThat(panel.path("datasource").path("uid").asString()).as(panel.path("title").asString())
				.isEqualTo(DATASOURCE);
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("datasource").path("uid").asString()).isEqualTo(DATASOURCE);
			}
		}
	}

	@Test
	void instanceAndNameVariablesFilterEveryPanelQuery() {
		for (String name : List.of("instance", "name")) {
			JsonNode variable = variable(name);
			assertThat(variable.path("type").asString()).isEqualTo("query");
			assertThat(variable.path("datasource").path("uid").asString()).isEqualTo(DATASOURCE);
			assertThat(variable.path("query").path("query").asString()).startsWith("label_values(wakequeue_depth_tasks")
				.endsWith(", " + name + ")");
		}
		for (JsonNode panel : panels()) {
			for (JsonNode target : panel.path("targets")) {
				for (Selector selector : PromQlSelectors.of(target.path("expr").asString())) {
					assertThat(selector.matchers()).as(panel.path("title").asString() + ": " + selector.metric())
						.contains(new LabelMatcher("instance", "=~", "$instance"), new LabelMatcher("name", "=~", "$name"));
				}
			}
		}
	}

	/** Every PromQL the dashboard runs, keyed by where it is: panel targets and variable queries. */
	private Map<String, String> queries() {
		Map<String, String> queries = new LinkedHashMap<>();
		for (JsonNode panel : panels()) {
			for (JsonNode target : panel.path("targets")) {
				queries.put(panel.path("title").asString() + " / " + target.path("refId").asString(),
						target.path("expr").asString());
			}
		}
		for (JsonNode variable : this.dashboard.path("templating").path("list")) {
			if (variable.path("type").asString().equals("query")) {
				queries.put("variable " + variable.path("name").asString(), variable.path("query").path("query").asString());
			}
		}
		assertThat(queries).isNotEmpty().allSatisfy((where, query) -> assertThat(query).as(where).isNotBlank());
		return queries;
	}

	/** Panels with queries (rows left out), nested rows included. */
	private List<JsonNode> panels() {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : this.dashboard.path("panels")) {
			if (panel.path("type").asString().equals("row")) {
				panel.path("panels").forEach(panels::add);
			}
			else {
				panels.add(panel);
			}
		}
		assertThat(panels).isNotEmpty();
		return panels;
	}

	private JsonNode variable(String name) {
		for (JsonNode variable : this.dashboard.path("templating").path("list")) {
			if (variable.path("name").asString().equals(name)) {
				return variable;
			}
		}
		throw new AssertionError("no template variable '" + name + "' in " + DASHBOARD);
	}

	/** Every "datasource" object in the dashboard whose uid is not the variable (Grafana's built-in one aside). */
	private static void collectDatasourceUids(JsonNode node, String path, List<String> fixed) {
		if (node.isObject()) {
			JsonNode datasource = node.get("datasource");
			if (datasource != null && !"grafana".equals(datasource.path("type").asString())) {
				String uid = datasource.isObject() ? datasource.path("uid").asString() : datasource.asString();
				if (!DATASOURCE.equals(uid)) {
					fixed.add(path + ".datasource = " + datasource);
				}
			}
			node.properties().forEach((entry) -> collectDatasourceUids(entry.getValue(), path + "." + entry.getKey(), fixed));
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				collectDatasourceUids(node.get(i), path + "[" + i + "]", fixed);
			}
		}
	}

	/** Series of the scrape by name, each with its labels. */
	private Map<String, List<Map<String, String>>> scrape() {
		String text = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		Map<String, List<Map<String, String>>> series = new HashMap<>();
		for (String line : text.lines().toList()) {
			Matcher sample = SAMPLE.matcher(line);
			if (line.startsWith("#") || !sample.matches()) {
				continue;
			}
			Map<String, String> labels = new HashMap<>();
			if (sample.group(2) != null) {
				Matcher label = LABEL.matcher(sample.group(2));
				while (label.find()) {
					labels.put(label.group(1), label.group(2));
				}
			}
			series.computeIfAbsent(sample.group(1), (name) -> new ArrayList<>()).add(labels);
		}
		return series;
	}

	/** A meter's family: its Prometheus name without the suffixes a timer or histogram adds. */
	private static String family(String series) {
		return series.replaceFirst("_(bucket|count|sum|max)$", "");
	}

	private static String normalize(String promQl) {
		return promQl.replaceAll("\\s+", " ").trim();
	}

}

package io.github.selectorwakequeue.sample;

import java.util.List;

import io.github.selectorwakequeue.sample.PromQlSelectors.LabelMatcher;
import io.github.selectorwakequeue.sample.PromQlSelectors.Selector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PromQlSelectors} finds exactly the metric names an expression reads, with their matchers, and nothing
 * else: no function, aggregation, keyword, label, number, duration, string or Grafana variable.
 */
class PromQlSelectorsTests {

	@Test
	void stallAlertOfTheReadme() {
		List<Selector> selectors = PromQlSelectors.of("""
				max by (instance, name) (wakequeue_depth_tasks) > 0
				  and on (instance, name)
				sum by (instance, name) (rate(wakequeue_tasks_total{outcome="dispatched"}[2m])) == 0""");
		assertThat(selectors).extracting(Selector::metric)
			.containsExactly("wakequeue_depth_tasks", "wakequeue_tasks_total");
		assertThat(selectors.get(1).requiredValues()).containsExactly(new LabelMatcher("outcome", "=", "dispatched"));
	}

	@Test
	void saturationAlertOfTheReadme() {
		List<Selector> selectors = PromQlSelectors.of("""
				max by (instance, name) (wakequeue_depth_tasks / wakequeue_capacity_tasks) > 0.8
				  or
				sum by (instance, name) (rate(wakequeue_tasks_total{outcome=~"rejected|discarded|caller_runs|overflowed"}[5m])) > 0""");
		assertThat(selectors).extracting(Selector::metric)
			.containsExactly("wakequeue_depth_tasks", "wakequeue_capacity_tasks", "wakequeue_tasks_total");
		assertThat(selectors.get(2).requiredValues()).containsExactly(new LabelMatcher("outcome", "=", "rejected"),
				new LabelMatcher("outcome", "=", "discarded"), new LabelMatcher("outcome", "=", "caller_runs"),
				new LabelMatcher("outcome", "=", "overflowed"));
	}

	@Test
	void histogramQuantileWithGrafanaVariables() {
		List<Selector> selectors = PromQlSelectors.of("histogram_quantile(0.99, sum by (instance, name, le) "
				+ "(rate(wakequeue_wait_seconds_bucket{instance=~\"$instance\", name=~\"${name}\"}[$__rate_interval])))");
		assertThat(selectors).extracting(Selector::metric).containsExactly("wakequeue_wait_seconds_bucket");
		assertThat(selectors.get(0).matchers()).containsExactly(new LabelMatcher("instance", "=~", "$instance"),
				new LabelMatcher("name", "=~", "${name}"));
		assertThat(selectors.get(0).requiredValues()).isEmpty();
	}

	@Test
	void boolComparisonsClampAndIncreaseOverTheDashboardRange() {
		assertThat(PromQlSelectors.of("clamp_max((max by (i) (a_total{x=\"1\"}) > bool 0.8) + on (i) "
				+ "(sum without (j) (increase(b_seconds_count[$__range])) > bool 0), 1)"))
			.extracting(Selector::metric)
			.containsExactly("a_total", "b_seconds_count");
	}

	@Test
	void keywordsNumbersDurationsAndOffsetsAreNotMetrics() {
		assertThat(PromQlSelectors.of("1e3 * foo:bar_rate5m offset 5m unless ignoring (x) baz > Inf or qux @ start()"))
			.extracting(Selector::metric)
			.containsExactly("foo:bar_rate5m", "baz", "qux");
	}

	@Test
	void stringsOutsideMatchersAreNotMetrics() {
		assertThat(PromQlSelectors.of("label_replace(up, \"dst\", \"$1\", \"src\", \"(some_name.*)\")"))
			.extracting(Selector::metric)
			.containsExactly("up");
	}

	@Test
	void bracesAndQuotesInsideMatcherValues() {
		List<Selector> selectors = PromQlSelectors.of("http_requests_total{uri=\"/a{b}\\\"c\", method!=\"GET\"}");
		assertThat(selectors).extracting(Selector::metric).containsExactly("http_requests_total");
		assertThat(selectors.get(0).requiredValues()).containsExactly(new LabelMatcher("uri", "=", "/a{b}\\\"c"));
	}

	@Test
	void aRegexThatIsNotAPlainAlternationRequiresNothing() {
		assertThat(PromQlSelectors.of("x{outcome=~\"disp.*\", mode!~\"a|b\"}").get(0).requiredValues()).isEmpty();
	}

	@Test
	void grafanaLabelValuesQueries() {
		assertThat(PromQlSelectors.of("label_values(wakequeue_depth_tasks, instance)")).extracting(Selector::metric)
			.containsExactly("wakequeue_depth_tasks");
		assertThat(PromQlSelectors.of("label_values(wakequeue_depth_tasks{instance=~\"$instance\"}, name)"))
			.extracting(Selector::metric)
			.containsExactly("wakequeue_depth_tasks");
		assertThat(PromQlSelectors.of("label_values(instance)")).isEmpty();
	}

	@Test
	void unreadableMatchersAreAnErrorNamingTheExpression() {
		assertThatIllegalArgumentException().isThrownBy(() -> PromQlSelectors.of("x{outcome=dispatched}"))
			.withMessageContaining("x{outcome=dispatched}");
		assertThatIllegalArgumentException().isThrownBy(() -> PromQlSelectors.of("x{outcome=\"a\""))
			.withMessageContaining("Unclosed");
	}

}

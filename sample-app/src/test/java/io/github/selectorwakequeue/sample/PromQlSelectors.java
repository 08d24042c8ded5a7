package io.github.selectorwakequeue.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the series selectors in a PromQL expression, or in a Grafana {@code label_values(selector, label)} query:
 * each metric name it reads, with its label matchers. Enough of PromQL for dashboard checks, not a parser: it
 * drops strings, ranges and grouping clauses, then takes every identifier that is neither a function, an
 * aggregation nor a keyword as a metric name. Grafana variables ({@code $name}, {@code ${name}}) are left in
 * matcher values and dropped elsewhere.
 */
final class PromQlSelectors {

	private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_]\\w*\\s*\\)\\s*$",
			Pattern.DOTALL);

	private static final Pattern LABEL_VALUES_OF_LABEL = Pattern.compile("^\\s*label_values\\(\\s*[a-zA-Z_]\\w*\\s*\\)\\s*$");

	private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");

	private static final Pattern GROUPING = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*\\}|\\$\\w+");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.#])([a-zA-Z_:][a-zA-Z0-9_:]*)");

	private static final Pattern MATCHER = Pattern
		.compile("\\s*([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

	/** Words that are not metric names: binary operators, modifiers, aggregations and number literals. */
	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
			"ignoring", "group_left", "group_right", "atan2", "sum", "min", "max", "avg", "group", "stddev", "stdvar",
			"count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio", "inf", "nan");

	private PromQlSelectors() {
	}

	/**
	 * The selectors of an expression, in order of appearance.
	 * @param expression a PromQL expression or a {@code label_values(...)} query
	 * @return one entry per metric name read
	 */
	static List<Selector> of(String expression) {
		if (LABEL_VALUES_OF_LABEL.matcher(expression).matches()) {
			return List.of(); // label_values(label): every series, no metric named
		}
		Matcher labelValues = LABEL_VALUES.matcher(expression);
		String promQl = labelValues.matches() ? labelValues.group(1) : expression;
		// Matcher blocks first, so that their strings and braces cannot be mistaken for the rest of the expression.
		List<List<LabelMatcher>> blocks = new ArrayList<>();
		String masked = maskMatcherBlocks(promQl, blocks);
		masked = masked.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'", "\"\"");
		masked = RANGE.matcher(masked).replaceAll(" ");
		masked = GROUPING.matcher(masked).replaceAll(" ");
		masked = GRAFANA_VARIABLE.matcher(masked).replaceAll(" ");
		List<Selector> selectors = new ArrayList<>();
		Matcher identifier = IDENTIFIER.matcher(masked);
		while (identifier.find()) {
			String name = identifier.group(1);
			String rest = masked.substring(identifier.end()).stripLeading();
			if (rest.startsWith("(") || KEYWORDS.contains(name.toLowerCase())) {
				continue; // a function or aggregation call, or a keyword
			}
			List<LabelMatcher> matchers = List.of();
			Matcher block = Pattern.compile("^#(\\d+)#").matcher(rest);
			if (block.find()) {
				matchers = blocks.get(Integer.parseInt(block.group(1)));
			}
			selectors.add(new Selector(name, matchers));
		}
		return selectors;
	}

	/** Replaces each {@code {...}} block (quotes respected) by {@code #n#} and parses its matchers into blocks. */
	private static String maskMatcherBlocks(String promQl, List<List<LabelMatcher>> blocks) {
		StringBuilder masked = new StringBuilder();
		int i = 0;
		while (i < promQl.length()) {
			char c = promQl.charAt(i);
			if (c != '{') {
				masked.append(c);
				i++;
				continue;
			}
			int end = i + 1;
			boolean quoted = false;
			while (end < promQl.length() && (quoted || promQl.charAt(end) != '}')) {
				char d = promQl.charAt(end);
				if (d == '\\' && quoted) {
					end++;
				}
				else if (d == '"') {
					quoted = !quoted;
				}
				end++;
			}
			if (end >= promQl.length()) {
				throw new IllegalArgumentException("Unclosed '{' at " + i + " in: " + promQl);
			}
			blocks.add(parseMatchers(promQl.substring(i + 1, end), promQl));
			masked.append('#').append(blocks.size() - 1).append('#');
			i = end + 1;
		}
		return masked.toString();
	}

	private static List<LabelMatcher> parseMatchers(String block, String promQl) {
		List<LabelMatcher> matchers = new ArrayList<>();
		Matcher matcher = MATCHER.matcher(block);
		int at = 0;
		while (at < block.length() && matcher.find(at) && matcher.start() == at) {
			matchers.add(new LabelMatcher(matcher.group(1), matcher.group(2), matcher.group(3)));
			at = matcher.end();
		}
		if (!block.substring(at).isBlank()) {
			throw new IllegalArgumentException("Unreadable label matchers {" + block + "} in: " + promQl);
		}
		return matchers;
	}

	/**
	 * One series selector.
	 * @param metric the metric name
	 * @param matchers its label matchers, as written
	 */
	record Selector(String metric, List<LabelMatcher> matchers) {

		/**
		 * The label values a series must have for this selector to match anything: those of {@code =} matchers and
		 * of {@code =~} matchers that are a plain alternation ({@code "a|b|c"}), each alternative once; matchers
		 * holding a Grafana variable are left out.
		 * @return pairs of label and value
		 */
		List<LabelMatcher> requiredValues() {
			List<LabelMatcher> required = new ArrayList<>();
			for (LabelMatcher matcher : this.matchers) {
				if (matcher.value().contains("$")) {
					continue;
				}
				if (matcher.op().equals("=")) {
					required.add(matcher);
				}
				else if (matcher.op().equals("=~") && matcher.value().matches("\\w+(\\|\\w+)*")) {
					for (String alternative : matcher.value().split("\\|")) {
						required.add(new LabelMatcher(matcher.label(), "=", alternative));
					}
				}
			}
			return required;
		}

	}

	/**
	 * One label matcher.
	 * @param label the label name
	 * @param op {@code =}, {@code !=}, {@code =~} or {@code !~}
	 * @param value the value or regular expression, unquoted
	 */
	record LabelMatcher(String label, String op, String value) {
	}

}

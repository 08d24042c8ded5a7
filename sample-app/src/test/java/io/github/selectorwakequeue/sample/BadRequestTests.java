package io.github.selectorwakequeue.sample;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every endpoint of the sample that takes a parameter answers a value out of range (or not a number) with HTTP
 * 400 and a problem body naming each offending parameter, the value it got and the values it allows, and does
 * nothing else (no order is stored).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@ActiveProfiles("test")
class BadRequestTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	private static final String LONG_ITEM = "x".repeat(101);

	private static final String TEXT = "1 to 100 characters, not blank, no control characters";

	@Autowired
	private RestTestClient client;

	@Autowired
	private JdbcClient jdbc;

	static Stream<Arguments> badRequests() {
		return Stream.of(
				arguments("/orders?item=&quantity=-5",
						List.of(invalid("item", "", TEXT),
								invalid("quantity", "-5", "1 to 1000"))),
				arguments("/orders?item=++", List.of(invalid("item", "  ", TEXT))),
				arguments("/orders?item=" + LONG_ITEM,
						List.of(invalid("item", LONG_ITEM, TEXT))),
				arguments("/orders?quantity=1001", List.of(invalid("quantity", "1001", "1 to 1000"))),
				arguments("/orders?quantity=many",
						List.of(invalid("quantity", "many", "1 to 1000"))),
				arguments("/orders?item=%00", List.of(invalid("item", "\u0000", TEXT))),
				arguments("/orders?item=book%0AAudit:%20forged", List.of(invalid("item", "book\nAudit: forged", TEXT))),
				arguments("/orders?quantity=", List.of(invalid("quantity", "", "1 to 1000"))),
				arguments("/burst?events=-1&threads=0",
						List.of(invalid("events", "-1", "1 to 50000 (at least one per thread)"),
								invalid("threads", "0", "1 to 64"))),
				arguments("/burst?events=3&threads=4",
						List.of(invalid("events", "3", "4 to 50000 (at least one per thread)"))),
				arguments("/burst?events=50001",
						List.of(invalid("events", "50001", "4 to 50000 (at least one per thread)"))),
				arguments("/burst?events=&threads=",
						List.of(invalid("events", "", "1 to 50000 (at least one per thread)"),
								invalid("threads", "", "1 to 64"))),
				arguments("/tasks?count=", List.of(invalid("count", "", "1 to 1000000"))),
				arguments("/tasks?count=100000000", List.of(invalid("count", "100000000", "1 to 1000000"))),
				arguments("/tasks?count=0", List.of(invalid("count", "0", "1 to 1000000"))),
				arguments("/tasks?count=99999999999",
						List.of(invalid("count", "99999999999", "1 to 1000000"))),
				arguments("/hazards/stall?seconds=0", List.of(invalid("seconds", "0", "1 to 120"))),
				arguments("/hazards/stall?seconds=121", List.of(invalid("seconds", "121", "1 to 120"))),
				arguments("/hazards/gc?objects=0", List.of(invalid("objects", "0", "1 to 100000"))),
				arguments("/hazards/interrupted?threads=65&events=0",
						List.of(invalid("threads", "65", "1 to 64"), invalid("events", "0", "1 to 100000"))),
				arguments("/hazards/stall?seconds=", List.of(invalid("seconds", "", "1 to 120"))),
				arguments("/hazards/gc?objects=", List.of(invalid("objects", "", "1 to 100000"))),
				arguments("/hazards/interrupted?threads=&events=",
						List.of(invalid("threads", "", "1 to 64"), invalid("events", "", "1 to 100000"))),
				arguments("/hazards/reentrant?events=", List.of(invalid("events", "", "1 to 1000000"))),
				arguments("/hazards/reentrant?events=0", List.of(invalid("events", "0", "1 to 1000000"))));
	}

	@ParameterizedTest(name = "POST {0}")
	@MethodSource("badRequests")
	void answers400NamingEachParameterItsValueAndTheAllowedRange(String uri, List<Map<String, String>> expected) {
		assertTimeoutPreemptively(BOUND, () -> {
			long ordersBefore = orders();

			// As written, percent-escapes included (a String would be taken as a template, and its '%' encoded again).
			EntityExchangeResult<String> result = this.client.post().uri(URI.create(uri)).exchange()
				.returnResult(String.class);

			assertThat(result.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			DocumentContext body = JsonPath.parse(result.getResponseBody());
			assertThat(body.read("$.status", Integer.class)).isEqualTo(400);
			assertThat(body.read("$.instance", String.class)).isEqualTo(uri.substring(0, uri.indexOf('?')));
			List<Map<String, String>> invalid = body.read("$.invalidParams");
			assertThat(invalid).containsExactlyInAnyOrderElementsOf(expected);
			String detail = body.read("$.detail", String.class);
			for (Map<String, String> parameter : expected) {
				assertThat(detail).contains("'" + parameter.get("name") + "'").contains(parameter.get("allowed"));
			}
			assertThat(orders()).as("orders stored").isEqualTo(ordersBefore);
		});
	}

	static Stream<Arguments> wrongMethods() {
		return Stream.of(arguments(HttpMethod.GET, "/tasks"), arguments(HttpMethod.GET, "/burst"),
				arguments(HttpMethod.DELETE, "/orders"), arguments(HttpMethod.PUT, "/hazards/stall"));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("wrongMethods")
	void aWrongMethodIsAnsweredWithAProblemBodyLikeA400(HttpMethod method, String uri) {
		assertTimeoutPreemptively(BOUND, () -> {
			EntityExchangeResult<String> result = this.client.method(method).uri(uri).exchange()
				.returnResult(String.class);

			assertThat(result.getStatus()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
			assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			DocumentContext body = JsonPath.parse(result.getResponseBody());
			assertThat(body.read("$.status", Integer.class)).isEqualTo(405);
			assertThat(body.read("$.instance", String.class)).isEqualTo(uri);
			assertThat(body.read("$.detail", String.class)).contains(method.name());
		});
	}

	private static Map<String, String> invalid(String name, String value, String allowed) {
		return Map.of("name", name, "value", value, "allowed", allowed);
	}

	private long orders() {
		return this.jdbc.sql("select count(*) from orders").query(Long.class).single();
	}

}

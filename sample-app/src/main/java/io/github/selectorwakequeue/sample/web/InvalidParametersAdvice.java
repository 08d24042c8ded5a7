package io.github.selectorwakequeue.sample.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers {@link InvalidParametersException} with HTTP 400 and an RFC 9457 problem body: {@code detail} says in
 * one sentence what was wrong, {@code invalidParams} lists each parameter's {@code name}, {@code value} and
 * {@code allowed} values.
 */
@RestControllerAdvice
class InvalidParametersAdvice {

	@ExceptionHandler(InvalidParametersException.class)
	ProblemDetail invalidParameters(InvalidParametersException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid request parameters");
		problem.setProperty("invalidParams", ex.parameters());
		return problem;
	}

}

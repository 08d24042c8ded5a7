package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every interleaving of the ordered overflow's order rule ({@link Overflow}): a producer appends an entry E (exchanges
 * the tail, then links) while the reactor polls, twice; once E's append has returned, a second producer offers, and
 * must go behind the ring (after E) unless E was already taken. The steps copy {@code Overflow}'s list step by step
 * (its append and poll are single methods, so they cannot be stopped half-way from here): one step per shared access.
 * <ul>
 * <li>As shipped, an offer asks the list itself whether anything waits: in every interleaving the second offer never
 * enters the ring while E waits.</li>
 * <li>The earlier design kept a separate "overflowing" flag, set by appenders and cleared by the reactor when it found
 * the list empty (then checked again): some interleaving clears it just after an append slipped in, and the second
 * offer overtakes E through the ring. That is why the flag is gone.</li>
 * </ul>
 */
class OverflowInterleavingTests {

	@Test
	void anOfferAfterAnAppendNeverOvertakesItWhenOffersAskTheListItself() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> explore(false));
		System.out.printf("[overflow interleavings] %d schedules, %d with E taken before the second offer%n",
				outcome.schedules, outcome.takenFirst);
		assertThat(outcome.schedules).isGreaterThan(10);
		assertThat(outcome.takenFirst).isPositive();
		assertThat(outcome.violations).isEmpty();
	}

	@Test
	void withASeparateOverflowingFlagSomeInterleavingLetsAnOfferOvertakeAnAppend() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> explore(true));
		assertThat(outcome.violations).anySatisfy((violation) -> assertThat(violation).contains("overtook"));
	}

	private static Outcome explore(boolean flagDesign) {
		Outcome outcome = new Outcome();
		Interleavings.explore(() -> new World(flagDesign), outcome::record);
		return outcome;
	}

	private static final class Outcome {

		long schedules;

		long takenFirst;

		final List<String> violations = new ArrayList<>();

		void record(World world) {
			this.schedules++;
			if (world.takenBeforeOffer) {
				this.takenFirst++;
			}
			if (world.violation != null && this.violations.size() < 5) {
				this.violations.add(world.violation);
			}
		}

	}

	/** A node of the modelled list, the shape of {@code Overflow.Entry}. */
	private static final class Node {

		volatile Node next;

	}

	/**
	 * Thread 0 appends E; thread 1, the reactor, polls twice (taking E if it is linked, waiting while a producer is
	 * between its exchange and its link); thread 2 offers once E's append has returned.
	 */
	private static final class World implements Interleavings.Model {

		final boolean flagDesign;

		volatile Node head = new Node();

		volatile Node tail = this.head;

		volatile boolean overflowing;

		final Node entry = new Node();

		Node previous;

		int p;

		int r;

		int polls;

		boolean check;

		boolean offered;

		boolean taken;

		boolean takenBeforeOffer;

		String violation;

		World(boolean flagDesign) {
			this.flagDesign = flagDesign;
		}

		@Override
		public int threads() {
			return 3;
		}

		@Override
		public boolean enabled(int thread) {
			return switch (thread) {
				case 0 -> this.p < 4;
				// a producer between its exchange and its link holds the reactor's poll until it links
				case 1 -> this.polls < 2 && !(this.r == 0 && this.head.next == null && this.tail != this.head);
				default -> this.p == 4 && !this.offered;
			};
		}

		@Override
		public void step(int thread) {
			switch (thread) {
				case 0 -> append();
				case 1 -> poll();
				default -> offer();
			}
		}

		private void append() {
			switch (this.p++) {
				case 0 -> {
					if (this.flagDesign && !this.overflowing) {
						this.overflowing = true;
					}
				}
				case 1 -> { // the exchange of the tail: one atomic step
					this.previous = this.tail;
					this.tail = this.entry;
				}
				case 2 -> this.previous.next = this.entry;
				default -> {
					if (this.flagDesign && !this.overflowing) {
						this.overflowing = true; // the earlier design's second look
					}
				}
			}
		}

		private void poll() {
			switch (this.r) {
				case 0 -> {
					Node next = this.head.next;
					if (next != null) {
						this.head = next;
						this.taken = true;
						endPoll();
					}
					else if (this.flagDesign) {
						this.r = 1;
					}
					else {
						endPoll();
					}
				}
				case 1 -> { // the earlier design: overflowing and empty?
					this.check = this.overflowing && this.tail == this.head;
					this.r = this.check ? 2 : 0;
					if (!this.check) {
						endPoll();
					}
				}
				case 2 -> {
					this.overflowing = false;
					this.r = 3;
				}
				default -> { // and its second look
					if (this.tail != this.head) {
						this.overflowing = true;
					}
					endPoll();
				}
			}
		}

		private void endPoll() {
			this.polls++;
			this.r = 0;
		}

		private void offer() {
			this.offered = true;
			this.takenBeforeOffer = this.taken;
			boolean refused = this.flagDesign ? this.overflowing : this.tail != this.head;
			if (!refused && !this.taken) {
				this.violation = "the second offer went into the ring while E waited behind it: it overtook E";
			}
		}

	}

}

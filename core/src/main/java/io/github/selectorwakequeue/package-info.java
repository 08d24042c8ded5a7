/**
 * A bounded, never-blocking cross-thread task queue drained by one reactor thread that sleeps in a
 * {@link java.nio.channels.Selector}. The public face is {@link io.github.selectorwakequeue.SelectorWakeQueue};
 * everything else here is package-private machinery, described once below.
 *
 * <h2>Thread roles</h2>
 * <ul>
 * <li><b>Producers</b>: any thread calling {@code offer}, {@code execute} or {@code schedule}, including the
 * reactor itself. They take no lock and never wait: a CAS on the ring ({@code TaskRing}), and at most one
 * non-blocking pipe write per reactor sleep ({@code WakeSignal}).</li>
 * <li><b>The reactor</b>: one thread at a time, owned by {@code ReactorSupervisor}, running {@code Reactor}'s
 * loop (timers → drain → sleep). It is the ring's single consumer while it lives and the only thread that runs
 * queued tasks and timers (through {@code TaskRunner}), and lane parts inline.</li>
 * <li><b>The lane monitor</b> ({@code LaneMonitor}, once lanes exist): hands a stuck inline part's reactor off to a
 * <b>spare</b> (a reactor thread started and parked in advance) through the one-transaction protocol in
 * {@code HandOff}, keeps a spare ready, and compensates stuck lane workers. It never runs user code.</li>
 * <li><b>Lane workers</b> ({@code LaneWorkers}): run the backlogs of lanes detached from the reactor, a lane on one
 * worker while it has backlog; a reactor thread that was handed off becomes its lane's worker until the backlog is
 * done, then ends.</li>
 * <li><b>The closer</b>: the thread in {@code close}. After the reactor exits, or after the timeout while it is
 * stuck in a task, it takes the consumer role ({@code ConsumerRole}) and drains what is left into the list it
 * returns. A producer whose offer raced with the end of {@code close} takes the role the same way and runs what
 * it finds.</li>
 * <li><b>Observers</b>: any thread calling {@code stats()}; they read what the reactor publishes in
 * {@code ReactorProbe}, never wait, and never write anything the reactor reads.</li>
 * </ul>
 * Data flows one way: producer → ring (or, for a fan-out that found it full, the {@code Overflow} behind it) →
 * reactor → runner → task, or → lane → worker → runner → part. Nothing below calls back up: the reactor returns
 * why it stopped, and its supervisor decides what follows.
 *
 * <h2>Calls out of the queue</h2>
 * Every call the control path makes to something the queue does not own (the thread factories, the logger, the
 * clock, the selector and pipe, the error handler, user tasks and a fan-out's methods) may throw or block. Each goes
 * through a seam ({@code ThreadFactory}, {@code InternalThreads}, {@code QueueLog}, {@code Clock}, {@code SelectorIo},
 * {@code TaskErrorHandler}, {@code TaskRunner}), and protocols prepare before they commit and call out after, holding
 * nothing: a failure there costs at most that call's own effect.
 *
 * <h2>Memory-ordering conventions</h2>
 * <ul>
 * <li>Hand-offs between threads go through the ring's CAS/ordered stores, the {@code SleepFlag}, the queue
 * state and the probe's phase; each of these is sequentially consistent where a Dekker pair depends on it (the
 * wake-up protocol in {@code WakeSignal}; the close hand-over in {@code ReactorProbe}) and a release store
 * elsewhere.</li>
 * <li>Fields written only by the reactor and read by observers are written with release (or plain volatile)
 * stores and read with acquire loads; observers may see a slightly old value, never a torn or invented one.</li>
 * <li>Every counter a producer touches is a {@link java.util.concurrent.atomic.LongAdder} or a CAS, never a lock.</li>
 * </ul>
 *
 * <h2>Stall detection</h2>
 * The reactor reads the clock once per 64 tasks (and at the first task of each drain batch), not per task. So
 * how long the current task has run is exact for a stamped task, and for any other it counts from the first
 * {@code stats()} call that saw the reactor in it: a stall shows from the second {@code stats()} call on.
 * Health checks and metric scrapes repeat, which is what makes this cheap on the hot path.
 *
 * <h2>Time</h2>
 * Every time rule (timers, the dead-slot grace period, stall detection) reads the queue's {@code Clock}
 * ({@link java.lang.System#nanoTime()} unless a test installs its own); only the selector's premature-return
 * detection reads the system clock, because it judges the JDK, not the queue.
 */
package io.github.selectorwakequeue;

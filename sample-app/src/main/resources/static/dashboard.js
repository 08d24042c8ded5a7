// Live dashboard of the sample's queue. Polls once a second, no libraries: counters, listener lanes and health from
// /actuator/wakequeue and the health group /actuator/health/dashboard (answers 200 even when DOWN, so a stall
// does not show as a failed request), sampled timers from /actuator/metrics. Rates are deltas between polls.
'use strict';

const HISTORY = 60; // points per chart: one minute
const COLORS = ['#2563eb', '#dc2626', '#9333ea'];

/**
 * A small line chart on a canvas: the last HISTORY values of one or more series, scaled to their peak, the scale's
 * top labelled with the unit (data-unit: " /s" for rates). Colours from data-colors, else blue, red, purple.
 */
class Sparkline {
	constructor(canvas) {
		this.canvas = canvas;
		this.series = canvas.dataset.series.split(',').map((label) => ({ label, points: [] }));
		this.unit = canvas.dataset.unit || '';
		this.colors = canvas.dataset.colors ? canvas.dataset.colors.split(',') : COLORS;
	}

	push(values) {
		values.forEach((value, i) => {
			const points = this.series[i].points;
			points.push(Number.isFinite(value) ? value : 0);
			if (points.length > HISTORY) {
				points.shift();
			}
		});
		// Exposed for people and tests alike: the newest values and the peak in the window.
		this.canvas.dataset.last = values.map(format).join(',');
		this.canvas.dataset.peak = String(this.peak());
		this.draw();
	}

	peak() {
		return Math.max(0, ...this.series.flatMap((s) => s.points));
	}

	draw() {
		const ratio = window.devicePixelRatio || 1;
		const width = this.canvas.clientWidth;
		const height = this.canvas.clientHeight;
		this.canvas.width = Math.round(width * ratio);
		this.canvas.height = Math.round(height * ratio);
		const g = this.canvas.getContext('2d');
		g.scale(ratio, ratio);
		g.clearRect(0, 0, width, height);
		const top = 14;
		const bottom = height - 2;
		const max = niceCeiling(this.peak());
		g.strokeStyle = '#e5e7eb';
		g.lineWidth = 1;
		[top, (top + bottom) / 2, bottom].forEach((y) => {
			g.beginPath();
			g.moveTo(0, Math.round(y) + 0.5);
			g.lineTo(width, Math.round(y) + 0.5);
			g.stroke();
		});
		g.fillStyle = '#6b7280';
		g.font = '10px system-ui, sans-serif';
		g.fillText(format(max) + this.unit, 2, 10);
		const step = width / (HISTORY - 1);
		this.series.forEach((s, i) => {
			const offset = HISTORY - s.points.length;
			const y = (v) => bottom - (v / max) * (bottom - top);
			g.strokeStyle = this.colors[i % this.colors.length];
			g.lineWidth = 1.5;
			g.beginPath();
			s.points.forEach((v, k) => (k === 0 ? g.moveTo : g.lineTo).call(g, (offset + k) * step, y(v)));
			g.stroke();
			if (i === 0 && s.points.length > 1) {
				g.lineTo((HISTORY - 1) * step, bottom);
				g.lineTo(offset * step, bottom);
				g.closePath();
				g.fillStyle = 'rgba(37, 99, 235, 0.12)';
				g.fill();
			}
		});
	}
}

/** 1, 2 or 5 times a power of ten, at least the value: a readable top for a chart's scale. */
function niceCeiling(value) {
	if (value <= 1) {
		return 1;
	}
	const power = Math.pow(10, Math.floor(Math.log10(value)));
	return [1, 2, 5, 10].map((m) => m * power).find((top) => top >= value);
}

function format(value) {
	if (!Number.isFinite(value)) {
		return '–';
	}
	const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : (Math.abs(value) >= 1 ? 1 : 3);
	return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** An ISO-8601 duration as Actuator writes it ("PT1.309S", "PT2M5S") in seconds, for people. */
function seconds(iso) {
	const total = secondsOf(iso);
	return Number.isFinite(total) ? total.toLocaleString('en-US', { maximumFractionDigits: 1 }) + ' s' : (iso || '–');
}

/** An ISO-8601 duration in seconds, or NaN. */
function secondsOf(iso) {
	const parts = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso || '');
	return parts ? 3600 * (+parts[1] || 0) + 60 * (+parts[2] || 0) + (+parts[3] || 0) : NaN;
}

/** An ISO-8601 duration for people, in the unit that suits it: "0", "850 µs", "1.06 ms", "12.3 s". */
function duration(iso) {
	return Number.isFinite(secondsOf(iso)) ? inUnits(secondsOf(iso)) : (iso || '–');
}

function inUnits(s) {
	if (s === 0) {
		return '0';
	}
	const [value, unit] = s < 1e-3 ? [s * 1e6, ' µs'] : (s < 1 ? [s * 1e3, ' ms'] : [s, ' s']);
	return value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : (value >= 10 ? 1 : 2) }) + unit;
}

const $ = (id) => document.getElementById(id);
const charts = {};
document.querySelectorAll('canvas[data-series]').forEach((canvas) => {
	charts[canvas.id.replace('chart-', '')] = new Sparkline(canvas);
});

let previous = null; // { at, queue } of the last poll, for rates
let timers = []; // names of the sampled timers this application has
let polling = false;
let lastUpdate = null; // when the server last answered, for the offline message

async function getJson(url) {
	const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
	if (!response.ok) {
		throw new Error(url + ' answered HTTP ' + response.status);
	}
	return response.json();
}

async function timerMax(name, queueName) {
	const metric = await getJson('actuator/metrics/' + name + '?tag=name:' + encodeURIComponent(queueName));
	const max = metric.measurements.find((m) => m.statistic === 'MAX');
	return max ? max.value * 1000 : NaN; // seconds to milliseconds
}

async function poll() {
	if (polling) {
		return; // the previous poll has not answered yet
	}
	polling = true;
	try {
		const [queue, health] = await Promise.all([getJson('actuator/wakequeue'), getJson('actuator/health/dashboard')]);
		const maxima = await Promise.all(timers.map((name) => timerMax(name, queue.name)));
		const at = performance.now();
		showQueue(queue, previous ? (at - previous.at) / 1000 : 0, previous && previous.queue);
		showTimers(maxima);
		showHealth(health);
		showLanes(queue, previous ? (at - previous.at) / 1000 : 0, previous && previous.queue);
		previous = { at, queue };
		lastUpdate = new Date();
		document.body.classList.remove('offline');
		$('updated').textContent = 'updated ' + lastUpdate.toLocaleTimeString();
		$('updated').title = '';
	}
	catch (failure) {
		// The server is gone (stopped, restarting) or answers with an error: what the page shows is the last data.
		setBadge('OFFLINE', 'unknown');
		document.body.classList.add('offline');
		$('updated').textContent = 'server not answering' + (lastUpdate ? ' since ' + lastUpdate.toLocaleTimeString() : '')
			+ ': showing the last data, retrying every second';
		$('updated').title = String(failure.message || failure);
	}
	finally {
		polling = false;
	}
}

function showQueue(q, seconds, before) {
	const rate = (read) => (before && seconds > 0 ? Math.max(0, (read(q) - read(before)) / seconds) : 0);
	const dispatched = rate((s) => s.dispatched);
	const wakeups = rate((s) => s.wakeups);
	const events = q.events || { async: 0, sync: 0 };
	$('queue-name').textContent = q.name;
	$('policy').textContent = 'overflow policy ' + q.overflowPolicy
		+ (q.eventRouting === true ? ' · events routed' : ' · events not routed: ' + q.eventRouting);
	$('depth').textContent = format(q.size);
	$('capacity').textContent = format(q.capacity);
	$('utilization').textContent = format(q.utilization);
	$('dispatched-rate').textContent = format(dispatched);
	$('dispatched-total').textContent = format(q.dispatched);
	$('wakeups-rate').textContent = format(wakeups);
	// How many tasks one wake-up brought in (a busy reactor needs none: producers then make no system call).
	$('tasks-per-wakeup').textContent = wakeups > 0 ? format(dispatched / wakeups) : '–';
	$('caller-runs-total').textContent = format(q.callerRuns);
	$('overflowed-total').textContent = format(q.overflowed);
	$('rejected-total').textContent = format(q.rejected);
	$('discarded-total').textContent = format(q.discarded);
	$('events-async').textContent = format(events.async);
	$('events-sync').textContent = format(events.sync);
	const all = events.async + events.sync;
	$('split-async').style.width = (all > 0 ? (100 * events.async) / all : 0) + '%';
	$('split-sync').style.width = (all > 0 ? (100 * events.sync) / all : 0) + '%';
	$('split-async').parentElement.title = all > 0 ? format((100 * events.async) / all) + ' % async' : 'no events yet';
	charts.depth.push([q.size]);
	charts.dispatched.push([dispatched]);
	charts.wakeups.push([wakeups]);
	charts.overflow.push([rate((s) => s.overflowed), rate((s) => s.callerRuns), rate((s) => s.rejected),
		rate((s) => s.discarded)]);
	charts.events.push([rate((s) => (s.events ? s.events.async : 0)), rate((s) => (s.events ? s.events.sync : 0))]);
}

function showTimers(maxima) {
	const [wait, execution] = [timers.indexOf('wakequeue.wait'), timers.indexOf('wakequeue.execution')]
		.map((i) => (i >= 0 ? maxima[i] : NaN));
	$('wait-max').textContent = format(wait);
	$('execution-max').textContent = format(execution);
	charts.timing.push([wait, execution]);
}

function setBadge(text, status) {
	const badge = $('health');
	badge.textContent = text;
	badge.className = 'badge ' + status;
}

function showHealth(group) {
	const component = (group.components && group.components.selectorWakeQueue) || group;
	const status = component.status || group.status;
	setBadge(status, status.toLowerCase().replace('_', '-'));
	const details = component.details || {};
	const stalled = status === 'DOWN';
	$('stall').hidden = !stalled;
	if (stalled) {
		// A stalled listener (its lane holds it up, nothing else waits) or the reactor itself (everything waits).
		const listener = details.stalledListener;
		const thread = details.stalledThread || details.reactorThread || {};
		$('stall-reason').textContent = details.reason || 'reactor not running';
		$('stall-listener-line').hidden = !listener;
		$('stall-listener').textContent = listener || '';
		$('stall-everything').hidden = Boolean(listener);
		$('stall-for').textContent = seconds(details.stalledFor);
		$('stall-thread').textContent = (thread.name || '?') + ' (' + (thread.state || '?') + ')';
		const list = $('stall-frames');
		list.replaceChildren(...(thread.stackTrace || []).map((frame) => {
			const item = document.createElement('li');
			item.textContent = frame;
			return item;
		}));
	}
}

const MODE_ORDER = { STUCK: 0, ON_WORKER: 1, ON_REACTOR: 2 };
const COLUMNS = ['listener', 'mode', 'waiting', 'lag', 'delivered / s', 'delivered', 'cost / event', 'running now'];
const WORKER = /-lane-worker-\d+$/;

/**
 * Where a lane's current call runs, for people. A STUCK lane's call that began on the reactor keeps that thread
 * after the hand-off: the former reactor, though it bears the reactor's name.
 */
function runningNow(lane, reactorName) {
	if (!lane.thread) {
		return '–';
	}
	const formerReactor = lane.mode === 'STUCK' && (lane.thread === reactorName || !WORKER.test(lane.thread));
	const where = formerReactor ? 'the former reactor thread (' + lane.thread + ')'
		: (lane.thread === reactorName ? 'the reactor' : lane.thread);
	return duration(lane.runningFor) + ' on ' + where;
}

/**
 * One row per listener lane: its mode, the events waiting for it and for how long, its delivery rate (a delta between
 * polls) and cost, and the thread of an event running off the reactor. Rows off the reactor come first, then by name.
 * Hidden when the queue reports no lanes.
 */
function showLanes(q, elapsed, before) {
	const lanes = Array.isArray(q.lanes) ? q.lanes : [];
	const panel = $('lanes');
	panel.hidden = lanes.length === 0;
	if (panel.hidden) {
		return;
	}
	const earlier = new Map(((before && before.lanes) || []).map((lane) => [lane.listener, lane]));
	const waiting = lanes.reduce((sum, lane) => sum + lane.depth, 0);
	const lag = Math.max(0, ...lanes.map((lane) => secondsOf(lane.lag)).filter(Number.isFinite));
	$('lanes-off').textContent = format(lanes.filter((lane) => lane.mode !== 'ON_REACTOR').length);
	$('lanes-count').textContent = format(lanes.length);
	$('lanes-waiting').textContent = format(waiting);
	$('lanes-lag').textContent = inUnits(lag);
	$('handoffs').textContent = format(q.reactorHandOffs || 0);
	charts.lanes.push([waiting]);
	const cell = (className, text) => {
		const element = document.createElement('td');
		element.className = className;
		element.textContent = text;
		return element;
	};
	const reactorName = q.reactorThread ? q.reactorThread.name : null;
	const sorted = [...lanes].sort((a, b) => (MODE_ORDER[a.mode] ?? 3) - (MODE_ORDER[b.mode] ?? 3)
		|| a.listener.localeCompare(b.listener));
	$('lanes-body').replaceChildren(...sorted.map((lane) => {
		const row = document.createElement('tr');
		row.dataset.listener = lane.listener;
		row.dataset.mode = lane.mode;
		const mode = cell('mode', '');
		const badge = document.createElement('span');
		badge.className = 'lane-mode ' + String(lane.mode).toLowerCase().replace('_', '-');
		badge.textContent = lane.mode;
		mode.append(badge);
		const was = earlier.get(lane.listener);
		const rate = was && elapsed > 0 ? Math.max(0, (lane.delivered - was.delivered) / elapsed) : 0;
		row.append(cell('listener', lane.listener), mode, cell('num depth', format(lane.depth)),
			cell('num lag', duration(lane.lag)), cell('num rate', format(rate)), cell('num delivered', format(lane.delivered)),
			cell('num cost', duration(lane.cost)), cell('running', runningNow(lane, reactorName)));
		// On a phone each row is a small card: every value carries its column's name.
		[...row.children].forEach((td, i) => { td.dataset.label = COLUMNS[i]; });
		return row;
	}));
}

async function post(button) {
	let url = button.dataset.post;
	if (button.dataset.seconds) {
		url += '?seconds=' + encodeURIComponent($(button.dataset.seconds).value);
	}
	button.disabled = true;
	const started = performance.now();
	const answer = $('answer');
	answer.textContent = 'POST /' + url + ' …';
	delete answer.dataset.outcome;
	try {
		const response = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' } });
		const body = await response.text();
		const millis = Math.round(performance.now() - started);
		// A refused request (400: a parameter out of range) says so on its first line, with the problem's detail.
		const refused = response.ok ? '' : ': ' + (problemDetail(body) || response.statusText || 'failed');
		answer.dataset.outcome = response.ok ? 'ok' : 'error';
		answer.textContent = 'POST /' + url + ' → HTTP ' + response.status + refused + ' (' + millis + ' ms)\n' + body;
	}
	catch (failure) {
		answer.dataset.outcome = 'error';
		answer.textContent = 'POST /' + url + ' failed: the server did not answer (' + (failure.message || failure) + ')';
	}
	finally {
		button.disabled = false;
		poll();
	}
}

/** The detail of an RFC 9457 problem body, or null. */
function problemDetail(body) {
	try {
		return JSON.parse(body).detail || null;
	}
	catch (notJson) {
		return null;
	}
}

/** What a stall must last to turn health DOWN, next to its input: shorter ones only show the lane STUCK. */
function showStallSettings(settings) {
	$('stall-hint').textContent = 'health turns DOWN once a stall lasts ' + seconds(settings.stallThreshold)
		+ ' (selector-wake-queue.health.stall-threshold); a shorter one shows its lane STUCK after '
		+ duration(settings.stuckThreshold) + ', and health stays UP';
}

document.querySelectorAll('button[data-post]').forEach((button) => button.addEventListener('click', () => post(button)));
getJson('hazards/stall').then(showStallSettings).catch(() => { $('stall-hint').textContent = ''; });

getJson('actuator/metrics')
	.then((list) => { timers = ['wakequeue.wait', 'wakequeue.execution'].filter((n) => list.names.includes(n)); })
	.catch(() => { timers = []; })
	.finally(() => {
		poll();
		setInterval(poll, 1000);
	});

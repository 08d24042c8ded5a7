#!/usr/bin/env python3
"""Turns a JMH JSON result file into Markdown tables: absolute figures and, for every alternative,
how it compares with our queue measured in the same run.

usage: report.py RESULTS.json [RUN.meta]
"""
import json
import sys
from collections import OrderedDict

# The parameter that names the thing compared, and its value for our queue (the reference of ratios).
REFERENCE = {"impl": "swq", "multicaster": "swq", "sampleEvery": "off"}

QUESTIONS = OrderedDict([
    ("ThroughputBenchmark", "End-to-end throughput (bursts of 10,000 tasks; tasks/s, higher is better)"),
    ("WakeLatencyBenchmark", "Wake-up latency into an idle consumer (round trip, µs, lower is better)"),
    ("ProducerCostBenchmark", "Producer-side cost of execute while the consumer keeps up (ns/op, lower is better) and allocation"),
    ("WakeEconomyBenchmark", "Wake-up economy (wake-ups per task)"),
    ("ObservabilityCostBenchmark", "Observability cost (ours, 1 producer, bursts of 10,000; tasks/s with TaskTimings into Micrometer Timers)"),
    ("SpringEventsBenchmark", "Spring level: publishEvent with one async listener"),
    ("ListenerLanesBenchmark", "Listener lanes: slow and stuck listeners (ms per scenario, lower is better)"),
    ("LogbackAppenderBenchmark", "Logback: caller cost of one INFO log call, and what reaches the attached appender"),
    ("DeliveryTracingBenchmark", "Tracing: end-to-end events/s with the publisher's trace carried and a span per delivery"),
])


def fmt(value, digits=3):
    if value is None:
        return "–"
    value = float(value)  # JMH writes "NaN" as a string
    if value != value:  # NaN
        return "–"
    magnitude = abs(value)
    if magnitude >= 1e6:
        return f"{value / 1e6:.2f} M"
    if magnitude >= 1e4:
        return f"{value / 1e3:.1f} k"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 0.01 or magnitude == 0:
        return f"{value:.{digits}g}"
    return f"{value:.2e}"


def ratio(value):
    return "–" if value is None else f"{value:.2f}×"


def load(path):
    with open(path) as handle:
        return json.load(handle)


def split(result):
    cls, method = result["benchmark"].rsplit(".", 1)
    return cls.rsplit(".", 1)[-1], method


def compared_param(params):
    for name in REFERENCE:
        if name in params:
            return name
    return None


def key_without(params, name):
    return tuple(sorted((k, v) for k, v in params.items() if k != name))


def secondary(result, name):
    metric = result.get("secondaryMetrics", {}).get(name)
    return None if metric is None else metric["score"]


def percentile(result, p):
    return result["primaryMetric"].get("scorePercentiles", {}).get(p)


def per_second(result, counter):
    """An EVENTS aux counter (summed over iterations) as a rate per second of measurement."""
    metric = result.get("secondaryMetrics", {}).get(counter)
    if metric is None:
        return None
    iterations = sum(len(fork) for fork in metric.get("rawData", [])) or 1
    amount, unit = result.get("measurementTime", "1 s").split()
    seconds = float(amount) * {"s": 1, "ms": 1e-3, "us": 1e-6, "min": 60}.get(unit, 1)
    return metric["score"] / (iterations * seconds)


def logback_table(rows, reference_of):
    """Rows of LogbackAppenderBenchmark: per sink and thread count, each appender's caller cost and delivery."""
    out = ["| sink | work | threads | impl | ns/call | ours × | B/call | calls/s | appended/s | appended share |",
           "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    threads = {"oneThread": 1, "fourThreads": 4}
    impls = ["swq", "async", "async-neverblock", "sync"]

    def order(row):
        params = row[1]["params"]
        impl = params.get("impl", "")
        return (params.get("sink", ""), int(params.get("work", 0)), threads.get(row[0], 0),
                impls.index(impl) if impl in impls else len(impls))

    for method, r in sorted(rows, key=order):
        ref = reference_of("LogbackAppenderBenchmark", method, r)
        score = r["primaryMetric"]["score"]
        calls, appended = per_second(r, "calls"), per_second(r, "appended")
        share = (appended / calls) if calls and appended is not None else None
        out.append(f"| {r['params'].get('sink')} | {r['params'].get('work', '0')} | {threads.get(method, '?')} | "
                   f"{r['params'].get('impl')} | "
                   f"{fmt(score)} | {ratio(better('avgt', ref['primaryMetric']['score'], score)) if ref else '–'} | "
                   f"{fmt(secondary(r, 'gc.alloc.rate.norm'))} | {fmt(calls)} | {fmt(appended)} | "
                   f"{'–' if share is None else f'{100 * share:.1f} %'} |")
    return out


def better(mode, ours, theirs):
    """How many times better ours is than theirs (>1: ours wins), by the mode's direction."""
    if ours is None or theirs is None or ours == 0 or theirs == 0:
        return None
    return ours / theirs if mode == "thrpt" else theirs / ours


def main():
    results = load(sys.argv[1])
    meta = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as handle:
            for line in handle:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    meta[k] = v

    out = []
    out.append("# Benchmark results")
    out.append("")
    if meta:
        out.append(f"- Date: {meta.get('date', '?')}; {meta.get('cores', '?')} cores ({meta.get('cpu', '?')}); {meta.get('java', '?')}")
        out.append(f"- Run: {meta.get('mode', '?')}, JMH 1.37, `-prof gc`")
        out.append(f"- Load average (1/5/15 min) before: {meta.get('load_before', '?')}; after: {meta.get('load_after', '?')}")
        out.append("")
    out.append("\"ours ×\" is how many times better our queue (`swq`) did than that row in the same run, in the "
               "direction that matters (higher tasks/s, lower time): above 1.00× ours wins, below it ours loses.")
    out.append("")

    by_class = OrderedDict()
    for result in results:
        cls, method = split(result)
        by_class.setdefault(cls, []).append((method, result))

    # Index of our rows for the ratios.
    ours = {}
    for result in results:
        cls, method = split(result)
        name = compared_param(result.get("params", {}))
        if name and result["params"][name] == REFERENCE[name]:
            ours[(cls, method, key_without(result["params"], name))] = result

    def reference_of(cls, method, result):
        name = compared_param(result.get("params", {}))
        if not name:
            return None
        return ours.get((cls, method, key_without(result["params"], name)))

    ordered = [c for c in QUESTIONS if c in by_class] + [c for c in by_class if c not in QUESTIONS]
    for cls in ordered:
        out.append(f"## {QUESTIONS.get(cls, cls)}")
        out.append("")
        rows = by_class[cls]
        if cls == "WakeLatencyBenchmark":
            out.append("| params | impl | p50 µs | p99 µs | p99.9 µs | mean µs | ours × (p50) | ours × (p99) |")
            out.append("|---|---|---:|---:|---:|---:|---:|---:|")
            for method, r in sorted(rows, key=lambda row: str(row[1]["params"].get("placement", ""))):
                ref = reference_of(cls, method, r)
                p50, p99, p999 = (percentile(r, p) for p in ("50.0", "99.0", "99.9"))
                rp50 = percentile(ref, "50.0") if ref else None
                rp99 = percentile(ref, "99.0") if ref else None
                others = ", ".join(f"{k}={v}" for k, v in r["params"].items() if k != "impl")
                out.append(f"| {others} | {r['params'].get('impl')} | {fmt(p50)} | {fmt(p99)} | {fmt(p999)} | "
                           f"{fmt(r['primaryMetric']['score'])} | {ratio(better('sample', rp50, p50))} | "
                           f"{ratio(better('sample', rp99, p99))} |")
        elif cls == "SpringEventsBenchmark":
            out.append("| multicaster | publish ns/op | ours × | B/op | end-to-end events/s | ours × | "
                       "wake-ups per event (steady stream) | wake-ups per event (bursts) |")
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
            by_method = {}
            for method, r in rows:
                by_method.setdefault(r["params"].get("multicaster"), {})[method] = r
            reference = by_method.get("swq", {})
            for name, methods in by_method.items():
                pub, e2e = methods.get("publish"), methods.get("endToEnd")
                ref_pub, ref_e2e = reference.get("publish"), reference.get("endToEnd")
                pub_score = pub["primaryMetric"]["score"] if pub else None
                e2e_score = e2e["primaryMetric"]["score"] if e2e else None
                stream = burst = None
                if name == "swq":  # only our queue counts its wake-ups
                    if pub and secondary(pub, "wakeups"):
                        stream = pub_score / float(secondary(pub, "wakeups"))  # avgt: ns/op over ns/wake-up
                    if e2e and e2e_score:
                        burst = float(secondary(e2e, "wakeups") or 0) / e2e_score
                out.append(f"| {name} | {fmt(pub_score)} | "
                           f"{ratio(better('avgt', ref_pub['primaryMetric']['score'], pub_score)) if ref_pub and pub else '–'} | "
                           f"{fmt(secondary(pub, 'gc.alloc.rate.norm') if pub else None)} | {fmt(e2e_score)} | "
                           f"{ratio(better('thrpt', ref_e2e['primaryMetric']['score'], e2e_score)) if ref_e2e and e2e else '–'} | "
                           f"{fmt(stream, 2)} | {fmt(burst, 2)} |")
        elif cls == "ListenerLanesBenchmark":
            out.append("| scenario | multicaster | measured ms | quick listeners done ms | all done ms | ideal ms | "
                       "all done / ideal | quick: pool8 / this | out of order |")
            out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
            pool_quick = {}
            for method, r in rows:
                if r["params"].get("multicaster") == "pool8":
                    runs = max(1, int(r.get("measurementIterations", 1)) * int(r.get("forks", 1) or 1))
                    pool_quick[r["params"].get("scenario")] = (secondary(r, "quickDoneMs") or 0) / runs
            for method, r in sorted(rows, key=lambda row: (row[1]["params"].get("scenario"), row[1]["params"].get("multicaster"))):
                scenario = r["params"].get("scenario")
                # JMH sums event counters over the measurement iterations: back to one scenario run.
                runs = max(1, int(r.get("measurementIterations", 1)) * int(r.get("forks", 1) or 1))
                quick, done, ideal, disorder = ((secondary(r, n) or 0) / runs
                                                for n in ("quickDoneMs", "allDoneMs", "idealMs", "outOfOrder"))
                over_ideal = (done / ideal) if (done and ideal and scenario == "slow") else None
                versus_pool = (pool_quick.get(scenario) / quick) if (quick and pool_quick.get(scenario)) else None
                out.append(f"| {scenario} | {r['params'].get('multicaster')} | {fmt(r['primaryMetric']['score'])} | "
                           f"{fmt(quick)} | {fmt(done)} | {fmt(ideal) if scenario == 'slow' else '–'} | "
                           f"{ratio(over_ideal)} | {ratio(versus_pool)} | {fmt(disorder)} |")
        elif cls == "LogbackAppenderBenchmark":
            out.extend(logback_table(rows, reference_of))
        elif cls == "WakeEconomyBenchmark":
            out.append("| impl | load | tasks/s | wake-ups/s | wake-ups per task | B/op (all threads) |")
            out.append("|---|---|---:|---:|---:|---:|")
            for method, r in rows:
                tasks = r["primaryMetric"]["score"]
                wakes = secondary(r, "wakeups")
                per_task = (wakes / tasks) if (wakes is not None and tasks) else None
                out.append(f"| {r['params'].get('impl')} | {r['params'].get('load')} | {fmt(tasks)} | {fmt(wakes)} | "
                           f"{fmt(per_task, 2)} | {fmt(secondary(r, 'gc.alloc.rate.norm'), 2)} |")
        else:
            extra_cols = []
            if any(secondary(r, "wakeups") is not None for _, r in rows):
                extra_cols.append("wakeups")
            header = "| benchmark | params | score | ± | unit | B/op | " + (
                "share of timers-off throughput |" if cls == "ObservabilityCostBenchmark" else "ours × |")
            align = "|---|---|---:|---:|---|---:|---:|"
            if extra_cols:
                header += " wake-ups per op |"
                align += "---:|"
            out.append(header)
            out.append(align)
            for method, r in rows:
                pm = r["primaryMetric"]
                ref = reference_of(cls, method, r)
                params = ", ".join(f"{k}={v}" for k, v in r.get("params", {}).items())
                if ref is None:
                    compared = None
                elif "sampleEvery" in r.get("params", {}):
                    compared = pm["score"] / ref["primaryMetric"]["score"]  # share of the timers-off throughput kept
                else:
                    compared = better(r["mode"], ref["primaryMetric"]["score"], pm["score"])
                line = (f"| {method} | {params} | {fmt(pm['score'])} | {fmt(pm.get('scoreError'))} | {pm['scoreUnit']} | "
                        f"{fmt(secondary(r, 'gc.alloc.rate.norm'), 2)} | {ratio(compared)} |")
                if extra_cols:
                    wakes = secondary(r, "wakeups")
                    line += f" {fmt(wakes / pm['score'], 2) if wakes is not None and pm['score'] else '–'} |"
                out.append(line)
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()

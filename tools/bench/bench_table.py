#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Put two binder_bench logs side by side: the stock 6.12 allocator and ours.

    bench_table.py [--qemu MODE] [--kernel VERSION] [--goals FILE]
                   stock.log ours.log

Reads the BENCH and INFO lines binder_bench prints (anything else in the
logs, such as a console's boot messages, is ignored; a log may hold several
boots of the same kernel, whose repetitions add up) and prints one table:
each metric's median [min-max] over the repetitions on both kernels, the
ratio of the medians, oriented so that > 1 always means ours is better,
and the row's goal where bench_goals.json (beside this file) has one.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys

GOALS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "bench_goals.json")

TITLES = {
    "install.fresh.1sender": "install fresh pages, 1 sender",
    "install.fresh.senders": "install fresh pages, {senders} senders",
    "install.fresh.churn": "install fresh, 1 sender, {churners} target threads churn mmap",
    "fill.warm.1sender": "same, pages already installed (reference)",
    "rt.0B.tput": "round trip 0 B, throughput",
    "rt.0B.p50": "round trip 0 B, p50 latency",
    "rt.0B.p99": "round trip 0 B, p99 latency",
    "rt.4KiB.tput": "round trip 4 KiB, throughput",
    "rt.4KiB.p50": "round trip 4 KiB, p50 latency",
    "rt.4KiB.p99": "round trip 4 KiB, p99 latency",
    "reclaim.rate": "reclaim via shrinker scan",
    "reclaim.rate.churn": "reclaim, {churners} owner threads churn mmap",
    "reclaim.skipped.churn": "pages skipped by 1st scan, churn",
    "reclaim.leftover.remap": "pages left after munmap+remap+scan",
    "mem.open.measured": "per binder fd at open (measured)",
    "pressure.reclaim.kswapd": "kswapd runs, memory pressure phase",
    "pressure.reclaim.direct": "direct reclaim stalls, memory pressure phase",
    "pressure.reclaim.slabs": "shrinker objects scanned, memory pressure phase",
    "pressure.reclaim.binder_calls": "binder shrinker calls by reclaim, pressure phase",
    "pressure.reclaim.binder_pages": "binder pages freed by reclaim, pressure phase",
    "pressure.reclaim.oom_kills": "OOM kills, memory pressure phase",
}

LOCK_TITLES = {
    "write": "target mmap_lock write acquisitions/page",
    "read": "target mmap_lock read acquisitions/page",
    "wait": "wait for target mmap_lock per page",
    "hold": "target mmap_lock held for write per page",
    "vma_fail": "per-VMA lock failures per page",
}
SENDERS = {"idle": "no sender", "1sender": "1 sender",
           "senders": "{senders} senders"}
PROBE = "target mmap+touch+munmap"
SLOW = "target iterations over 1 ms per 1000 pages installed"


def title_pattern(parts):
    """Titles of the lock.*, target.*, pressure.* and latency rows."""
    what, last = parts[0], parts[-1]
    if what == "lock" and len(parts) == 3 and last in LOCK_TITLES:
        return "%s, %s" % (LOCK_TITLES[last], SENDERS.get(parts[1], parts[1]))
    if what == "target" and len(parts) == 3:
        return "%s, %s" % (SLOW if last == "slow" else PROBE + " " + last,
                           SENDERS.get(parts[1], parts[1]))
    if parts[:3] == ["install", "lat", "1sender"]:
        if last == "rate":
            return "install fresh pages, 1 sender, target probed"
        return "install txn %s, 1 sender, target probed" % last
    if what == "pressure" and len(parts) >= 3:
        rest = {"target": "%s, 1 sender" % (
                    SLOW if last == "slow" else PROBE + " " + last),
                "install": "install txn %s, 1 sender" % last
                if last != "rate" else "install fresh pages, 1 sender"}
        sub = rest.get(parts[1]) or title_pattern(parts[1:])
        return sub and sub + ", memory pressure"
    if what == "rt" and len(parts) == 3 and last == "max":
        return "round trip %s, max latency" % re.sub(r"^(\d+)", r"\1 ", parts[1])
    if what == "rt" and ".".join(parts) in TITLES:
        return TITLES[".".join(parts)]
    return None


def title(key, info):
    fill = dict(senders=info.get("senders", "N"),
                churners=info.get("churners", "N"))
    if key in TITLES:
        return TITLES[key].format(**fill)
    parts = key.split(".")
    if len(parts) == 4 and parts[0] == "mem":
        return "metadata %s map, %s%% installed (%s)" % (
            parts[1].replace("MiB", " MiB"), parts[2].replace("pct", ""),
            parts[3])
    found = title_pattern(parts)
    return found.format(**fill) if found else key


def load_goals(path):
    """key -> goal dict of bench_goals.json; one clear line if unreadable."""
    try:
        with open(path) as f:
            goals = json.load(f)["goals"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit("bench_table: goals %s: %s" % (path, e))
    for key, goal in goals.items():
        if "text" not in goal or not ("ratio" in goal or "ours_max" in goal):
            sys.exit("bench_table: goals %s: %s wants text and ratio or "
                     "ours_max" % (path, key))
    return goals


class Log:
    def __init__(self, path):
        self.path = path
        self.info = {}
        self.metrics = {}       # key -> (unit, better, [values])
        self.order = []
        self.boots = 0
        with open(path, errors="replace") as f:
            for line in f:
                self.parse(line)

    def parse(self, line):
        # a console may prefix lines with escape sequences: find the tag
        for tag in ("BENCH ", "INFO "):
            at = line.find(tag)
            if at >= 0:
                words = line[at:].split()
                break
        else:
            return
        if words[0] == "INFO" and len(words) >= 2:
            self.info[words[1]] = " ".join(words[2:])
            if words[1] == "label":
                self.boots += 1
        elif words[0] == "BENCH" and len(words) >= 5:
            key, unit, better = words[1:4]
            try:
                values = [float(v) for v in words[4:]]
            except ValueError:
                return
            if key not in self.metrics:
                self.order.append(key)
                self.metrics[key] = (unit, better, [])
            self.metrics[key][2].extend(values)


def fmt(v, unit=""):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    if unit in ("bytes", "pages"):
        return "%.0f" % v
    a = abs(v)
    if a < 1:
        return "%.3g" % v
    if a >= 1e6:
        return "%.3gM" % (v / 1e6)
    if a >= 1e4:
        return "%.3gk" % (v / 1e3)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def summary(values, unit):
    if not values:
        return "-"
    return "%s [%s-%s]" % (fmt(statistics.median(values), unit),
                           fmt(min(values), unit), fmt(max(values), unit))


def ratio(stock, ours, better):
    """> 1 means ours is better; None for rows that only count (none)."""
    if stock is None or ours is None or better == "none":
        return None
    num, den = (ours, stock) if better == "higher" else (stock, ours)
    if den == 0:
        return 1.0 if num == 0 else math.inf
    return num / den


def fmt_ratio(r):
    if r is None:
        return "-"
    if math.isinf(r):
        return "inf"
    return "%.2fx" % r


def fmt_goal(goal, r, ours):
    if not goal:
        return ""
    text = goal["text"]
    if "ours_max" in goal:
        met = None if ours is None else ours <= goal["ours_max"]
    else:
        met = None if r is None else r >= goal["ratio"]
    if met is None:
        return text
    return "%s %s" % (text, "met" if met else "MISSED")


def rows(stock, ours, goals):
    keys = stock.order + [k for k in ours.order if k not in stock.metrics]
    for key in keys:
        s = stock.metrics.get(key)
        o = ours.metrics.get(key)
        unit, better = (s or o)[:2]
        sv = s[2] if s else []
        ov = o[2] if o else []
        sm = statistics.median(sv) if sv else None
        om = statistics.median(ov) if ov else None
        r = ratio(sm, om, better)
        yield (title(key, stock.info), unit, summary(sv, unit), summary(ov, unit),
               fmt_ratio(r),
               fmt_goal(goals.get(key), r, om))


def print_table(stock, ours, qemu, kernel, goals):
    kernel = kernel or stock.info.get("kernel") or ours.info.get("kernel", "?")
    cpus = stock.info.get("cpus", "?")
    print("binder_alloc benchmark: stock 6.12 allocator vs ours, Linux %s, "
          "QEMU %s, %s vCPUs" % (kernel, qemu, cpus))
    print("clocksource: stock %s, ours %s; allocator detected: stock log %s, "
          "ours log %s; boots: %d / %d, repetitions per boot: %s / %s" % (
              stock.info.get("clocksource", "?"),
              ours.info.get("clocksource", "?"),
              stock.info.get("allocator", "?"), ours.info.get("allocator", "?"),
              stock.boots, ours.boots,
              stock.info.get("repeat", "?"), ours.info.get("repeat", "?")))
    print("cells: median [min-max] over the repetitions; ratio = ours/stock "
          "where higher is better, stock/ours where lower is better: "
          "> 1 means ours is better")
    print()
    head = ("metric", "unit", "stock", "ours", "ratio", "goal")
    table = [head] + list(rows(stock, ours, goals))
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for n, r in enumerate(table):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [r[i].rjust(widths[i]) for i in (2, 3, 4)]
        cells.append(r[5])
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    if qemu.upper() == "TCG":
        print()
        print("Under TCG absolute numbers mean little. Rows with several CPUs "
              "at work (concurrent senders, churn) also depend on how fast the "
              "emulator delivers wakeups between vCPUs, and vary from boot to "
              "boot: compare several boots (concatenate their logs).")
    notes = [(title(k, stock.info), g["note"]) for k, g in goals.items()
             if "note" in g and (k in stock.metrics or k in ours.metrics)]
    for name, note in notes:
        print("%s: %s." % (name, note))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stock", help="binder_bench log of the stock kernel")
    ap.add_argument("ours", help="binder_bench log of our kernel")
    ap.add_argument("--qemu", default="TCG",
                    help="QEMU acceleration the logs were taken with (TCG)")
    ap.add_argument("--kernel", help="kernel version (default: from the logs)")
    ap.add_argument("--goals", default=GOALS_FILE,
                    help="the goals per row (default: %(default)s)")
    args = ap.parse_args()
    goals = load_goals(args.goals)
    stock, ours = Log(args.stock), Log(args.ours)
    for log in (stock, ours):
        if not log.metrics:
            sys.exit("bench_table: no BENCH lines in %s" % log.path)
    for log, want in ((stock, "stock"), (ours, "ours")):
        got = log.info.get("allocator")
        if got and got != want:
            print("warning: %s ran the %s allocator" % (log.path, got),
                  file=sys.stderr)
    print_table(stock, ours, args.qemu, args.kernel, goals)


if __name__ == "__main__":
    main()

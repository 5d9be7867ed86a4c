#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draw two binder_bench logs side by side: the stock allocator and ours.

    bench_plot.py [--title TEXT] stock.log ours.log OUT

Writes OUT.png and OUT.svg: for each latency distribution binder_bench
printed (its DIST lines: per repetition, the 101 quantiles 0, 0.01 ... 1 of
one row's latencies), the distributions of stock and ours as CDFs on a
logarithmic time axis, the quantiles of all repetitions of all boots
pooled; and one panel of bars with the ratio of the medians of every
throughput row (BENCH rows where higher is better), oriented as in
bench_table.py: > 1 means ours is better.
"""

import argparse
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_table  # noqa: E402  the logs' BENCH/INFO parser and row titles

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("bench_plot: needs python3-matplotlib (make deps installs it)")

COLOURS = {"stock": "#c0392b", "ours": "#2471a3"}
COLUMNS = 3

# DIST key -> panel title
DIST_TITLES = {
    "rt.0B": "round trip 0 B (sender)",
    "rt.4KiB": "round trip 4 KiB (sender)",
    "install.lat.1sender": "install txn, 1 sender, fresh pages",
    "target.idle": "target mmap+touch+munmap, no sender",
    "target.1sender": "target mmap+touch+munmap, 1 sender",
    "target.senders": "target mmap+touch+munmap, {senders} senders",
    "pressure.install": "install txn, 1 sender, memory pressure",
    "pressure.target": "target, 1 sender, memory pressure",
    "pressure.rt.0B": "round trip 0 B, memory pressure",
    "pressure.rt.4KiB": "round trip 4 KiB, memory pressure",
}


def read_dists(path):
    """key -> pooled quantile values, in the order the log names them."""
    dists = {}
    with open(path, errors="replace") as f:
        for line in f:
            at = line.find("DIST ")
            if at < 0:
                continue
            words = line[at:].split()
            if len(words) < 5:
                continue
            try:
                values = [float(v) for v in words[4:]]
            except ValueError:
                continue
            dists.setdefault(words[1], []).extend(values)
    return dists


def cdf_panel(ax, key, stock, ours, info):
    name = DIST_TITLES.get(key, key).format(senders=info.get("senders", "N"))
    for label, values in (("stock", stock), ("ours", ours)):
        if not values:
            continue
        v = sorted(x for x in values if x > 0)
        if not v:
            continue
        y = [(i + 0.5) / len(v) for i in range(len(v))]
        p99 = v[min(len(v) - 1, int(0.99 * len(v)))]
        ax.step(v, y, where="post", color=COLOURS[label],
                label="%s: p50 %s, p99 %s us" % (
                    label, bench_table.fmt(statistics.median(v)),
                    bench_table.fmt(p99)))
    ax.set_xscale("log")
    ax.set_ylim(0, 1.0)
    ax.set_title(name, fontsize=9)
    ax.set_xlabel("us (log)", fontsize=8)
    ax.set_ylabel("fraction", fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="lower right", title="all repetitions pooled",
              title_fontsize=7)


def ratio_panel(ax, stock, ours):
    names, ratios = [], []
    for key in stock.order:
        s, o = stock.metrics.get(key), ours.metrics.get(key)
        if not s or not o or s[1] != "higher":
            continue
        r = bench_table.ratio(statistics.median(s[2]), statistics.median(o[2]),
                              "higher")
        if r is None or math.isinf(r):
            continue
        names.append(bench_table.title(key, stock.info))
        ratios.append(r)
    ypos = range(len(names))
    ax.barh(ypos, ratios, color=[COLOURS["ours"] if r >= 1 else COLOURS["stock"]
                                 for r in ratios])
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(list(ypos))
    ax.set_yticklabels(names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, max(ratios + [1.0]) * 1.12)
    ax.set_title("throughput: ours / stock (median; > 1: ours better)",
                 fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    for y, r in zip(ypos, ratios):
        ax.text(r, y, " %.2fx" % r, va="center", fontsize=7)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stock", help="binder_bench log of the stock kernel")
    ap.add_argument("ours", help="binder_bench log of our kernel")
    ap.add_argument("out", help="output path without .png/.svg")
    ap.add_argument("--title", default="", help="a line under the heading")
    args = ap.parse_args()
    stock, ours = bench_table.Log(args.stock), bench_table.Log(args.ours)
    sd, od = read_dists(args.stock), read_dists(args.ours)
    keys = list(sd) + [k for k in od if k not in sd]
    if not keys and not stock.metrics:
        sys.exit("bench_plot: no DIST or BENCH lines in %s" % args.stock)
    panels = len(keys) + 1
    rows = (panels + COLUMNS - 1) // COLUMNS + 1    # the bars take a row
    fig = plt.figure(figsize=(5 * COLUMNS, 3.3 * rows))
    grid = fig.add_gridspec(rows, COLUMNS)
    for i, key in enumerate(keys):
        ax = fig.add_subplot(grid[i // COLUMNS, i % COLUMNS])
        cdf_panel(ax, key, sd.get(key, []), od.get(key, []), stock.info)
    last = (len(keys) + COLUMNS - 1) // COLUMNS
    ratio_panel(fig.add_subplot(grid[last:, :]), stock, ours)
    fig.suptitle("binder_alloc: stock 6.12 allocator vs ours, Linux %s, "
                 "latency CDFs and throughput ratios\n%s" % (
                     stock.info.get("kernel", "?"), args.title), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    for ext in ("png", "svg"):
        fig.savefig("%s.%s" % (args.out, ext), dpi=80)
    print("plot: %s.png, %s.svg" % (args.out, args.out))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""synclib.py - the tables and the chart of bench/sync/run.sh (Debian's
python3, with python3-matplotlib for the chart).  The number formats are
bench/chartlib.py's.

  summarize OUT      OUT/runs.csv -> OUT/summary.csv: per case, the
                     medians of cvlock and pip (wall and CPU) and ratios
  table OUT          print the markdown table of OUT/summary.csv
  chart OUT PNG      draw the bar chart of OUT/summary.csv
  readme OUT README  replace the text between "<!-- sync-table begin -->"
                     and "<!-- sync-table end -->" in README with the table

A case compares one cvlock mode with one pip mode, or with the sum of two
pip modes of the same round (pip's venv creation and its install):
"""
import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import chartlib  # noqa: E402
from chartlib import (fmt_s, fmt_x, pyplot, read_runs,  # noqa: E402
                      read_summary, readme_table, save, tidy_axes)

# key, label, cvlock mode, pip modes (summed per round), target (pip's
# time / cvlock's, or None)
CASES = [
    ("cold", "new environment, cold caches", "cold", ("venv", "cold-into"), 5),
    ("warm", "new environment, warm caches", "warm", ("venv2", "warm-into"),
     20),
    ("noop", "no-op (environment in sync)", "noop", ("noop",), 10),
    ("cold-into", "into an empty environment, cold", "cold-into",
     ("cold-into",), 5),
    ("warm-into", "into an empty environment, warm", "warm-into",
     ("warm-into",), 20),
    ("warm-copy", "new environment, warm, `--link-mode copy`", "warm-copy",
     ("venv2", "warm-into"), None),
    ("venv", "venv creation alone", "venv", ("venv", "venv2"), None),
]
__doc__ += "".join("  %-10s %s: cvlock %s, pip %s\n"
                   % (k, lab, c, " + ".join(p)) for k, lab, c, p, _ in CASES)


def samples(rows, tool, modes, pooled=False):
    """Per round, (wall, cpu) of MODES summed; pooled: every run of every
    mode as its own sample (the two venv creations of pip's round)."""
    by = {}
    for r in rows:
        if r["tool"] == tool and r["mode"] in modes:
            by.setdefault(r["run"], []).append(r)
    out = []
    for run in sorted(by, key=int):
        rs = by[run]
        if pooled:
            out += [(float(r["wall_s"]), float(r["cpu_s"])) for r in rs]
        elif sorted(r["mode"] for r in rs) == sorted(modes):
            out.append((sum(float(r["wall_s"]) for r in rs),
                        sum(float(r["cpu_s"]) for r in rs)))
    return out


def summarize(out):
    rows = read_runs(out)
    fields = ["case", "label", "target", "runs", "cv_wall", "cv_min",
              "cv_max", "cv_cpu", "pip_wall", "pip_min", "pip_max",
              "pip_cpu", "ratio_wall", "ratio_cpu", "met"]
    with open(os.path.join(out, "summary.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for key, label, cmode, pmodes, target in CASES:
            cv = samples(rows, "cvlock", (cmode,))
            pp = samples(rows, "pip", pmodes, pooled=(key == "venv"))
            if not cv or not pp:
                continue
            cw = statistics.median(s[0] for s in cv)
            cc = statistics.median(s[1] for s in cv)
            pw = statistics.median(s[0] for s in pp)
            pc = statistics.median(s[1] for s in pp)
            rw = pw / cw
            w.writerow({
                "case": key, "label": label, "target": target or "",
                "runs": len(cv),
                "cv_wall": "%.4f" % cw, "cv_min": "%.4f" % min(s[0] for s in cv),
                "cv_max": "%.4f" % max(s[0] for s in cv), "cv_cpu": "%.2f" % cc,
                "pip_wall": "%.4f" % pw,
                "pip_min": "%.4f" % min(s[0] for s in pp),
                "pip_max": "%.4f" % max(s[0] for s in pp), "pip_cpu": "%.2f" % pc,
                "ratio_wall": "%.2f" % rw,
                "ratio_cpu": "%.2f" % (pc / cc) if cc > 0 else "",
                "met": ("yes" if rw >= target else "no") if target else "",
            })


def fmt_ms(v):
    """Seconds, in ms below one second (no-op syncs take milliseconds)."""
    v = float(v)
    return "%.0f ms" % (v * 1000) if v < 1 else fmt_s(v) + " s"


def table(out):
    lines = ["| case | cvlock sync, wall (min–max) | pip 23, wall (min–max) "
             "| pip ÷ cvlock, wall | target | cvlock CPU | pip CPU "
             "| pip ÷ cvlock, CPU |",
             "|---|---:|---:|---:|---|---:|---:|---:|"]
    for r in read_summary(out):
        target = ""
        if r["target"]:
            target = "≥ %s× %s" % (r["target"],
                                   "met" if r["met"] == "yes" else "**missed**")
        cpu_ratio = fmt_x(float(r["ratio_cpu"])) if r["ratio_cpu"] else "–"
        lines.append("| %s | %s (%s–%s) | %s (%s–%s) | **%s** | %s | %s s "
                     "| %s s | %s |" % (
                         r["label"], fmt_ms(r["cv_wall"]), fmt_ms(r["cv_min"]),
                         fmt_ms(r["cv_max"]), fmt_ms(r["pip_wall"]),
                         fmt_ms(r["pip_min"]), fmt_ms(r["pip_max"]),
                         fmt_x(float(r["ratio_wall"])), target,
                         fmt_s(r["cv_cpu"]), fmt_s(r["pip_cpu"]), cpu_ratio))
    return "\n".join(lines) + "\n"


def chart(out, png):
    plt = pyplot()
    rows = [r for r in read_summary(out) if r["case"] != "warm-copy"]
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.75 * len(rows)))
    y_cv, y_pip, ticks, labels = [], [], [], []
    for i, r in enumerate(reversed(rows)):
        y_cv.append(3 * i + 1.5)
        y_pip.append(3 * i + 0.5)
        ticks.append(3 * i + 1)
        labels.append(r["label"].replace("`", ""))
    rows = list(reversed(rows))
    cv = [float(r["cv_wall"]) for r in rows]
    pp = [float(r["pip_wall"]) for r in rows]
    ax.barh(y_cv, cv, height=0.9, color="#6340ac", label="cvlock sync")
    ax.barh(y_pip, pp, height=0.9, color="#999999", label="pip 23.2.1")
    ax.set_xscale("log")
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels, fontsize=8)
    for y, v in zip(y_cv, cv):
        ax.text(v * 1.08, y, fmt_ms(v), va="center", fontsize=7)
    for y, v, r in zip(y_pip, pp, rows):
        txt = "%s  (%s)" % (fmt_ms(v), fmt_x(float(r["ratio_wall"])))
        ax.text(v * 1.08, y, txt, va="center", fontsize=7)
    ax.set_xlim(min(cv + pp) / 2, max(cv + pp) * 6)
    ax.set_xlabel("median wall time, seconds (log scale); lower is better",
                  fontsize=8)
    tidy_axes(ax)
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.set_title("cvlock sync vs pip install --no-deps --require-hashes, "
                 "41 packages (pip ÷ cvlock in parentheses)", fontsize=9,
                 loc="left")
    save(fig, png)


def readme(out, path):
    readme_table(table(out), path, "sync-table")


def main(argv):
    chartlib.main(argv, __doc__, {
        "summarize": (1, summarize),
        "table": (1, table),
        "chart": (2, chart),
        "readme": (2, readme),
    })


if __name__ == "__main__":
    main(sys.argv)

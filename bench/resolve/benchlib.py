#!/usr/bin/python3
"""benchlib.py - helpers of bench/resolve/run.sh (Debian's python3: packaging,
tomllib, and python3-matplotlib for the chart).

  project TOOL REQS URL PYVER DIR   write DIR/pyproject.toml for pdm or poetry
                                    from a requirements file
  pins TOOL RUNDIR                  print "count" of the locked packages and
                                    write RUNDIR/pins.txt (name==version,
                                    sorted); -1 when there is no result file
  classify TOOL RUNDIR EXIT COUNT   print resolved, no-solution, timeout or
                                    failed for one run
  reclassify OUT                    recompute the outcome and reason columns of
                                    OUT/runs.csv from the stored run dirs
  summarize OUT                     OUT/runs.csv -> OUT/summary.csv (medians)
  table OUT                         print the markdown table of OUT/summary.csv
  chart OUT PNG                     draw the bar chart of OUT/summary.csv
  readme OUT README                 replace the text between the markers
                                    "<!-- resolve-table begin/end -->" in
                                    README with the table

runs.csv columns: set,tool,mode,run,wall_s,cpu_s,rss_kb,exit,outcome,
packages,reason,load1.  outcome is resolved, no-solution, timeout or failed; reason is
the last line of the tool's stderr when it did not resolve.
"""
import csv
import json
import os
import re
import statistics
import sys
import tomllib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import chartlib  # noqa: E402
from chartlib import (fmt_s, fmt_x, pyplot, read_runs,  # noqa: E402
                      read_summary, readme_table, save, tidy_axes)

TOOLS = ["cvlock", "pip", "pdm", "poetry"]
MODES = ["cold", "warm"]


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def read_reqs(path):
    from packaging.requirements import Requirement

    out = []
    seen = set()
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            r = Requirement(line)
            if str(r) not in seen:  # home-assistant.in repeats some lines
                seen.add(str(r))
                out.append(r)
    return out


def q(s):
    return json.dumps(s)


def project(tool, reqs_path, url, pyver, d):
    reqs = read_reqs(reqs_path)
    os.makedirs(d, exist_ok=True)
    if tool == "pdm":
        deps = ",\n".join("    " + q(str(r)) for r in reqs)
        text = f"""[project]
name = "bench-root-project"
version = "0.0.0"
requires-python = "=={pyver}.*"
dependencies = [
{deps}
]

[[tool.pdm.source]]
name = "pypi"
url = {q(url)}
verify_ssl = false
"""
    elif tool == "poetry":
        # poetry takes one entry per name: a name listed twice (home-assistant
        # pins aiohttp per python_version) becomes a list of constraints
        by_name = {}
        for r in reqs:
            by_name.setdefault(norm(r.name), []).append(r)
        lines = []
        for name, rs in by_name.items():
            items = []
            for r in rs:
                parts = ["version = " + q(str(r.specifier) or "*")]
                if r.extras:
                    parts.append("extras = [" +
                                 ", ".join(q(e) for e in sorted(r.extras)) + "]")
                if r.marker is not None:
                    parts.append("markers = " + q(str(r.marker)))
                items.append("{ " + ", ".join(parts) + " }")
            if len(items) == 1:
                lines.append(f"{q(rs[0].name)} = {items[0]}")
            else:
                lines.append(f"{q(rs[0].name)} = [{', '.join(items)}]")
        body = "\n".join(lines)
        text = f"""[tool.poetry]
name = "bench-root-project"
version = "0.0.0"
description = "cvlock bench root"
authors = []

[tool.poetry.dependencies]
python = "~{pyver}"
{body}

[[tool.poetry.source]]
name = "local"
url = {q(url.rstrip('/') + '/')}
default = true

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
"""
    else:
        raise SystemExit(f"benchlib: no project format for {tool}")
    with open(os.path.join(d, "pyproject.toml"), "w", encoding="utf-8") as f:
        f.write(text)


def pins(tool, rundir):
    out = []
    try:
        if tool == "pip":
            with open(os.path.join(rundir, "report.json"), encoding="utf-8") as f:
                rep = json.load(f)
            for it in rep.get("install", []):
                md = it["metadata"]
                out.append(f"{norm(md['name'])}=={md['version']}")
        else:
            fn = {"cvlock": "pylock.toml", "pdm": "pdm.lock",
                  "poetry": "poetry.lock"}[tool]
            with open(os.path.join(rundir, fn), "rb") as f:
                lock = tomllib.load(f)
            key = "packages" if tool == "cvlock" else "package"
            for p in lock.get(key, []):
                out.append(f"{norm(p['name'])}=={p['version']}")
    except (OSError, ValueError, KeyError):
        return -1
    out = sorted(set(out))
    with open(os.path.join(rundir, "pins.txt"), "w", encoding="utf-8") as f:
        f.write("".join(p + "\n" for p in out))
    return len(out)


# what each tool prints when the requirements have no solution (a missing
# project included: that is "no solution" too, not a tool failure)
NO_SOLUTION = re.compile(
    r"ResolutionImpossible|No matching distribution|Could not find a version"
    r"|version solving failed|Unable to find a resolution"
    r"|Unable to find candidates|CandidateNotFound|^error: no solution",
    re.M)


def tail_line(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [ln.strip() for ln in f if ln.strip()]
    except OSError:
        return ""
    return lines[-1][:200] if lines else ""


def classify(tool, rundir, code, count):
    """Return (outcome, reason) of one run."""
    code, count = int(code), int(count)
    if code in (124, 137):
        return "timeout", ""
    if code == 0 and count > 0:
        return "resolved", ""
    text = ""
    for fn in ("stderr.txt", "stdout.txt"):
        try:
            with open(os.path.join(rundir, fn), encoding="utf-8",
                      errors="replace") as f:
                text += f.read()
        except OSError:
            pass
    m = NO_SOLUTION.search(text)
    if m:
        # the line that says so
        a = text.rfind("\n", 0, m.start()) + 1
        b = text.find("\n", m.end())
        reason = text[a:b if b >= 0 else None]
        if reason.rstrip().endswith(":") and b >= 0:  # cvlock: the cause follows
            reason += " " + text[b:].strip().split("\n", 1)[0]
        outcome = "no-solution"
    else:
        outcome = "failed"
        errs = re.findall(r"^\[\w+\]: .*$", text, re.M)  # pdm's error line
        reason = errs[-1] if errs else \
            tail_line(os.path.join(rundir, "stderr.txt"))
    reason = reason.strip()[:200]
    return outcome, reason.replace('"', "").replace(",", ";")


def reclassify(out):
    rows = read_runs(out)
    for r in rows:
        rd = os.path.join(out, "runs", r["set"], r["tool"],
                          f"{r['mode']}-{r['run']}")
        if r["outcome"] == "timeout" or not os.path.isdir(rd) or \
                r["reason"].startswith("not run"):
            continue
        r["packages"] = str(pins(r["tool"], rd))
        r["outcome"], r["reason"] = classify(r["tool"], rd, r["exit"],
                                             r["packages"])
    with open(os.path.join(out, "runs.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()),
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def summarize(out):
    rows = read_runs(out)
    groups = {}
    order = []
    for r in rows:
        if r["mode"] not in MODES:
            continue
        k = (r["set"], r["tool"], r["mode"])
        if k not in groups:
            order.append(k)
        groups.setdefault(k, []).append(r)
    fields = ["set", "tool", "mode", "runs", "ok_runs", "median_s", "min_s",
              "max_s", "median_cpu_s", "median_rss_mb", "packages", "outcome", "reason",
              "load1"]
    with open(os.path.join(out, "summary.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for k in order:
            rs = groups[k]
            outcomes = [r["outcome"] for r in rs]
            main = max(set(outcomes), key=outcomes.count)
            ok = [r for r in rs if r["outcome"] == main]
            walls = [float(r["wall_s"]) for r in ok]
            cpu = [float(r["cpu_s"]) for r in ok]
            rss = [int(r["rss_kb"]) for r in ok if int(r["rss_kb"]) > 0]
            w.writerow({
                "set": k[0], "tool": k[1], "mode": k[2], "runs": len(rs),
                "ok_runs": len(ok),
                "median_s": f"{statistics.median(walls):.4f}",
                "min_s": f"{min(walls):.4f}", "max_s": f"{max(walls):.4f}",
                "median_cpu_s": f"{statistics.median(cpu):.2f}",
                "median_rss_mb": (f"{statistics.median(rss) / 1024:.0f}"
                                  if rss else ""),
                "packages": ok[0]["packages"], "outcome": main,
                "reason": next((r["reason"] for r in ok if r["reason"]), ""),
                "load1": " ".join(r["load1"] for r in rs),
            })


def table(out):
    rows = read_summary(out)
    by = {(r["set"], r["tool"], r["mode"]): r for r in rows}
    sets = []
    for r in rows:
        if r["set"] not in sets:
            sets.append(r["set"])
    lines = ["| set | mode | tool | wall s (median; min–max; runs) | "
             "wall × cvlock | CPU s | CPU × cvlock | peak RSS MB | packages "
             "| outcome |",
             "|---|---|---|---|---:|---:|---:|---:|---:|---|"]
    for s in sets:
        for m in MODES:
            base = by.get((s, "cvlock", m))
            for t in TOOLS:
                r = by.get((s, t, m))
                if r is None:
                    continue
                timed = r["outcome"] in ("resolved", "no-solution")
                wall = (f"{fmt_s(r['median_s'])} ({fmt_s(r['min_s'])}–"
                        f"{fmt_s(r['max_s'])}; {r['ok_runs']})")
                if r["outcome"] == "timeout":
                    wall = f"> {fmt_s(r['min_s'])} ({r['runs']})"
                if r["reason"].startswith("not run"):
                    lines.append(f"| {s} | {m} | {t} | – | | | | | | "
                                 "not run: the cold run timed out |")
                    continue
                ratio = cratio = cpu = ""
                if timed:
                    cpu = fmt_s(r["median_cpu_s"])
                if (t != "cvlock" and base and timed and
                        base["outcome"] == r["outcome"]):
                    ratio = "**" + fmt_x(float(r["median_s"]) /
                                        float(base["median_s"])) + "**"
                    if float(base["median_cpu_s"]) > 0:
                        cratio = fmt_x(float(r["median_cpu_s"]) /
                                       float(base["median_cpu_s"]))
                elif (t != "cvlock" and base and
                      r["outcome"] == "timeout" and
                      base["outcome"] == "resolved"):
                    ratio = "**> " + fmt_x(float(r["min_s"]) /
                                          float(base["median_s"])) + "**"
                outcome = r["outcome"]
                if r["outcome"] not in ("resolved",) and r["reason"]:
                    reason = r["reason"].replace("|", "\\|")
                    if len(reason) > 90:
                        reason = reason[:87] + "..."
                    outcome += f": {reason}"
                pk = r["packages"] if r["packages"] not in ("-1", "") else "–"
                name = f"**{t}**" if t == "cvlock" else t
                lines.append(f"| {s} | {m} | {name} | {wall} | {ratio} | "
                             f"{cpu} | {cratio} | "
                             f"{r['median_rss_mb'] or '–'} | {pk} | {outcome} |")
    return "\n".join(lines) + "\n"


def chart(out, png):
    plt = pyplot()
    rows = read_summary(out)
    by = {(r["set"], r["tool"], r["mode"]): r for r in rows}
    sets = []
    for r in rows:
        if r["set"] not in sets:
            sets.append(r["set"])
    fig, axes = plt.subplots(len(sets), 2, figsize=(11, 1.1 + 1.35 * len(sets)),
                             squeeze=False)
    colors = {"cvlock": "#6340ac", "pip": "#999999", "pdm": "#999999",
              "poetry": "#999999"}
    for i, s in enumerate(sets):
        for j, m in enumerate(MODES):
            ax = axes[i][j]
            tools = [t for t in TOOLS if (s, t, m) in by]
            vals, labels = [], []
            for t in tools:
                r = by[(s, t, m)]
                v = float(r["median_s"])
                if r["outcome"] == "resolved":
                    labels.append(f"{fmt_s(v)} s")
                elif r["outcome"] == "no-solution":
                    labels.append(f"{fmt_s(v)} s (no solution)")
                elif r["outcome"] == "timeout":
                    labels.append(f"> {fmt_s(r['min_s'])} s (timeout)")
                    v = float(r["min_s"])
                elif r["reason"].startswith("not run"):
                    labels.append("not run (cold run timed out)")
                    v = 0.0
                else:
                    labels.append("failed")
                    v = 0.0
                vals.append(v)
            y = list(range(len(tools)))[::-1]
            ax.barh(y, vals, color=[colors[t] for t in tools], height=0.6)
            ax.set_yticks(y)
            ax.set_yticklabels(tools)
            top = max(vals + [0.001])
            ax.set_xlim(0, top * 1.45)
            for yy, v, lab in zip(y, vals, labels):
                ax.text(v + top * 0.02, yy, lab, va="center", fontsize=8)
            ax.set_title(f"{s}, {m}", fontsize=9, loc="left")
            tidy_axes(ax)
    fig.suptitle("Resolution time, lower is better (median wall seconds, "
                 "same loopback index, measured side by side)", fontsize=10)
    save(fig, png)


def readme(out, path):
    readme_table(table(out), path, "resolve-table")


def main(argv):
    chartlib.main(argv, __doc__, {
        "project": (5, project),
        "pins": (2, pins),
        "classify": (4, lambda *a: "%s\t%s\n" % classify(*a)),
        "reclassify": (1, reclassify),
        "summarize": (1, summarize),
        "table": (1, table),
        "chart": (2, chart),
        "readme": (2, readme),
    })


if __name__ == "__main__":
    main(sys.argv)

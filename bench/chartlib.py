"""chartlib.py - what the bench tables and charts share (bench/resolve/
benchlib.py, bench/sync/synclib.py): reading a results directory's CSV
files, number formats, the matplotlib set-up and finish, and putting a
table into a README between two markers.  Standard library only;
matplotlib (python3-matplotlib) only for pyplot().
"""
import csv
import os
import sys


def read_csv(out, name):
    """The rows of OUT/NAME as dictionaries."""
    with open(os.path.join(out, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_runs(out):
    return read_csv(out, "runs.csv")


def read_summary(out):
    return read_csv(out, "summary.csv")


def fmt_s(v):
    """Seconds: three decimals below 0.1, two below 1, one below 100, none above."""
    v = float(v)
    if v < 0.1:
        return f"{v:.3f}"
    if v < 1:
        return f"{v:.2f}"
    if v < 100:
        return f"{v:.1f}"
    return f"{v:.0f}"


def fmt_x(v):
    """A ratio: 2.5×, 25×."""
    return f"{v:.1f}×" if v < 10 else f"{v:.0f}×"


def pyplot():
    """matplotlib.pyplot, drawing to files (no display)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def tidy_axes(ax):
    """Small x tick labels, no top and right frame lines."""
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def save(fig, png):
    fig.tight_layout()
    fig.savefig(png, dpi=90)


def readme_table(text, path, tag):
    """Replace what README PATH has between "<!-- TAG begin -->" and
    "<!-- TAG end -->" with a newline and TEXT (written to a temporary
    file and renamed)."""
    begin, end = f"<!-- {tag} begin -->", f"<!-- {tag} end -->"
    with open(path, encoding="utf-8") as f:
        old = f.read()
    a, b = old.index(begin) + len(begin), old.index(end)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(old[:a] + "\n" + text + old[b:])
    os.replace(path + ".tmp", path)


def main(argv, doc, commands):
    """Run the command ARGV[1] of COMMANDS ({name: (number of arguments,
    function)}) with ARGV[2:]; a string it returns is written to stdout,
    another value other than None printed.  Anything else: DOC, exit 1."""
    cmd, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if cmd not in commands or len(args) != commands[cmd][0]:
        sys.exit(doc)
    ret = commands[cmd][1](*args)
    if isinstance(ret, str):
        sys.stdout.write(ret)
    elif ret is not None:
        print(ret)

#!/usr/bin/env python3
"""gen_index.py - the ~40-package index of bench/sync/run.sh.

    python3 bench/sync/gen_index.py OUTDIR [--spec-only]

Writes OUTDIR (an index made by tests/lib/mkindex.py, built through its
build_index()), OUTDIR/requirements.in (the set's top-level requirements)
and OUTDIR/set.json (per package: files, unpacked and wheel bytes).  With
--spec-only, prints the mkindex spec (JSON) on standard output instead.

The set is what a typical service with a data and a test stack locks: 41
projects, one version each, at the versions of PyPI in August 2023, with
their real dependency edges, wheel tags, console scripts and, roughly, the
file counts and sizes of their real CPython 3.11 manylinux wheels: a few
big trees (botocore: ~1,700 JSON files, 78 MB unpacked; pandas: ~2,000
files with ~40 extension modules; numpy: ~1,300 files and a 35 MB
OpenBLAS), and many small ones.  File contents are generated from a fixed
seed so they compress about as real ones do (Python code ~4x, botocore's
JSON ~7x, shared libraries ~2.5x); the .py files are valid Python.  The
output is reproducible byte for byte.  Standard library only.
"""

import json
import os
import random
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "lib"))
import mkindex  # noqa: E402

SEED = 751
MANY = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"
ABI3 = "cp37-abi3-manylinux_2_28_x86_64"
PURE = "py3-none-any"
KB = 1024
MB = 1024 * 1024

# name, version, wheel tag, Requires-Dist, console scripts,
# import name (the tree's root), groups of files:
#   (kind, directory under the root, count, total bytes)
# kinds: py (Python source, also .pyi), json, so (shared libraries),
# bin (small binary data files such as time zones), txt
PACKAGES = [
    ("numpy", "1.25.2", MANY, [], {"f2py": "numpy:main"}, "numpy", [
        ("py", "", 1150, 9 * MB), ("pyi", "", 120, 1 * MB),
        ("so", "core", 12, 14 * MB), ("so", "random", 10, 6 * MB),
        ("so", "../numpy.libs", 1, 35 * MB), ("so", "../numpy.libs", 2, 3 * MB),
        ("txt", "core/include/numpy", 40, 700 * KB)]),
    ("pandas", "2.0.3", MANY,
     ["numpy>=1.23.2", "python-dateutil>=2.8.2", "pytz>=2020.1",
      "tzdata>=2022.1"], {}, "pandas", [
        ("py", "", 650, 8 * MB), ("py", "tests", 1300, 14 * MB),
        ("so", "_libs", 42, 36 * MB), ("txt", "io/formats/templates", 8, 40 * KB)]),
    ("botocore", "1.31.40", PURE,
     ["jmespath>=0.7.1,<2.0.0", "python-dateutil>=2.1,<3.0.0",
      "urllib3>=1.25.4,<2.1"], {}, "botocore", [
        ("py", "", 90, 2 * MB), ("json", "data", 1700, 76 * MB),
        ("txt", "", 1, 280 * KB)]),
    ("boto3", "1.28.40", PURE,
     ["botocore>=1.31.40,<1.32.0", "jmespath>=0.7.1,<2.0.0",
      "s3transfer>=0.6.0,<0.7.0"], {}, "boto3", [
        ("py", "", 60, 450 * KB), ("json", "data", 30, 300 * KB)]),
    ("s3transfer", "0.6.2", PURE, ["botocore>=1.12.36,<2.0a0"], {},
     "s3transfer", [("py", "", 20, 300 * KB)]),
    ("jmespath", "1.0.1", PURE, [], {}, "jmespath", [("py", "", 8, 80 * KB)]),
    ("urllib3", "2.0.4", PURE, [], {}, "urllib3", [("py", "", 40, 420 * KB)]),
    ("requests", "2.31.0", PURE,
     ["charset-normalizer>=2,<4", "idna>=2.5,<4", "urllib3>=1.21.1,<3",
      "certifi>=2017.4.17"], {}, "requests", [("py", "", 18, 220 * KB)]),
    ("certifi", "2023.7.22", PURE, [], {}, "certifi", [
        ("py", "", 3, 8 * KB), ("txt", "", 1, 290 * KB)]),
    ("charset-normalizer", "3.2.0", MANY, [],
     {"normalizer": "charset_normalizer:main"}, "charset_normalizer", [
        ("py", "", 16, 250 * KB), ("so", "", 2, 300 * KB)]),
    ("idna", "3.4", PURE, [], {}, "idna", [("py", "", 8, 270 * KB)]),
    ("python-dateutil", "2.8.2", PURE, ["six>=1.5"], {}, "dateutil", [
        ("py", "", 22, 350 * KB), ("bin", "zoneinfo", 1, 170 * KB)]),
    ("six", "1.16.0", PURE, [], {}, "six", [("py", "", 1, 34 * KB)]),
    ("pytz", "2023.3", PURE, [], {}, "pytz", [
        ("py", "", 8, 110 * KB), ("bin", "zoneinfo", 600, 1200 * KB)]),
    ("tzdata", "2023.3", PURE, [], {}, "tzdata", [
        ("py", "zoneinfo", 130, 20 * KB), ("bin", "zoneinfo", 600, 500 * KB)]),
    ("flask", "2.3.3", PURE,
     ["Werkzeug>=2.3.7", "Jinja2>=3.1.2", "itsdangerous>=2.1.2",
      "click>=8.1.3", "blinker>=1.6.2"], {"flask": "flask:main"}, "flask", [
        ("py", "", 25, 300 * KB)]),
    ("werkzeug", "2.3.7", PURE, ["MarkupSafe>=2.1.1"], {}, "werkzeug", [
        ("py", "", 50, 800 * KB), ("txt", "debug/shared", 6, 60 * KB)]),
    ("jinja2", "3.1.2", PURE, ["MarkupSafe>=2.0"], {}, "jinja2", [
        ("py", "", 26, 560 * KB)]),
    ("markupsafe", "2.1.3", MANY, [], {}, "markupsafe", [
        ("py", "", 3, 14 * KB), ("so", "", 1, 45 * KB), ("pyi", "", 1, 1 * KB)]),
    ("itsdangerous", "2.1.2", PURE, [], {}, "itsdangerous", [
        ("py", "", 10, 45 * KB)]),
    ("blinker", "1.6.2", PURE, [], {}, "blinker", [("py", "", 5, 35 * KB)]),
    ("click", "8.1.7", PURE, [], {}, "click", [("py", "", 17, 380 * KB)]),
    ("sqlalchemy", "2.0.20", MANY,
     ["typing-extensions>=4.2.0", "greenlet!=0.4.17"], {}, "sqlalchemy", [
        ("py", "", 250, 8 * MB), ("so", "cyextension", 5, 3 * MB)]),
    ("greenlet", "2.0.2", MANY, [], {}, "greenlet", [
        ("py", "", 40, 300 * KB), ("txt", "", 25, 250 * KB),
        ("so", "", 1, 600 * KB)]),
    ("pydantic", "2.3.0", PURE,
     ["annotated-types>=0.4.0", "pydantic-core==2.6.3",
      "typing-extensions>=4.6.1"], {}, "pydantic", [
        ("py", "", 100, 1700 * KB)]),
    ("pydantic-core", "2.6.3", MANY, ["typing-extensions>=4.6.0,!=4.7.0"],
     {}, "pydantic_core", [("py", "", 3, 40 * KB), ("pyi", "", 1, 30 * KB),
        ("so", "", 1, 4700 * KB)]),
    ("typing-extensions", "4.7.1", PURE, [], {}, "typing_extensions", [
        ("py", "", 1, 110 * KB)]),
    ("annotated-types", "0.5.0", PURE, [], {}, "annotated_types", [
        ("py", "", 3, 25 * KB)]),
    ("attrs", "23.1.0", PURE, [], {}, "attr", [
        ("py", "", 30, 300 * KB), ("pyi", "", 10, 60 * KB)]),
    ("packaging", "23.1", PURE, [], {}, "packaging", [
        ("py", "", 15, 200 * KB)]),
    ("pyyaml", "6.0.1", MANY, [], {}, "yaml", [
        ("py", "", 17, 200 * KB), ("so", "", 1, 2 * MB)]),
    ("rich", "13.5.2", PURE, ["markdown-it-py>=2.2.0", "pygments>=2.13.0,<3.0.0"],
     {}, "rich", [("py", "", 100, 1600 * KB)]),
    ("pygments", "2.16.1", PURE, [], {"pygmentize": "pygments:main"},
     "pygments", [("py", "", 330, 4500 * KB)]),
    ("markdown-it-py", "3.0.0", PURE, ["mdurl~=0.1"],
     {"markdown-it": "markdown_it_py:main"}, "markdown_it", [
        ("py", "", 60, 300 * KB)]),
    ("mdurl", "0.1.2", PURE, [], {}, "mdurl", [("py", "", 7, 20 * KB)]),
    ("pytest", "7.4.1", PURE,
     ["iniconfig", "packaging", "pluggy>=0.12,<2.0"],
     {"pytest": "pytest:main", "py.test": "pytest:main"}, "_pytest", [
        ("py", "", 75, 1300 * KB)]),
    ("iniconfig", "2.0.0", PURE, [], {}, "iniconfig", [("py", "", 4, 12 * KB)]),
    ("pluggy", "1.3.0", PURE, [], {}, "pluggy", [("py", "", 8, 70 * KB)]),
    ("cryptography", "41.0.3", ABI3, ["cffi>=1.12"], {}, "cryptography", [
        ("py", "", 170, 1000 * KB), ("pyi", "hazmat/bindings", 20, 60 * KB),
        ("so", "hazmat/bindings", 1, 11 * MB)]),
    ("cffi", "1.15.1", MANY, ["pycparser"], {}, "cffi", [
        ("py", "", 20, 400 * KB), ("txt", "", 4, 60 * KB),
        ("so", "..", 1, 900 * KB)]),
    ("pycparser", "2.21", PURE, [], {}, "pycparser", [
        ("py", "", 45, 700 * KB)]),
]

# what the application asks for (the rest comes in as dependencies)
ROOTS = ["boto3", "pandas", "flask", "requests", "sqlalchemy", "pydantic",
     "rich", "pytest", "cryptography", "pyyaml", "attrs"]

WORDS = None


def words(rnd):
    global WORDS
    if WORDS is None:
        letters = "abcdefghijklmnopqrstuvwxyz"
        WORDS = ["".join(rnd.choice(letters)
                 for _ in range(rnd.randint(3, 10)))
             for _ in range(120)]
    return WORDS


def py_pool(rnd, size):
    """Top-level Python statements (any run of whole lines compiles)."""
    w = words(rnd)
    out, n = [], 0
    while n < size:
        k = rnd.random()
        a, b, c = rnd.choice(w), rnd.choice(w), rnd.choice(w)
        if k < 0.25:
            line = ("def %s_%s(self, %s, %s=None):\n"
                    "    if %s is None:\n        return self.%s(%s)\n"
                    "    return self._%s(%s, %s=%s) + %d\n\n" % (
                        a, b, c, b, b, a, c, a, c, b, b, rnd.randint(0, 99)))
        elif k < 0.45:
            line = "# %s\n" % " ".join(rnd.choice(w) for _ in
                           range(rnd.randint(4, 12)))
        elif k < 0.6:
            line = "%s_%s = {%r: %d, %r: %r}\n" % (
                a.upper(), b.upper(), c, rnd.randint(0, 1 << 16), a, b)
        elif k < 0.75:
            line = ('class %s%s(object):\n    """%s."""\n    %s = %r\n\n'
                % (a.capitalize(), b.capitalize(),
                   " ".join(rnd.choice(w) for _ in range(8)), c, a))
        else:
            line = "%s = [%s]\n" % (a, ", ".join(
                repr(rnd.choice(w)) for _ in range(rnd.randint(1, 6))))
        out.append(line)
        n += len(line)
    return "".join(out)


def json_pool(rnd, size):
    w = words(rnd)
    out, n = [], 0
    while n < size:
        a, b = rnd.choice(w).capitalize(), rnd.choice(w).capitalize()
        line = ('    "%s%s":{\n      "type":"structure",\n      "required":["%s"],\n'
            '      "members":{\n        "%s":{"shape":"%s%s","documentation":'
            '"<p>The %s of the %s %s.</p>"}\n      }\n    },\n' % (
                a, b, b, b, a, rnd.choice(("String", "Integer", "Boolean",
                                "List", "Map")),
                " ".join(rnd.choice(w) for _ in range(rnd.randint(3, 14))),
                a.lower(), b.lower()))
        out.append(line)
        n += len(line)
    return "".join(out)


def bin_pool(rnd, size):
    """Code-like bytes (7-bit, as the file contents are str): random runs,
    zero runs and repeated instruction-like patterns."""
    out, n = [], 0
    pats = ["".join(chr(rnd.randrange(128)) for _ in range(rnd.randint(4, 24)))
        for _ in range(300)]
    while n < size:
        k = rnd.random()
        if k < 0.2:
            s = "".join(map(chr, rnd.randbytes(rnd.randint(16, 256))))
            s = "".join(chr(ord(ch) & 0x7f) for ch in s)
        elif k < 0.5:
            s = "\0" * rnd.randint(8, 400)
        else:
            s = rnd.choice(pats) * rnd.randint(1, 6)
        out.append(s)
        n += len(s)
    return "".join(out)


POOLS = {}


def pool(kind):
    base = {"pyi": "py", "txt": "py", "bin": "so"}.get(kind, kind)
    if base not in POOLS:
        rnd = random.Random("%s-%s" % (SEED, base))
        POOLS[base] = {"py": py_pool, "json": json_pool,
                   "so": bin_pool}[base](rnd, 4 * MB)
    return POOLS[base]


def chunk(kind, rnd, size):
    p = pool(kind)
    if size >= len(p) - 1:
        # bigger than the pool: several pieces from different offsets
        parts, left = [], size
        while left > 0:
            n = min(left, len(p) // 2)
            parts.append(chunk(kind, rnd, n))
            left -= n
        return "".join(parts)
    off = rnd.randrange(len(p) - size)
    if kind in ("py", "pyi"):
        # whole lines only, so that the file compiles
        a = p.find("\n", off) + 1
        b = p.rfind("\n", a, a + size) + 1
        if b <= a:
            return ""
        return p[a:b]
    return p[off:off + size]


def sizes(rnd, count, total):
    """count sizes (lognormal, like real trees) that add up to total."""
    raw = [rnd.lognormvariate(0, 1.1) for _ in range(count)]
    s = sum(raw)
    return [max(40, int(total * r / s)) for r in raw]


EXT = {"py": ".py", "pyi": ".pyi", "json": ".json",
       "so": ".cpython-311-x86_64-linux-gnu.so", "bin": "", "txt": ".txt"}


def tree(root, groups, rnd):
    files = {}
    for g, (kind, sub, count, total) in enumerate(groups):
        base = os.path.normpath(os.path.join(root, sub)) if sub else root
        base = "" if base == "." else base
        ndirs = max(1, int(count ** 0.5 / 2)) if count > 30 else 1
        for i, size in enumerate(sizes(rnd, count, total)):
            d = base if ndirs == 1 else "%s/%s%d" % (
                base, "tests" if "tests" in sub else "sub", i % ndirs)
            if kind == "json":
                d = "%s/svc%03d/2023-0%d-01" % (base, i // 5, 1 + i % 9)
            name = "%s_%s%d_%d%s" % (
                kind if kind != "so" else "_lib",
                os.path.basename(base).lstrip("_") or "m", g, i, EXT[kind])
            if kind == "so" and base.endswith(".libs"):
                name = "lib%s%d_%d-5f4e3d2c.so" % (root, g, i)
            text = chunk(kind, rnd, size)
            path = "%s/%s" % (d, name) if d else name
            assert path not in files, path
            files[path] = text
            if kind in ("py", "pyi") and d and d != root:
                files.setdefault(d + "/__init__.py", "")
    return files


def spec():
    projects = {}
    for name, version, tag, deps, scripts, root, groups in PACKAGES:
        rnd = random.Random("%s-%s-%s" % (SEED, name, version))
        mod = mkindex._module_name(name)
        module = ('__version__ = "%s"\n\n\ndef main():\n'
              '    print("%s", __version__)\n' % (version, name))
        info = {"requires_dist": deps, "requires_python": ">=3.7",
            "wheels": [tag], "module": module,
            "files": tree(root, groups, rnd),
            "upload_time": "2023-08-31T12:00:00Z"}
        if root != mod:
            # the real import name (mkindex adds <mod>/__init__.py too)
            info["files"].setdefault(root + "/__init__.py", "")
        if scripts:
            # every script runs main() of the package's __init__.py
            info["console_scripts"] = {k: mod + ":main" for k in scripts}
        projects[name] = {version: info}
    return {"projects": projects}


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    out = argv[1]
    sp = spec()
    if "--spec-only" in argv[2:]:
        json.dump(sp, sys.stdout, indent=None, sort_keys=True)
        return 0
    mkindex.build_index(sp, out)
    stats = []
    for name, version, tag, _, _, _, _ in PACKAGES:
        info = sp["projects"][name][version]
        fn = mkindex._wheel_filename(name, version, tag)
        whl = os.path.join(out, "files", mkindex.canonical_name(name), fn)
        unpacked = sum(len(t.encode()) for t in info["files"].values())
        stats.append({"name": name, "version": version, "wheel": fn,
                  "files": len(info["files"]) + 5,
                  "unpacked": unpacked,
                  "wheel_size": os.path.getsize(whl)})
    with open(os.path.join(out, "set.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=1)
        f.write("\n")
    with open(os.path.join(out, "requirements.in"), "w",
          encoding="utf-8") as f:
        f.write("".join(r + "\n" for r in ROOTS))
    n = sum(s["files"] for s in stats)
    u = sum(s["unpacked"] for s in stats)
    w = sum(s["wheel_size"] for s in stats)
    sys.stderr.write("gen_index.py: %d packages, %d files, %.0f MB "
             "unpacked, %.0f MB of wheels in %s\n"
             % (len(stats), n, u / MB, w / MB, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

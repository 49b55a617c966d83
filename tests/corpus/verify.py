#!/usr/bin/python3
"""verify.py - check a pylock.toml against the corpus, independently of cvlock.

    /usr/bin/python3 tests/corpus/verify.py [--python-version 3.11]
        [--platform manylinux_2_28_x86_64] [--implementation cp] [-v]
        CORPUS.json[.gz] REQUIREMENTS.in PYLOCK.toml [REQUIREMENTS.in PYLOCK.toml ...]

For each (requirements file, lockfile) pair it checks, with `packaging` and the
corpus's metadata only (nothing of cvlock):

  * one version per name;
  * every locked (name, version) is in the corpus, its Requires-Python admits
    the target, and it has a wheel for the target (a version without wheels
    in the corpus is served as one py3-none-any wheel by mkindex-corpus.py);
  * every root requirement whose marker holds is satisfied by the locked
    version (a direct reference "name @ url" must be locked from that url);
  * every requirement of every locked package whose marker holds for the
    target, with the extras requested of that package anywhere in the lock,
    is satisfied (pre-releases count when they are locked);
  * nothing is locked that no root reaches.

It prints one line per problem ("SET: what is wrong") and exits 1 when there
is any, 2 on bad input.  -v adds one summary line per set.  Needs Python 3.11
(tomllib) and packaging (Debian's /usr/bin/python3 has both).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tomllib

try:
    from packaging.markers import Marker
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.tags import Tag, compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import InvalidVersion, Version
except ImportError:
    sys.exit("verify.py: needs the 'packaging' module (use /usr/bin/python3)")


def target_env(pyver: str, platform: str, impl: str) -> dict:
    parts = pyver.split(".")
    full = pyver if len(parts) >= 3 else pyver + ".0"
    if platform.startswith(("manylinux", "musllinux", "linux")):
        system, sys_platform, os_name = "Linux", "linux", "posix"
    elif platform.startswith("macosx"):
        system, sys_platform, os_name = "Darwin", "darwin", "posix"
    elif platform.startswith("win"):
        system, sys_platform, os_name = "Windows", "win32", "nt"
    else:
        raise SystemExit(f"verify.py: unsupported platform {platform!r}")
    machine = platform.split("_", 3)[-1] if platform.startswith(("manylinux_", "musllinux_")) \
        else platform.split("_", 1)[-1]
    return {
        "python_version": ".".join(parts[:2]),
        "python_full_version": full,
        "implementation_name": "cpython" if impl == "cp" else "pypy",
        "implementation_version": full if impl == "cp" else "7.3.0",
        "platform_python_implementation": "CPython" if impl == "cp" else "PyPy",
        "os_name": os_name,
        "sys_platform": sys_platform,
        "platform_system": system,
        "platform_machine": machine,
        "platform_release": "",
        "platform_version": "",
    }


def target_tags(pyver: str, platform: str, impl: str) -> set:
    """The wheel tags of the target: a manylinux_2_X platform also takes the
    older glibc versions and the legacy manylinux1/2010/2014 aliases."""
    major, minor = (int(x) for x in pyver.split(".")[:2])
    plats = [platform]
    m = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", platform)
    if m:
        glibc_major, glibc_minor, arch = int(m.group(1)), int(m.group(2)), m.group(3)
        plats = [f"manylinux_{glibc_major}_{v}_{arch}" for v in range(glibc_minor, 4, -1)]
        legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
        for v, alias in legacy.items():
            if v <= glibc_minor:
                plats.append(f"{alias}_{arch}")
    if impl != "cp":
        raise SystemExit("verify.py: only --implementation cp is supported")
    tags = set(cpython_tags(python_version=(major, minor), platforms=plats))
    tags |= set(compatible_tags(python_version=(major, minor), interpreter=f"cp{major}{minor}",
                                platforms=plats))
    return tags


def parse_requirements_file(path: str, seen=None) -> list[tuple[str, str]]:
    """(origin, requirement string) for every requirement line; -r included."""
    seen = seen or set()
    path = os.path.abspath(path)
    if path in seen:
        return []
    seen.add(path)
    out = []
    with open(path, encoding="utf-8") as f:
        text = f.read().replace("\\\n", "")
    for lineno, line in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if not line:
            continue
        if line.startswith("-"):
            m = re.match(r"(-r|--requirement)[\s=]+(\S+)$", line)
            if m:
                out += parse_requirements_file(
                    os.path.join(os.path.dirname(path), m.group(2)), seen)
                continue
            raise SystemExit(f"verify.py: {path}:{lineno}: option not supported: {line}")
        out.append((f"{os.path.basename(path)}:{lineno}", line))
    return out


class Corpus:
    def __init__(self, path: str):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
        self.packages = {}  # canonical name -> {Version: info}
        for name, versions in data["packages"].items():
            by_version = {}
            for raw, info in versions.items():
                try:
                    v = Version(raw)
                except InvalidVersion:
                    continue
                by_version.setdefault(v, info or {})
            self.packages[canonicalize_name(name)] = by_version
        self._reqs = {}

    def info(self, name: str, version: Version):
        return self.packages.get(name, {}).get(version)

    def requirements(self, name: str, version: Version):
        """[(Requirement | None, text)] of one version; None when unparsable."""
        key = (name, version)
        if key not in self._reqs:
            out = []
            for text in self.info(name, version).get("requires_dist") or []:
                try:
                    out.append((Requirement(text), text))
                except InvalidRequirement:
                    out.append((None, text))
            self._reqs[key] = out
        return self._reqs[key]


def marker_holds(req: Requirement, env: dict, extras) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate(dict(env, extra=e)) for e in extras)


def locked_sources(pkg: dict) -> list[str]:
    urls = []
    for key in ("archive", "sdist", "vcs", "directory"):
        src = pkg.get(key)
        if isinstance(src, dict):
            urls += [src.get("url") or "", src.get("path") or ""]
    for w in pkg.get("wheels") or []:
        urls += [w.get("url") or "", w.get("path") or ""]
    return [u for u in urls if u]


def url_matches(want: str, sources: list[str]) -> bool:
    want_base = want.split("#", 1)[0]
    if want_base.startswith("git+") or "+" in want_base.split("://", 1)[0]:
        want_base = want_base.split("+", 1)[1]
    want_base = want_base.split("@", 1)[0] if want_base.count("@") > 1 else want_base
    return any(s.split("#", 1)[0].rstrip("/") == want_base.rstrip("/") for s in sources)


def verify(corpus: Corpus, set_name: str, reqs_path: str, lock_path: str,
           env: dict, tags: set, verbose: bool) -> list[str]:
    problems = []

    def problem(msg):
        problems.append(f"{set_name}: {msg}")

    with open(lock_path, "rb") as f:
        lock = tomllib.load(f)
    locked = {}  # name -> (Version, package table)
    for i, pkg in enumerate(lock.get("packages", [])):
        if "name" not in pkg:
            problem(f"packages[{i}] has no name")
            continue
        name = canonicalize_name(pkg["name"])
        if "marker" in pkg and not Marker(pkg["marker"]).evaluate(dict(env, extra="")):
            continue
        if "version" not in pkg:
            problem(f"{name} is locked without a version")
            continue
        v = Version(pkg["version"])
        if name in locked:
            problem(f"{name} is locked twice: {locked[name][0]} and {v}")
            continue
        locked[name] = (v, pkg)

    # every locked version: in the corpus, Requires-Python, a wheel
    pyfull = Version(env["python_full_version"])
    for name, (v, pkg) in sorted(locked.items()):
        info = corpus.info(name, v)
        if info is None:
            if name not in corpus.packages:
                problem(f"{name} {v} is locked but the corpus has no project {name}")
            else:
                problem(f"{name} {v} is locked but the corpus has no such version")
            continue
        rp = info.get("requires_python")
        if rp:
            try:
                ok = SpecifierSet(rp).contains(pyfull, prereleases=True)
            except Exception:
                ok = True  # an unparsable Requires-Python is ignored, as pip does
            if not ok:
                problem(f"{name} {v} requires Python {rp}, not {pyfull}")
        wheels = info.get("wheels") or []
        if wheels:
            ok = False
            for fn in wheels:
                try:
                    ok = bool(parse_wheel_filename(fn)[3] & tags)
                except Exception:
                    continue
                if ok:
                    break
            if not ok:
                problem(f"{name} {v} has no wheel for the target (of {len(wheels)})")

    # the roots, then everything they reach, with the extras asked of each
    extras_of: dict[str, set] = {}
    reached: set = set()
    todo: list = []

    def need(req: Requirement, who: str):
        name = canonicalize_name(req.name)
        if name not in locked:
            problem(f"{who} requires '{req}', but {name} is not locked")
            return
        v, pkg = locked[name]
        if req.url:
            if not url_matches(req.url, locked_sources(pkg)):
                problem(f"{who} requires '{req}', but {name} {v} is not locked "
                        f"from that url")
        elif not req.specifier.contains(v, prereleases=True):
            problem(f"{who} requires '{req}', but {name} {v} is locked")
        new = {canonicalize_name(e) for e in req.extras} - extras_of.setdefault(name, set())
        if name not in reached or new:
            reached.add(name)
            extras_of[name] |= new
            todo.append(name)

    for origin, text in parse_requirements_file(reqs_path):
        try:
            req = Requirement(text)
        except InvalidRequirement as e:
            problem(f"{origin}: cannot check root requirement '{text}': {e}")
            continue
        if marker_holds(req, env, [""]):
            need(req, f"the root ({origin})")

    unparsable = set()
    while todo:
        name = todo.pop()
        v, _ = locked[name]
        if corpus.info(name, v) is None:
            continue
        extras = [""] + sorted(extras_of[name])
        for req, text in corpus.requirements(name, v):
            if req is None:
                if (name, text) not in unparsable:
                    unparsable.add((name, text))
                    problem(f"{name} {v}: cannot check requirement '{text}' (invalid PEP 508)")
                continue
            if marker_holds(req, env, extras):
                label = f"{name}[{','.join(sorted(extras_of[name]))}]" if extras_of[name] else name
                need(req, f"{label} {v}")

    for name in sorted(set(locked) - reached):
        problem(f"{name} {locked[name][0]} is locked but nothing requires it")
    if verbose:
        print(f"{set_name}: {len(locked)} packages locked, {len(problems)} problems",
              file=sys.stderr)
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python-version", default="3.11")
    ap.add_argument("--platform", default="manylinux_2_28_x86_64")
    ap.add_argument("--implementation", default="cp")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("corpus")
    ap.add_argument("pairs", nargs="+", metavar="REQUIREMENTS PYLOCK")
    a = ap.parse_args(argv)
    if len(a.pairs) % 2:
        ap.error("requirements files and lockfiles come in pairs")
    env = target_env(a.python_version, a.platform, a.implementation)
    tags = target_tags(a.python_version, a.platform, a.implementation)
    corpus = Corpus(a.corpus)
    bad = False
    for i in range(0, len(a.pairs), 2):
        reqs, lock = a.pairs[i], a.pairs[i + 1]
        set_name = os.path.basename(reqs)
        set_name = set_name[:-3] if set_name.endswith(".in") else set_name
        try:
            problems = verify(corpus, set_name, reqs, lock, env, tags, a.verbose)
        except (OSError, tomllib.TOMLDecodeError, KeyError, InvalidVersion) as e:
            print(f"{set_name}: cannot check {lock}: {e}")
            bad = True
            continue
        for p in problems:
            print(p)
        bad = bad or bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

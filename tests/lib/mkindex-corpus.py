#!/usr/bin/env python3
"""mkindex-corpus.py - turn a JSON package corpus into a local, offline Python package index.

    python3 tests/lib/mkindex-corpus.py tests/corpus/pypi-subset.json.gz OUTDIR

A copy of the cvlock bench's mkindex.py (/work/shared/bench/mkindex.py) that also reads
gzip-compressed corpora (a name ending in .gz).  Versions without wheels (the corpus's
sdist-derived and Debian entries) get one py3-none-any wheel; when a version's wheels
disagree (wheel_metadata_variants) every wheel carries the majority metadata.

Input (JSON):
    {"packages": {
        "<name>": {
            "<version>": {
                "requires_dist":   ["PEP 508 string", ...],      # optional, default []
                "requires_python": ">=3.8" | null,              # optional
                "wheels":          ["<filename>.whl", ...],     # optional, default one py3-none-any wheel
                "upload_time":     "2021-03-04T05:06:07Z",       # optional (PEP 700)
                "yanked":          true | false | "reason",      # optional (PEP 592)
                "provides_extra":  ["extra", ...]               # optional; extras used in
                                                                #   markers are added anyway
            }, ...
        }, ...
    }}
Any other top-level key (e.g. "meta", "cases") is ignored.

Output (OUT directory):
    files/<project>/<wheel>.whl          tiny but valid, installable wheel (ZIP_STORED)
    files/<project>/<wheel>.whl.metadata PEP 658 sidecar: the wheel's METADATA, byte for byte
    simple/index.html                    PEP 503 root page
    simple/index.json                    PEP 691 root page (JSON)
    simple/<project>/index.html          PEP 503 page: #sha256= fragments, data-requires-python,
                                         data-yanked, data-dist-info-metadata + data-core-metadata
                                         (PEP 658 / PEP 714)
    simple/<project>/index.json          PEP 691 (+ PEP 700 fields: versions, size, upload-time;
                                         PEP 714 'core-metadata'; the pre-714 'dist-info-metadata'
                                         key only with --legacy-json-metadata-key)
    manifest.json                        counts and settings of this build

<project> is the PEP 503 normalized name. Links are relative (../../files/...), so the tree
can be served from any host/port or even opened via file://. Serve simple/<project>/ with
content negotiation: index.json when the client's Accept asks for
application/vnd.pypi.simple.v1+json, else index.html (serve.sh does this, see README.md).

Only the standard library is needed, plus `packaging` (system package, or pip's vendored
copy) for version normalization.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import gzip
import html
import io
import json
import os
import re
import shutil
import sys
import time
import urllib.parse
import zipfile
from concurrent.futures import ProcessPoolExecutor

try:  # prefer a real packaging install, fall back to pip's vendored copy
    from packaging.version import InvalidVersion, Version
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # pragma: no cover - depends on the interpreter
    try:
        from pip._vendor.packaging.version import InvalidVersion, Version
        from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    except ImportError:
        Version = None  # type: ignore[assignment]
        Requirement = None  # type: ignore[assignment]
        InvalidVersion = ValueError  # type: ignore[assignment,misc]
        InvalidRequirement = ValueError  # type: ignore[assignment,misc]

GENERATOR = "cvlock-tests-mkindex-corpus 1.0"
API_VERSION = "1.1"  # PEP 691 + PEP 700
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed -> byte-reproducible wheels
_NORM_RE = re.compile(r"[-_.]+")
_EXTRA_RE = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")
_WHEEL_RE = re.compile(
    r"^(?P<name>[^-]+)-(?P<ver>[^-]+)(?:-(?P<build>\d[^-]*))?"
    r"-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$"
)


def normalize_name(name: str) -> str:
    """PEP 503 normalization."""
    return _NORM_RE.sub("-", name).lower()


def wheel_name_part(name: str) -> str:
    """Escaped distribution name as used in wheel / dist-info names (binary distribution spec)."""
    return _NORM_RE.sub("_", name).lower()


def normalize_version(v: str) -> str:
    if Version is None:
        return v
    try:
        return str(Version(v))
    except InvalidVersion:
        raise SystemExit(f"mkindex: invalid version {v!r}")


def import_name(name: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z_]", "_", wheel_name_part(name))
    if s[0].isdigit():
        s = "_" + s
    return s


def b64_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def norm_upload_time(t) -> str | None:
    """Return a PEP 700 upload-time string (ISO 8601, UTC, with microseconds and Z)."""
    if t in (None, ""):
        return None
    if isinstance(t, (int, float)):
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000000Z"
    s = str(t).strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00:?00)?$", s)
    if m:
        frac = (m.group(3) or ".0")[1:7].ljust(6, "0")
        return f"{m.group(1)}T{m.group(2)}.{frac}Z"
    if re.match(r"^\d{4}-\d{2}-\d{2}$", s):
        return s + "T00:00:00.000000Z"
    return s  # pass through whatever the corpus says


def build_metadata(name: str, version: str, info: dict) -> bytes:
    reqs = list(info.get("requires_dist") or [])
    extras = list(info.get("provides_extra") or [])
    for r in reqs:
        if ";" in r:
            for e in _EXTRA_RE.findall(r.split(";", 1)[1]):
                if e not in extras:
                    extras.append(e)
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: synthetic package {name} {version} (cvlock bench)",
    ]
    rp = info.get("requires_python")
    if rp:
        lines.append(f"Requires-Python: {rp}")
    lines += [f"Provides-Extra: {e}" for e in extras]
    lines += [f"Requires-Dist: {r}" for r in reqs]
    return ("\n".join(lines) + "\n").encode("utf-8")


def expand_tags(py: str, abi: str, plat: str) -> list[str]:
    return [f"{p}-{a}-{q}" for p in py.split(".") for a in abi.split(".") for q in plat.split(".")]


def build_wheel(name: str, version: str, filename: str, metadata: bytes) -> bytes:
    m = _WHEEL_RE.match(filename)
    if not m:
        raise SystemExit(f"mkindex: bad wheel filename {filename!r}")
    py, abi, plat, build = m.group("py"), m.group("abi"), m.group("plat"), m.group("build")
    dist = f"{wheel_name_part(name)}-{version.replace('-', '_')}"
    di = f"{dist}.dist-info"
    pkg = import_name(name)
    purelib = abi == "none" and plat == "any"
    wheel_txt = ["Wheel-Version: 1.0", f"Generator: {GENERATOR}",
                 f"Root-Is-Purelib: {'true' if purelib else 'false'}"]
    if build:
        wheel_txt.append(f"Build: {build}")
    wheel_txt += [f"Tag: {t}" for t in expand_tags(py, abi, plat)]
    entries = [
        (f"{pkg}/__init__.py", f'"""Synthetic package {name}."""\n__version__ = "{version}"\n'.encode()),
        (f"{di}/METADATA", metadata),
        (f"{di}/WHEEL", ("\n".join(wheel_txt) + "\n").encode()),
        (f"{di}/top_level.txt", f"{pkg}\n".encode()),
    ]
    record = "".join(f"{p},sha256={b64_digest(d)},{len(d)}\n" for p, d in entries)
    record += f"{di}/RECORD,,\n"
    entries.append((f"{di}/RECORD", record.encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for path, data in entries:
            zi = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_STORED
            zf.writestr(zi, data)
    return buf.getvalue()


def _version_key(v: str):
    if Version is None:
        return (0, v)
    return Version(v)


def build_project(args) -> tuple[str, str, int, int, list[str]]:
    """Worker: write all files and both simple pages of one project.

    Returns (normalized name, display name, n_files, n_bytes, warnings).
    """
    name, releases, out, validate, legacy_json_key, write_wheels = args
    norm = normalize_name(name)
    fdir = os.path.join(out, "files", norm)
    sdir = os.path.join(out, "simple", norm)
    os.makedirs(fdir, exist_ok=True)
    os.makedirs(sdir, exist_ok=True)
    warnings: list[str] = []
    files = []  # dicts for the JSON page, in version order
    versions = []
    nbytes = 0
    seen_versions: dict[str, str] = {}
    valid = []
    for raw_ver in releases:
        try:
            normalize_version(raw_ver)
            valid.append(raw_ver)
        except SystemExit:
            warnings.append(f"{name}: skipped invalid version {raw_ver!r}")
    for raw_ver in sorted(valid, key=lambda v: _version_key(normalize_version(v))):
        info = releases[raw_ver] or {}
        version = normalize_version(raw_ver)
        if version in seen_versions:
            warnings.append(f"{name}: versions {seen_versions[version]!r} and {raw_ver!r} collide; kept the first")
            continue
        seen_versions[version] = raw_ver
        versions.append(version)
        if validate and Requirement is not None:
            for r in info.get("requires_dist") or []:
                try:
                    Requirement(r)
                except InvalidRequirement as e:
                    raise SystemExit(f"mkindex: {name} {raw_ver}: bad requirement {r!r}: {e}")
        metadata = build_metadata(name, version, info)
        md_sha = hashlib.sha256(metadata).hexdigest()
        fnames = info.get("wheels") or [f"{wheel_name_part(name)}-{version.replace('-', '_')}-py3-none-any.whl"]
        yanked = info.get("yanked", False)
        if yanked is True:
            yanked_val = True
        elif yanked:
            yanked_val = str(yanked)
        else:
            yanked_val = False
        up = norm_upload_time(info.get("upload_time"))
        for fn in fnames:
            if not fn.endswith(".whl"):
                warnings.append(f"{name} {raw_ver}: skipped non-wheel file {fn!r} (only wheels are generated)")
                continue
            m = _WHEEL_RE.match(fn)
            if not m:
                warnings.append(f"{name} {raw_ver}: skipped bad wheel filename {fn!r}")
                continue
            if normalize_name(m.group("name")) != norm:
                warnings.append(f"{name} {raw_ver}: wheel {fn!r} names another project")
            whl = build_wheel(name, version, fn, metadata)
            sha = hashlib.sha256(whl).hexdigest()
            if write_wheels:
                with open(os.path.join(fdir, fn), "wb") as f:
                    f.write(whl)
            with open(os.path.join(fdir, fn + ".metadata"), "wb") as f:
                f.write(metadata)
            nbytes += len(whl) + len(metadata)
            entry = {
                "filename": fn,
                "url": f"../../files/{norm}/{urllib.parse.quote(fn)}",
                "hashes": {"sha256": sha},
                "core-metadata": {"sha256": md_sha},
                "yanked": yanked_val,
                "size": len(whl),
            }
            if legacy_json_key:
                entry["dist-info-metadata"] = {"sha256": md_sha}
            if info.get("requires_python"):
                entry["requires-python"] = info["requires_python"]
            if up:
                entry["upload-time"] = up
            files.append(entry)

    # PEP 691 JSON page (+ PEP 700)
    page = {"meta": {"api-version": API_VERSION}, "name": norm, "versions": versions, "files": files}
    with open(os.path.join(sdir, "index.json"), "w", encoding="utf-8") as f:
        json.dump(page, f, separators=(",", ":"))

    # PEP 503 HTML page
    esc = html.escape
    out_lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        f'    <meta name="pypi:repository-version" content="{API_VERSION}">',
        f"    <title>Links for {esc(name)}</title>",
        "  </head>",
        "  <body>",
        f"    <h1>Links for {esc(name)}</h1>",
    ]
    for e in files:
        attrs = [f'href="{esc(e["url"])}#sha256={e["hashes"]["sha256"]}"']
        if "requires-python" in e:
            attrs.append(f'data-requires-python="{esc(e["requires-python"])}"')
        md = f'sha256={e["core-metadata"]["sha256"]}'
        attrs.append(f'data-dist-info-metadata="{md}"')
        attrs.append(f'data-core-metadata="{md}"')
        if e["yanked"] is not False:
            reason = "" if e["yanked"] is True else e["yanked"]
            attrs.append(f'data-yanked="{esc(reason)}"')
        out_lines.append(f'    <a {" ".join(attrs)}>{esc(e["filename"])}</a><br/>')
    out_lines += ["  </body>", "</html>", ""]
    with open(os.path.join(sdir, "index.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(out_lines))
    return norm, name, len(files), nbytes, warnings


def write_root(out: str, projects: list[tuple[str, str]]) -> None:
    sdir = os.path.join(out, "simple")
    os.makedirs(sdir, exist_ok=True)
    projects = sorted(projects)
    with open(os.path.join(sdir, "index.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": {"api-version": API_VERSION},
                   "projects": [{"name": disp} for _, disp in projects]}, f, separators=(",", ":"))
    lines = ["<!DOCTYPE html>", "<html>", "  <head>",
             f'    <meta name="pypi:repository-version" content="{API_VERSION}">',
             "    <title>Simple index</title>", "  </head>", "  <body>"]
    lines += [f'    <a href="{norm}/">{html.escape(disp)}</a><br/>' for norm, disp in projects]
    lines += ["  </body>", "</html>", ""]
    with open(os.path.join(sdir, "index.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="corpus JSON file ('-' for stdin)")
    ap.add_argument("out", help="output directory (must be empty or absent, unless --force)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    ap.add_argument("--force", action="store_true", help="delete OUT first if it exists")
    ap.add_argument("--validate", action="store_true",
                    help="parse every Requires-Dist with packaging (slower)")
    ap.add_argument("--legacy-json-metadata-key", action="store_true",
                    help="also emit the PEP 691 'dist-info-metadata' JSON key (pre-PEP 714). "
                         "Off by default: pip 22.3-23.1 (e.g. pipenv 2022.12's vendored pip) "
                         "crash on it with TypeError: unhashable type: 'dict' (pypa/pip#12042)")
    ap.add_argument("--no-wheel-files", action="store_true",
                    help="write the pages and the PEP 658 metadata files but not the wheels "
                         "themselves (their hashes and sizes are still those of the real "
                         "wheels): enough for resolving, not for installing; 4x less disk")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)

    t0 = time.time()
    if a.corpus == "-":
        corpus = json.load(sys.stdin)
    else:
        opener = gzip.open if a.corpus.endswith(".gz") else open
        with opener(a.corpus, "rt", encoding="utf-8") as f:
            corpus = json.load(f)
    packages = corpus.get("packages")
    if not isinstance(packages, dict):
        print("mkindex: corpus has no 'packages' object", file=sys.stderr)
        return 2

    out = os.path.abspath(a.out)
    if os.path.exists(out) and os.listdir(out):
        if not a.force:
            print(f"mkindex: {a.out} is not empty (use --force)", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "files"), exist_ok=True)
    os.makedirs(os.path.join(out, "simple"), exist_ok=True)

    # projects whose names normalize to the same thing are one project: refuse
    seen: dict[str, str] = {}
    for name in packages:
        n = normalize_name(name)
        if n in seen:
            print(f"mkindex: {name!r} and {seen[n]!r} normalize to the same name", file=sys.stderr)
            return 2
        seen[n] = name

    jobs = [(name, rel, out, a.validate, a.legacy_json_metadata_key, not a.no_wheel_files)
            for name, rel in packages.items()]
    results = []
    if a.jobs > 1 and len(jobs) > 50:
        with ProcessPoolExecutor(max_workers=a.jobs) as ex:
            results = list(ex.map(build_project, jobs, chunksize=max(1, len(jobs) // (a.jobs * 8))))
    else:
        results = [build_project(j) for j in jobs]

    write_root(out, [(r[0], r[1]) for r in results])
    nfiles = sum(r[2] for r in results)
    nbytes = sum(r[3] for r in results)
    for r in results:
        for w in r[4]:
            print(f"mkindex: warning: {w}", file=sys.stderr)
    manifest = {
        "generator": GENERATOR,
        "corpus": os.path.basename(a.corpus),
        "projects": len(results),
        "files": nfiles,
        "bytes": nbytes,
        "api_version": API_VERSION,
        "legacy_json_metadata_key": a.legacy_json_metadata_key,
        "wheel_files": not a.no_wheel_files,
        "layout": {"simple": "simple/<project>/index.{html,json}",
                   "files": "files/<project>/<file>", "pep658": "<file>.metadata"},
        "build_seconds": round(time.time() - t0, 2),
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    if not a.quiet:
        print(f"mkindex: {len(results)} projects, {nfiles} wheels, {nbytes/1e6:.1f} MB "
              f"in {time.time()-t0:.1f}s -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

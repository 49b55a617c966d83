#!/usr/bin/env python3
"""mkindex.py - build a small but real package index for the end-to-end tests.

    python3 mkindex.py SPEC.json OUTDIR      (SPEC "-" reads standard input)

or, from Python, build_index(spec_dict, outdir).  Standard library only.

SPEC describes projects, their versions and what each version ships:

    {"projects": {
       "Foo.Bar": {
         "1.0": {
           "requires_dist": ["dep>=1", "fast-dep; extra == \\"fast\\""],
           "requires_python": ">=3.8",
           "extras": ["fast"],          # Provides-Extra (extras used in
                                        # markers are added anyway)
           "wheels": ["py3-none-any"],  # tag triples ("py3-none-any",
                                        # "cp311-cp311-manylinux_2_17_x86_64")
                                        # or whole file names; default one
                                        # py3-none-any wheel, [] for none
           "sdist": "2.2",              # false (default): no sdist;
                                        # "2.2" or true: static PKG-INFO 2.2;
                                        # "2.1": PKG-INFO 2.1;
                                        # "dynamic": 2.2 with
                                        # Dynamic: Requires-Dist
           "yanked": true | "reason",
           "upload_time": "2023-01-02T03:04:05Z",
           "metadata": true,            # PEP 658 .metadata next to each
                                        # wheel (default true)
           "bad_metadata_hash": false,  # announce a wrong .metadata hash
           "pad": 0,                    # bytes of incompressible data in
                                        # the wheel, so range requests
                                        # are worth it
           # real wheels for cvlock sync (all optional; a spec without
           # them builds byte-identical wheels):
           "module": "def f(): ...",    # the text of <module>/__init__.py
           "files": {"pkg/x.py": "..."},  # more files at the wheel's root
           "console_scripts": {"hello": "mod:main"},  # entry_points.txt
           "gui_scripts": {"hello-gui": "mod:gui"},
           "data": {"scripts/run": "#!python\n...",  # <name>-<v>.data/...
                    "purelib/p.py": "...", "platlib/q.py": "...",
                    "headers/h.h": "...", "data/share/x.txt": "..."},
           "root_is_purelib": false,    # override the tag's choice
           "members": [                 # raw entries, for malicious wheels:
             {"path": "../evil.py", "data": "x", "mode": 420,
              "symlink": "target", "record": false}]  # (not in RECORD)
         }}}}

The versions are used as written (write them canonical).  The output:

    files/<project>/<wheel or sdist>     real wheels (zip: module,
                                         METADATA, WHEEL, RECORD) and
                                         sdists (tar.gz: PKG-INFO,
                                         pyproject.toml, module)
    files/<project>/<wheel>.metadata     PEP 658 core metadata
    simple/index.html, index.json        the project lists
    simple/<project>/index.html          PEP 503: #sha256=, escaped
                                         data-requires-python, data-yanked,
                                         data-core-metadata and
                                         data-dist-info-metadata
    simple/<project>/index.json          PEP 691 1.1 with PEP 700 fields
    links/index.html                     a flat --find-links listing of
                                         every file
    expect/<project>.json                what a client should report:
                                         versions newest first, files with
                                         their sha256 (for the tests)

Links are relative, as on PyPI (../../files/...), so the tree works under
any host and port and as a file:// index.  The output is byte-for-byte
reproducible: fixed times inside the archives and on the files.
"""

import base64
import gzip
import hashlib
import html
import io
import json
import os
import re
import sys
import tarfile
import zipfile

ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FILE_MTIME = 1577836800  # 2020-01-01T00:00:00Z, also the archives' times
API_VERSION = "1.1"

_SEP = re.compile(r"[-_.]+")
_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


def canonical_name(name):
    return _SEP.sub("-", name).lower()


def dist_name(name):
    """The escaped name used in wheel, dist-info and PEP 625 sdist names."""
    return _SEP.sub("_", name).lower()


def _b64sha(data):
    digest = hashlib.sha256(data).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def _upload_time(value):
    """PEP 700 wants ISO 8601 UTC; keep what the spec says, normalized."""
    if value is None:
        return None
    m = re.match(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?Z?$", value)
    if not m:
        raise ValueError("bad upload_time %r" % value)
    frac = (m.group(3) or ".0")[1:7].ljust(6, "0")
    return "%sT%s.%sZ" % (m.group(1), m.group(2), frac)


def _version_key(version):
    """A PEP 440 order good enough for the tests' own versions (used only
    for expect/ files and the "versions" list)."""
    m = re.match(r"^(?:(\d+)!)?(\d+(?:\.\d+)*)"
                 r"(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?$",
                 version)
    if not m:
        raise ValueError("write versions canonical: %r" % version)
    epoch = int(m.group(1) or 0)
    release = [int(x) for x in m.group(2).split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    pre, post, dev = m.group(3), m.group(5), m.group(6)
    if pre:
        pre_key = ({"a": 0, "b": 1, "rc": 2}[pre], int(m.group(4)))
    elif dev is not None and post is None:
        pre_key = (-1, 0)  # 1.0.dev1 sorts before 1.0a1
    else:
        pre_key = (3, 0)
    post_key = int(post) if post is not None else -1
    dev_key = int(dev) if dev is not None else 1 << 62
    return (epoch, release, pre_key, post_key, dev_key)


def is_prerelease(version):
    return bool(re.search(r"(a|b|rc)\d+|\.dev\d+", version))


def core_metadata(name, version, info, metadata_version="2.1",
                  dynamic=None):
    reqs = list(info.get("requires_dist", []))
    extras = list(info.get("extras", []))
    for r in reqs:
        if ";" in r:
            for e in _EXTRA_MARKER.findall(r.split(";", 1)[1]):
                if e not in extras:
                    extras.append(e)
    lines = ["Metadata-Version: " + metadata_version,
             "Name: " + name,
             "Version: " + version]
    for d in dynamic or []:
        lines.append("Dynamic: " + d)
    lines.append("Summary: test package %s %s" % (name, version))
    if info.get("requires_python"):
        lines.append("Requires-Python: " + info["requires_python"])
    lines += ["Provides-Extra: " + e for e in extras]
    lines += ["Requires-Dist: " + r for r in reqs]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _wheel_filename(name, version, wheel):
    if wheel.endswith(".whl"):
        return wheel
    return "%s-%s-%s.whl" % (dist_name(name), version, wheel)


def _wheel_tags(filename):
    parts = filename[:-4].split("-")
    if len(parts) not in (5, 6):
        raise ValueError("bad wheel file name %r" % filename)
    py, abi, plat = parts[-3:]
    tags = ["%s-%s-%s" % (p, a, q) for p in py.split(".")
            for a in abi.split(".") for q in plat.split(".")]
    build = parts[2] if len(parts) == 6 else None
    return tags, build, abi == "none" and plat == "any"


def _module_name(name):
    mod = re.sub(r"[^0-9a-z_]", "_", dist_name(name))
    return "_" + mod if mod[0].isdigit() else mod


def _padding(name, version, size):
    """Deterministic bytes that do not compress."""
    out = bytearray()
    seed = ("%s-%s" % (name, version)).encode()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:size])


def _entry_points(info):
    text = ""
    for group in ("console_scripts", "gui_scripts"):
        eps = info.get(group)
        if eps:
            text += "[%s]\n" % group
            text += "".join("%s = %s\n" % (k, eps[k]) for k in sorted(eps))
    return text.encode()


def build_wheel(name, version, filename, metadata, pad=0, info=None):
    info = info or {}
    tags, build, purelib = _wheel_tags(filename)
    purelib = info.get("root_is_purelib", purelib)
    distinfo = "%s-%s.dist-info" % (dist_name(name), version)
    datadir = "%s-%s.data" % (dist_name(name), version)
    mod = _module_name(name)
    wheel_lines = ["Wheel-Version: 1.0",
                   "Generator: cvlock-tests-mkindex",
                   "Root-Is-Purelib: " + ("true" if purelib else "false")]
    if build:
        wheel_lines.append("Build: " + build)
    wheel_lines += ["Tag: " + t for t in tags]
    module = info.get("module", '__version__ = "%s"\n' % version)
    members = [("%s/__init__.py" % mod, module.encode())]
    if pad:
        members.append(("%s/blob.bin" % mod, _padding(name, version, pad)))
    files = info.get("files", {})
    members += [(p, files[p].encode()) for p in sorted(files)]
    data = info.get("data", {})
    members += [(datadir + "/" + p, data[p].encode()) for p in sorted(data)]
    members += [(distinfo + "/METADATA", metadata),
                (distinfo + "/WHEEL", ("\n".join(wheel_lines) + "\n").encode())]
    eps = _entry_points(info)
    if eps:
        members.append((distinfo + "/entry_points.txt", eps))
    modes = {datadir + "/" + p: 0o755 for p in data
             if p.startswith("scripts/")}
    links = {}
    unrecorded = set()
    for m in info.get("members", []):
        members.append((m["path"], m.get("data", "").encode()))
        if "mode" in m:
            modes[m["path"]] = m["mode"]
        if "symlink" in m:
            links[m["path"]] = m["symlink"]
        if not m.get("record", True):
            unrecorded.add(m["path"])
    record = "".join("%s,sha256=%s,%d\n" % (p, _b64sha(d), len(d))
                     for p, d in members if p not in unrecorded)
    record += distinfo + "/RECORD,,\n"
    members.append((distinfo + "/RECORD", record.encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, data in members:
            zi = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            zi.external_attr = modes.get(path, 0o644) << 16
            if path in links:
                zi.external_attr = (0o120777 << 16)
                data = links[path].encode()
            # METADATA deflated, the padding stored: both paths get used
            zi.compress_type = (zipfile.ZIP_STORED if path.endswith(".bin")
                                else zipfile.ZIP_DEFLATED)
            zf.writestr(zi, data)
    return buf.getvalue()


def build_sdist(name, version, pkg_info):
    base = "%s-%s" % (dist_name(name), version)
    mod = _module_name(name)
    pyproject = ('[build-system]\nrequires = ["setuptools>=61"]\n'
                 'build-backend = "setuptools.build_meta"\n\n'
                 '[project]\nname = "%s"\nversion = "%s"\n' % (name, version))
    members = [(base + "/PKG-INFO", pkg_info),
               (base + "/pyproject.toml", pyproject.encode()),
               (base + "/%s/__init__.py" % mod,
                ('__version__ = "%s"\n' % version).encode())]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for d in (base, base + "/" + mod):
            ti = tarfile.TarInfo(d)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
            ti.mtime = FILE_MTIME
            tf.addfile(ti)
        for path, data in members:
            ti = tarfile.TarInfo(path)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = FILE_MTIME
            tf.addfile(ti, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (FILE_MTIME, FILE_MTIME))


def _sdist_kind(value):
    if value in (None, False):
        return None
    if value is True or value == "2.2":
        return ("2.2", None)
    if value == "2.1":
        return ("2.1", None)
    if value == "dynamic":
        return ("2.2", ["Requires-Dist"])
    raise ValueError("bad sdist value %r" % (value,))


def _project_files(name, versions, outdir):
    """Write one project's files; return its file records in page order."""
    canon = canonical_name(name)
    records = []
    for version, info in versions.items():
        info = info or {}
        _version_key(version)  # refuses non-canonical spellings early
        wheels = info.get("wheels", ["py3-none-any"])
        metadata = core_metadata(name, version, info)
        for w in wheels:
            fn = _wheel_filename(name, version, w)
            data = build_wheel(name, version, fn, metadata, info.get("pad", 0),
                               info)
            rec = {"filename": fn, "data": data, "version": version,
                   "info": info, "metadata": None}
            if info.get("metadata", True):
                _write(os.path.join(outdir, "files", canon,
                                    fn + ".metadata"), metadata)
                mhash = sha256(metadata)
                if info.get("bad_metadata_hash"):
                    mhash = sha256(metadata + b"wrong")
                rec["metadata"] = mhash
            records.append(rec)
        kind = _sdist_kind(info.get("sdist"))
        if kind:
            pkg_info = core_metadata(name, version, info, kind[0], kind[1])
            fn = "%s-%s.tar.gz" % (dist_name(name), version)
            records.append({"filename": fn, "version": version, "info": info,
                            "data": build_sdist(name, version, pkg_info),
                            "metadata": None})
    for rec in records:
        _write(os.path.join(outdir, "files", canon, rec["filename"]),
               rec["data"])
        rec["sha256"] = sha256(rec["data"])
        rec["size"] = len(rec["data"])
        rec["url"] = "../../files/%s/%s" % (canon, rec["filename"])
    return records


def _html_anchor(rec, url):
    info = rec["info"]
    attrs = ['href="%s#sha256=%s"' % (html.escape(url), rec["sha256"])]
    if info.get("requires_python"):
        attrs.append('data-requires-python="%s"'
                     % html.escape(info["requires_python"]))
    y = info.get("yanked")
    if y:
        attrs.append('data-yanked="%s"'
                     % ("" if y is True else html.escape(y)))
    if rec["metadata"]:
        attrs.append('data-dist-info-metadata="sha256=%s"' % rec["metadata"])
        attrs.append('data-core-metadata="sha256=%s"' % rec["metadata"])
    return "    <a %s>%s</a><br/>\n" % (" ".join(attrs),
                                         html.escape(rec["filename"]))


def _json_file(rec):
    info = rec["info"]
    y = info.get("yanked")
    f = {"filename": rec["filename"], "url": rec["url"],
         "hashes": {"sha256": rec["sha256"]},
         "requires-python": info.get("requires_python"),
         "yanked": y if isinstance(y, str) else bool(y),
         "size": rec["size"]}
    f["core-metadata"] = ({"sha256": rec["metadata"]} if rec["metadata"]
                          else False)
    ut = _upload_time(info.get("upload_time"))
    if ut:
        f["upload-time"] = ut
    return f


def _dumps(obj):
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode()


def _page_html(title, anchors):
    return ("<!DOCTYPE html>\n<html>\n  <head>\n"
            '    <meta name="pypi:repository-version" content="1.1">\n'
            "    <title>%s</title>\n  </head>\n  <body>\n"
            "    <h1>%s</h1>\n%s  </body>\n</html>\n"
            % (html.escape(title), html.escape(title), "".join(anchors))
            ).encode()


def build_index(spec, outdir):
    projects = spec.get("projects", {})
    seen = {}
    for name in projects:
        canon = canonical_name(name)
        if canon in seen:
            raise ValueError("%r and %r are the same project"
                             % (seen[canon], name))
        seen[canon] = name
    root_anchors, root_json, flat = [], [], []
    for name in sorted(projects, key=canonical_name):
        canon = canonical_name(name)
        versions = projects[name] or {}
        records = _project_files(name, versions, outdir)
        page_dir = os.path.join(outdir, "simple", canon)
        _write(os.path.join(page_dir, "index.html"), _page_html(
            "Links for " + name,
            [_html_anchor(r, r["url"]) for r in records]))
        ordered = sorted(versions, key=_version_key)
        _write(os.path.join(page_dir, "index.json"), _dumps({
            "meta": {"api-version": API_VERSION},
            "name": canon,
            "files": [_json_file(r) for r in records],
            "versions": ordered}))
        root_anchors.append('    <a href="%s/">%s</a><br/>\n'
                            % (canon, html.escape(name)))
        root_json.append({"name": name})
        flat += [(r, "../files/%s/%s" % (canon, r["filename"]))
                 for r in records]
        _write(os.path.join(outdir, "expect", canon + ".json"), _dumps({
            "name": canon,
            "versions": [{
                "version": v,
                "yanked": bool((versions[v] or {}).get("yanked")),
                "prerelease": is_prerelease(v),
                "files": [{"filename": r["filename"], "sha256": r["sha256"],
                           "size": r["size"]}
                          for r in records if r["version"] == v]}
                for v in reversed(ordered)]}))
    _write(os.path.join(outdir, "simple", "index.html"),
           _page_html("Simple index", root_anchors))
    _write(os.path.join(outdir, "simple", "index.json"), _dumps({
        "meta": {"api-version": API_VERSION}, "projects": root_json}))
    _write(os.path.join(outdir, "links", "index.html"),
           _page_html("Links", [_html_anchor(r, u) for r, u in flat]))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: mkindex.py SPEC.json OUTDIR\n")
        return 2
    if argv[1] == "-":
        spec = json.load(sys.stdin)
    else:
        with open(argv[1], encoding="utf-8") as f:
            spec = json.load(f)
    try:
        build_index(spec, argv[2])
    except ValueError as e:
        sys.stderr.write("mkindex.py: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""The same work as bench/pep440.c, done by Python's packaging library.

    python3 bench/pep440_packaging.py CORPUS.json [ROUNDS]

Parses and sorts every package's versions, parses every Requires-Dist string
and evaluates its marker against a fixed CPython 3.11 / Linux environment.
Prints the same line format as bench/pep440 (best of ROUNDS, default 1).
"""
import json
import sys
import time

import packaging
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

ENV = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.7",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "6.1.0",
    "platform_system": "Linux",
    "platform_version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0",
    "python_full_version": "3.11.7",
    "python_version": "3.11",
    "sys_platform": "linux",
    "extra": "",
}


def main():
    corpus = json.load(open(sys.argv[1]))
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    ranges = []
    reqs = []
    for versions in corpus["packages"].values():
        ranges.append(list(versions.keys()))
        for meta in versions.values():
            reqs.extend(r for r in (meta.get("requires_dist") or []) if isinstance(r, str))
    nver = sum(len(r) for r in ranges)

    best_parse = best_sort = best_req = float("inf")
    for _ in range(rounds):
        invalid = 0
        parsed = []
        t0 = time.perf_counter()
        for names in ranges:
            vs = []
            for v in names:
                try:
                    vs.append(Version(v))
                except InvalidVersion:
                    invalid += 1
            parsed.append(vs)
        t1 = time.perf_counter()
        for vs in parsed:
            vs.sort()
        t2 = time.perf_counter()
        best_parse = min(best_parse, t1 - t0)
        best_sort = min(best_sort, t2 - t1)
    vinvalid = invalid

    for _ in range(rounds):
        rinvalid = rtrue = 0
        t0 = time.perf_counter()
        for s in reqs:
            try:
                r = Requirement(s)
            except InvalidRequirement:
                rinvalid += 1
                continue
            res = True
            if r.marker is not None:
                try:
                    res = r.marker.evaluate(ENV)
                except Exception:
                    res = False
            rtrue += bool(res)
        t1 = time.perf_counter()
        best_req = min(best_req, t1 - t0)

    print("versions %d invalid %d parse_s %.6f sort_s %.6f per_s %.0f"
          % (nver, vinvalid, best_parse, best_sort, nver / (best_parse + best_sort)))
    print("requirements %d invalid %d true %d parse_eval_s %.6f per_s %.0f"
          % (len(reqs), rinvalid, rtrue, best_req, len(reqs) / best_req))
    print("packaging %s" % packaging.__version__)


if __name__ == "__main__":
    main()

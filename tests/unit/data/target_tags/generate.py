#!/usr/bin/env python3
# Regenerate the expected tag lists in this directory from packaging.tags
# (not part of the test run).  Each file NAME = IMPL-X.Y-PLATFORM.txt holds
# what `cvlock tags --implementation IMPL --python-version X.Y --platform
# PLATFORM` must print: packaging's cpython_tags + compatible_tags (CPython)
# or generic_tags + compatible_tags(interpreter="pp3") (PyPy), over the
# platform list cvlock documents for the target (pep/tags.c): packaging's
# manylinux list for the target's glibc (or the musllinux levels), then
# linux_ARCH; mac_platforms() for macOS.
#
# Usage: generate.py [DIR]   (needs a packaging importable as `packaging`,
# or pip's vendored copy).  pip's vendored packaging 21.x spells the macOS
# format "fat32"; packaging 26 spells it "fat3", which is what is written.
import os
import sys

try:
    from packaging import tags
except ImportError:
    from pip._vendor.packaging import tags

TARGETS = [
    ("cp", (3, 12), "manylinux_2_17_x86_64"),
    ("cp", (3, 11), "manylinux_2_28_aarch64"),
    ("cp", (3, 9), "musllinux_1_2_x86_64"),
    ("cp", (3, 12), "macosx_14_0_arm64"),
    ("cp", (3, 8), "macosx_10_9_x86_64"),
    ("cp", (3, 12), "win_amd64"),
    ("cp", (3, 7), "win32"),
    ("pp", (3, 10), "manylinux_2_17_x86_64"),
    ("pp", (3, 9), "win_amd64"),
]


def manylinux(minor, arch):
    # packaging's own generator, with the glibc version of the target
    try:
        from packaging import _manylinux
    except ImportError:
        from pip._vendor.packaging import _manylinux
    _manylinux._get_glibc_version = lambda: (2, minor)
    try:
        return list(_manylinux.platform_tags([arch]))  # packaging >= 23
    except TypeError:
        return list(_manylinux.platform_tags(f"linux_{arch}", arch))


def platforms(plat):
    parts = plat.split("_")
    if plat.startswith("manylinux_"):
        arch = "_".join(parts[3:])
        return manylinux(int(parts[2]), arch) + [f"linux_{arch}"]
    if plat.startswith("musllinux_"):
        arch = "_".join(parts[3:])
        return [f"musllinux_1_{m}_{arch}" for m in range(int(parts[2]), -1, -1)] + [
            f"linux_{arch}"
        ]
    if plat.startswith("macosx_"):
        arch = "_".join(parts[3:])
        return list(tags.mac_platforms((int(parts[1]), int(parts[2])), arch))
    return [plat]


def target_tags(impl, ver, plat):
    plats = platforms(plat)
    nodot = f"{ver[0]}{ver[1]}"
    if impl == "cp":
        abi = f"cp{nodot}" + ("m" if ver[1] < 8 else "")
        out = list(tags.cpython_tags(ver, [abi], plats))
        out += list(tags.compatible_tags(ver, f"cp{nodot}", plats))
    else:
        out = list(tags.generic_tags(f"pp{nodot}", [f"pypy{nodot}_pp73"], plats))
        out += list(tags.compatible_tags(ver, "pp3", plats))
    return [str(t).replace("_fat32", "_fat3") for t in out]


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__)
    for impl, ver, plat in TARGETS:
        name = f"{impl}-{ver[0]}.{ver[1]}-{plat}.txt"
        with open(os.path.join(outdir, name), "w") as f:
            f.write("".join(t + "\n" for t in target_tags(impl, ver, plat)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write the seed wheels of fuzz_zip.c into tests/fuzz/seeds/zip/.

Run once from anywhere; the seeds are committed.  Each is a small wheel
(under run.sh's 4096-byte -max_len): deflated, stored, with an archive
comment, with zip64 extra fields, with a zip64 end record, and a few
broken ones (no .dist-info, two of them, a truncated directory).
"""
import io
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "seeds", "zip")

METADATA = (b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
            b"Requires-Dist: requests>=2\n\nDescription text.\n")
WHEEL = b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def wheel(members, compression=zipfile.ZIP_DEFLATED, comment=b"",
          force_zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            with z.open(info, "w", force_zip64=force_zip64) as f:
                f.write(data)
        z.comment = comment
    return buf.getvalue()


def zip64_end(data):
    """Replace the plain end record by zip64 record + locator + marked EOCD."""
    eocd = data[-22:]
    (_, _, _, n, total, cd_size, cd_off, clen) = struct.unpack(
        "<IHHHHIIH", eocd)
    body = data[:-22]
    rec = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0,
                      total, total, cd_size, cd_off)
    loc = struct.pack("<IIQI", 0x07064B50, 0, len(body), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF,
                      0xFFFFFFFF, 0xFFFFFFFF, 0)
    return body + rec + loc + end


def main():
    os.makedirs(OUT, exist_ok=True)
    good = [("demo/__init__.py", b"print('hi')\n"),
            ("demo-1.0.dist-info/METADATA", METADATA),
            ("demo-1.0.dist-info/WHEEL", WHEEL),
            ("demo-1.0.dist-info/RECORD", b"demo/__init__.py,,\n")]
    seeds = {
        "deflate.whl": wheel(good),
        "stored.whl": wheel(good, zipfile.ZIP_STORED),
        "comment.whl": wheel(good, comment=b"PK\x05\x06 decoy " * 4),
        "zip64-extra.whl": wheel(good, force_zip64=True),
        "zip64-end.whl": zip64_end(wheel(good)),
        "no-dist-info.whl": wheel([("demo/__init__.py", b"")]),
        "two-dist-info.whl": wheel([("a-1.dist-info/METADATA", b"x"),
                                    ("b-1.dist-info/METADATA", b"y")]),
        "nested.whl": wheel([("x/a-1.dist-info/METADATA", METADATA)]),
    }
    d = wheel(good)
    cd_off = struct.unpack("<I", d[-6:-2])[0]
    seeds["truncated-cd.whl"] = d[:cd_off + 30] + d[-22:]
    for name, data in sorted(seeds.items()):
        assert len(data) <= 4096, name
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

#!/bin/sh
# Run the packaging conformance vectors (tests/vectors/*.json).
exec "$top_builddir/tests/pep-vectors" "$top_srcdir/tests/vectors"

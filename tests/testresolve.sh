#!/bin/sh
# Run every resolver testcase file (tests/resolver/TOPIC/NAME.t).
exec "$top_builddir/tests/testresolve" --roundtrip "$top_srcdir"/tests/resolver/*/*.t

#!/bin/sh
# Resolve the packse scenarios in memory (tests/scenarios).
exec "$top_builddir/tests/run-scenarios" \
	"$top_srcdir/tests/scenarios/packse_scenarios.json"

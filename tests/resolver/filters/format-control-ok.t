# --only-binary :all: then --only-binary :none:,a: only a is binary-only,
# so a 2.0 (an sdist only) is skipped and b keeps its sdist-only 2.0.
package a 1.0
package a 2.0 wheel=no
package b 1.0
package b 2.0 wheel=no
require a
require b
option only-binary :all:
option only-binary :none:,a
result
a 1.0
b 2.0

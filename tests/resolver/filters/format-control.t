# pip's --no-binary / --only-binary, applied in order: a name wins over
# :all:; a version with no allowed distribution is not a candidate, and
# the hint says which option forbids it.
package a 1.0
package a 2.0 wheel=no
package b 1.0 sdist=no
package c 1.0 sdist=no
require a
require b
require c
option only-binary :all:
option no-binary b
result
no solution:
  * the project requires b, but no version of b is usable
hint: b 1.0 has only wheels and --no-binary b is set

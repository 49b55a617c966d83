# No compatible wheel and no sdist; --no-binary on a wheel-only package.
package a 1.0
package a 2.0 wheel=no sdist=no
package b 1.0 sdist=no
require a>=2
require b
option no-binary b
result
no solution:
  * the project requires a>=2, but no version of a matches
hint: a 2.0 has no wheel compatible with the target and no usable source distribution

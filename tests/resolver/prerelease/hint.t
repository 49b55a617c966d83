# Only a pre-release matches a final-release range above it: explained.
package a 1.0
package a 3.0rc1
package b 1.0
  requires a>2
require b
option prerelease disallow
result
no solution:
  * the project requires b
  * b 1.0 requires a>2, but no version of a matches
hint: a 3.0rc1 is a pre-release; it is used with --prerelease allow or when a requirement names a pre-release

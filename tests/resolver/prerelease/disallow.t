# Only a pre-release exists and pre-releases are disallowed.
package a 1.0
package a 2.0b1
require a>=2.0a0
option prerelease disallow
result
no solution:
  * the project requires a>=2.0a0, but no version of a matches
hint: a 2.0b1 is a pre-release; it is used with --prerelease allow or when a requirement names a pre-release

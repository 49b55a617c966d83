# A dependency names a package that the index does not know.
package a 1.0
  requires ghost>=1
require a
result
no solution:
  * the project requires a
  * a 1.0 requires ghost>=1, but no package ghost exists

# a 2.0 needs c, which does not exist: fall back to a 1.0.
package a 1.0
  requires b
package a 2.0
  requires c>=1
package b 1.0
require a
result
a 1.0 -> b
b 1.0

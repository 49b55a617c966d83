# Locked versions are kept although newer ones exist.
package a 1.0
  requires b
package a 2.0
  requires b
package b 1.0
package b 2.0
require a
lock a 1.0
lock b 1.0
result
a 1.0 -> b
b 1.0

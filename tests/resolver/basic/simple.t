# The newest version of each requirement wins.
package a 1.0
package a 2.0
  requires b>=1
package b 1.0
package b 1.5
require a
result
a 2.0 -> b
b 1.5

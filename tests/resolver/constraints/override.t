# An override replaces every package's own requirement on that name.
package a 1.0
  requires b<2
package b 1.0
package b 3.0
require a
override b>=3
result
a 1.0 -> b
b 3.0

# A constraint limits versions but adds no package.
package a 1.0
  requires b
package a 2.0
  requires b
package b 1.0
package b 2.0
package c 1.0
require a
constrain b<2
constrain c==1.0
result
a 2.0 -> b
b 1.0

# The project now needs a>=2: only a moves; b stays at its locked version.
package a 1.0
  requires b
package a 2.0
  requires b
package b 1.0
package b 2.0
package c 1.0
package c 2.0
require a>=2
require c
lock a 1.0
lock b 1.0
lock c 1.0
result
a 2.0 -> b
b 1.0
c 1.0

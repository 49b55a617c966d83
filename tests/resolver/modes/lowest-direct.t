# --resolution lowest-direct: lowest for direct requirements only.
package a 1.0
  requires b>=1.5
package a 2.0
  requires b>=1.5
package b 1.0
package b 1.5
package b 2.0
require a
option resolution lowest-direct
result
a 1.0 -> b
b 2.0

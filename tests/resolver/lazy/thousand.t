# A package with 1,000 versions whose newest works costs a handful of
# metadata loads, not 1,000.
series big 1.0 1000
  requires small
package small 1.0
require big
option show-loads
result
big 1.0.999 -> small
small 1.0
loads 3, rounds 1

# Only big 1.0.0 works (the rest need a missing package): widening loads
# more of big until it finds it.
package big 1.0.0
series big 1.0 1000
  requires missing
require big
option show-loads
result
big 1.0.0
loads 1000, rounds 6

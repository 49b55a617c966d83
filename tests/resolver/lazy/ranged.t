# Another package caps big far below its newest release: only the
# versions under the cap are loaded, without a failed round.
series big 1.0 1000
package app 1.0
  requires big<1.0.10
require big
require app
option show-loads
result
app 1.0 -> big
big 1.0.9
loads 5, rounds 1

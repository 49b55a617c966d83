# --resolution lowest loads from the bottom of a long version list.
series big 1.0 1000
  requires dep>=1.{i}
series dep 1 2000
require big>=1.0.500
option resolution lowest
option show-loads
result
big 1.0.500 -> dep
dep 1.500
loads 5, rounds 1

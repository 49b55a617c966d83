# requests[socks] 2.1 needs a pysocks that does not exist: fall back to 2.0
# with its extra (notes/libsolv.md §7).
package requests 2.0
  extra socks
  requires pysocks>=1.5; extra == "socks"
package requests 2.1
  extra socks
  requires pysocks>=9; extra == "socks"
package pysocks 1.5
package pysocks 1.7
require requests[socks]>=2.0
result
pysocks 1.7
requests 2.0 [socks] -> pysocks

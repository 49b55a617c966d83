# The root pins requests 2.1, whose socks extra cannot be satisfied.
package requests 2.0
  extra socks
  requires pysocks>=1.5; extra == "socks"
package requests 2.1
  extra socks
  requires pysocks>=9; extra == "socks"
package pysocks 1.7
require requests[socks]
require requests==2.1
result
no solution:
  * the project requires requests==2.1
  * the project requires requests[socks]
  * requests[socks] 2.1 requires pysocks>=9, but no version of pysocks matches
  * only one version of requests can be installed
  * requests[socks] must have the same version as requests

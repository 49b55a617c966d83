# Two requested extras need incompatible versions of b.
package a 1.0
  extra x
  extra y
  requires b==1.0; extra == "x"
  requires b==2.0; extra == "y"
package b 1.0
package b 2.0
require a[x,y]
result
no solution:
  * the project requires a[x]
  * the project requires a[y]
  * a[x] 1.0 requires b==1.0
  * a[y] 1.0 requires b==2.0
  * only one version of b can be installed

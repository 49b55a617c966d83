# --upgrade-package b drops b's preference only.
package a 1.0
  requires b
package a 2.0
  requires b
package b 1.0
package b 2.0
require a
lock a 1.0
lock b 1.0
upgrade b
result
a 1.0 -> b
b 2.0

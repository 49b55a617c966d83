# A yanked version is used only when pinned with ==.
package a 1.0
package a 2.0 yanked
package b 1.0 yanked
require a
require b==1.0
result
a 1.0
b 1.0

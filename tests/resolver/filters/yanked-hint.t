# Only a yanked version matches a range: explained with a hint.
package c 1.0 yanked
require c>=1
result
no solution:
  * the project requires c>=1, but no version of c matches
hint: c 1.0 is yanked; a yanked version is used only when pinned with == or ===

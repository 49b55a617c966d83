# Requires-Python excludes a 2.0 for Python 3.12.
target cp 3.12.0 linux_x86_64
package a 1.0 requires-python=>=3.8
package a 2.0 requires-python=>=3.13
package b 1.0 requires-python=>=3.13
require a
require b
result
no solution:
  * the project requires b, but no version of b is usable
hint: b 1.0 requires Python >=3.13, but the target is Python 3.12.0

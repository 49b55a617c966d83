# Default policy: a pre-release only when the specifier names one or when
# no final release matches.
package a 1.0
package a 2.0b1
package b 1.0b1
package c 1.0
package c 2.0rc1
require a
require b
require c>=2.0rc1
result
a 1.0
b 1.0b1
c 2.0rc1

package a 1.0
package a 2.0b1
require a
option prerelease allow
result
a 2.0b1

# --upgrade drops every preference.
package a 1.0
package a 2.0
require a
lock a 1.0
upgrade :all:
result
a 2.0

# Markers of dependencies are evaluated for the target (Linux, Python 3.12).
target cp 3.12.1 linux_x86_64
package app 1.0
  requires winonly; sys_platform == "win32"
  requires linuxonly; sys_platform == "linux"
  requires old; python_version < "3.8"
  requires lib[extra1]; python_version >= "3.10"
package linuxonly 1.0
package winonly 1.0
package old 1.0
package lib 1.0
  requires helper; extra == "extra1"
  requires never; extra == "other"
package helper 1.0
require app
require rootwin; sys_platform == "win32"
result
app 1.0 -> lib linuxonly
helper 1.0
lib 1.0 [extra1] -> helper
linuxonly 1.0

# Two extras of one package share its version; base requirements stay.
package web 1.0
  requires core
  requires fast; extra == "speed"
  requires tls; extra == "secure"
package web 2.0
  requires core
  requires fast>=2; extra == "speed"
  requires tls; extra == "secure"
package core 1.0
package fast 1.0
package tls 3.0
require web[speed,secure]
result
core 1.0
fast 1.0
tls 3.0
web 1.0 [secure,speed] -> core fast tls

# --exclude-newer: versions uploaded later, or without an upload time, are out.
package a 1.0 upload=1000
package a 2.0 upload=3000
package a 3.0
require a
option exclude-newer 2000
result
a 1.0

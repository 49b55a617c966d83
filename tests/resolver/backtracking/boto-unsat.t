# Same trap, but every botocore needs urllib3<2: no solution, explained in
# groups.
series boto3 1.0 300
  requires botocore>=1.0.{i*5},<1.0.{i*5+5}
series botocore 1.0 1500
  requires urllib3>=1.20,<2
series urllib3 1 27
package urllib3 2.0
package urllib3 2.5
require boto3
require urllib3>=2
option show-loads
result
no solution:
  * the project requires boto3
  * the project requires urllib3>=2
  * boto3 1.0.0..1.0.299 (300 versions) require 300 different ranges of botocore (e.g. botocore<1.0.1500,>=1.0.1495)
  * botocore 1.0.0..1.0.1499 (1500 versions) require urllib3<2,>=1.20
  * only one version of urllib3 can be installed
loads 1809, rounds 6

# The boto3/botocore/urllib3 trap (notes/libsolv.md §8): 300 boto3 versions
# each need a range of 5 botocore versions; every botocore needs
# urllib3<2 except botocore 1.0.4, so only boto3 1.0.0 works with the
# project's urllib3>=2.
package botocore 1.0.4
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
boto3 1.0.0 -> botocore
botocore 1.0.4
urllib3 2.5
loads 1809, rounds 5

# diamond.t with option derivation (cvlock resolve -v): every problem rule.
package numpy 1.21.0
package numpy 1.23.0
package numpy 2.5rc1
package pandas 2.0
  requires numpy>=1.22,<2
package pandas 2.1
  requires numpy>=1.23,<2
package pandas 2.2
  requires numpy>=2.5
package scipy 1.10
  requires numpy<1.22
package scipy 1.11
  requires numpy<1.22
require scipy<1.12
require pandas
option derivation
result
no solution:
  * the project requires pandas
  * the project requires scipy<1.12
  * pandas 2.0 and 2.1 require 2 different ranges of numpy (e.g. numpy<2,>=1.23)
  * pandas 2.2 requires numpy>=2.5, but no version of numpy matches
  * scipy 1.10 and 1.11 require numpy<1.22
  * only one version of numpy can be installed
derivation (problem 1, 9 rules):
  - the project requires scipy<1.12
  - scipy 1.10 requires numpy<1.22
  - scipy 1.11 requires numpy<1.22
  - only one version of numpy can be installed
  - only one version of numpy can be installed (numpy 1.23.0)
  - the project requires pandas
  - pandas 2.0 requires numpy<2,>=1.22
  - pandas 2.1 requires numpy<2,>=1.23
  - pandas 2.2 requires numpy>=2.5, but no version of numpy matches

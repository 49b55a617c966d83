# A constraint that no version satisfies together with a requirement.
package a 1.0
package a 2.0
require a>=2
constrain a<2
result
no solution:
  * the project requires a>=2, but no version of a matches within the constraint a<2

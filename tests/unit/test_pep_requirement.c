/* test_pep_requirement.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_requirement(void)
{
	return suite_create("pep_requirement");
}

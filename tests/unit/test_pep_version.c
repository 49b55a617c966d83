/* test_pep_version.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_version(void)
{
	return suite_create("pep_version");
}

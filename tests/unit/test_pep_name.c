/* test_pep_name.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_name(void)
{
	return suite_create("pep_name");
}

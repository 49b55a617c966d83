/* test_pep_wheelname.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_wheelname(void)
{
	return suite_create("pep_wheelname");
}

/* test_pep_specifier.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_specifier(void)
{
	return suite_create("pep_specifier");
}

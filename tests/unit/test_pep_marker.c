/* test_pep_marker.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_marker(void)
{
	return suite_create("pep_marker");
}

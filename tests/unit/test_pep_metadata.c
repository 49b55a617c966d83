/* test_pep_metadata.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_metadata(void)
{
	return suite_create("pep_metadata");
}

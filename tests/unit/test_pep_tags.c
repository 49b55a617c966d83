/* test_pep_tags.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_pep_tags(void)
{
	return suite_create("pep_tags");
}

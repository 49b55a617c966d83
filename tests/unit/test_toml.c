/* test_toml.c - unit tests (stub until implemented) */
#include "tests/unit/unit.h"

Suite *suite_toml(void)
{
	return suite_create("toml");
}

/*
 * date.c - calendar arithmetic shared by the parsers of dates (PEP 700
 * upload times, HTTP dates, TOML datetimes in the tests).
 */
#include "config.h"
#include "util/util.h"

/* Howard Hinnant's days_from_civil: no table, no loop, any year. */
int64_t cvl_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

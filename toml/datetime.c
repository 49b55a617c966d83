/*
 * datetime.c - TOML's four date and time types (RFC 3339 with the TOML
 * relaxations: a space or lowercase 't' may separate date and time, 'z'
 * may stand for 'Z', and the offset is optional).
 *
 *   1979-05-27T07:32:00.999-07:00   TOML_DATETIME
 *   1979-05-27 07:32:00             TOML_DATETIME_LOCAL
 *   1979-05-27                      TOML_DATE_LOCAL
 *   07:32:00.5                      TOML_TIME_LOCAL
 *
 * TOML 1.0 requires the seconds.  A second of 60 is accepted (RFC 3339's
 * leap second); day numbers are checked against the month and leap years.
 */
#include "toml/internal.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* `count` digits at p[at] (bounds checked), as a number; -1 if not. */
static int digits(const char *p, size_t n, size_t at, size_t count)
{
	int v = 0;
	size_t i;

	if (at > n || n - at < count)
		return -1;
	for (i = 0; i < count; i++) {
		if (!is_digit(p[at + i]))
			return -1;
		v = v * 10 + (p[at + i] - '0');
	}
	return v;
}

bool toml_datetime_starts(const char *p, size_t n)
{
	if (digits(p, n, 0, 4) >= 0 && n > 4 && p[4] == '-')
		return true;
	return digits(p, n, 0, 2) >= 0 && n > 2 && p[2] == ':';
}

static int days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month == 2 && leap)
		return 29;
	return days[month - 1];
}

/* The extent of what looks like one date-time token, for messages. */
static size_t token_len(const char *p, size_t n)
{
	size_t i = 0;
	bool space_used = false;

	while (i < n) {
		char c = p[i];

		if (is_digit(c) || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || c == ':' || c == '.' ||
		    c == '+' || c == '-' || c == '_') {
			i++;
		} else if (c == ' ' && !space_used && i + 1 < n &&
			   is_digit(p[i + 1])) {
			space_used = true;
			i++;
		} else {
			break;
		}
	}
	return i;
}

static int fail(const char *p, size_t n, size_t *used, const char **why,
		const char *reason)
{
	*used = token_len(p, n);
	*why = reason;
	return -1;
}

int toml_datetime_parse(const char *p, size_t n, struct arena *a,
			struct toml_value *v, size_t *used, const char **why)
{
	struct toml_datetime *dt = &v->u.datetime;
	bool has_date = false, has_time = false, has_offset = false;
	size_t pos = 0, frac_at = 0, frac_len = 0, i, tlen;
	char *text;

	memset(dt, 0, sizeof(*dt));
	if (n > 4 && p[4] == '-') {
		dt->year = digits(p, n, 0, 4);
		dt->month = digits(p, n, 5, 2);
		dt->day = digits(p, n, 8, 2);
		if (dt->year < 0 || dt->month < 0 || dt->day < 0 ||
		    p[7] != '-' || (n > 10 && is_digit(p[10])))
			return fail(p, n, used, why, "invalid date");
		if (dt->month < 1 || dt->month > 12)
			return fail(p, n, used, why, "month out of range");
		if (dt->day < 1 || dt->day > days_in_month(dt->year, dt->month))
			return fail(p, n, used, why, "day out of range");
		has_date = true;
		pos = 10;
		if (pos < n && (p[pos] == 'T' || p[pos] == 't')) {
			pos++;
			has_time = true;
		} else if (pos + 1 < n && p[pos] == ' ' && is_digit(p[pos + 1])) {
			pos++;
			has_time = true;
		}
	} else {
		has_time = true;
	}

	if (has_time) {
		dt->hour = digits(p, n, pos, 2);
		dt->minute = digits(p, n, pos + 3, 2);
		dt->second = digits(p, n, pos + 6, 2);
		if (dt->hour < 0 || dt->minute < 0 || dt->second < 0 ||
		    p[pos + 2] != ':' || p[pos + 5] != ':' ||
		    (n > pos + 8 && is_digit(p[pos + 8])))
			return fail(p, n, used, why, "invalid time");
		if (dt->hour > 23)
			return fail(p, n, used, why, "hour out of range");
		if (dt->minute > 59)
			return fail(p, n, used, why, "minute out of range");
		if (dt->second > 60)
			return fail(p, n, used, why, "second out of range");
		pos += 8;
		if (pos < n && p[pos] == '.') {
			frac_at = ++pos;
			while (pos < n && is_digit(p[pos]))
				pos++;
			frac_len = pos - frac_at;
			if (!frac_len)
				return fail(p, n, used, why,
					    "missing digits after '.'");
			for (i = 0; i < 9; i++) {
				dt->nanosecond *= 10;
				if (i < frac_len)
					dt->nanosecond += (uint32_t)(p[frac_at + i] - '0');
			}
		}
	}

	if (has_date && has_time && pos < n) {
		if (p[pos] == 'Z' || p[pos] == 'z') {
			has_offset = true;
			dt->offset_z = true;
			pos++;
		} else if (p[pos] == '+' || p[pos] == '-') {
			int oh = digits(p, n, pos + 1, 2);
			int om = digits(p, n, pos + 4, 2);

			if (oh < 0 || om < 0 || p[pos + 3] != ':' ||
			    (n > pos + 6 && is_digit(p[pos + 6])))
				return fail(p, n, used, why, "invalid offset");
			if (oh > 23 || om > 59)
				return fail(p, n, used, why,
					    "offset out of range");
			dt->offset_minutes = oh * 60 + om;
			if (p[pos] == '-')
				dt->offset_minutes = -dt->offset_minutes;
			has_offset = true;
			pos += 6;
		}
	}

	if (has_offset)
		v->type = TOML_DATETIME;
	else if (has_date && has_time)
		v->type = TOML_DATETIME_LOCAL;
	else if (has_date)
		v->type = TOML_DATE_LOCAL;
	else
		v->type = TOML_TIME_LOCAL;

	/* The normal text: the input with 'T', 'Z' and the separator fixed. */
	tlen = (has_date ? 10 : 0) + (has_date && has_time ? 1 : 0) +
	       (has_time ? 8 : 0) + (frac_len ? frac_len + 1 : 0) +
	       (has_offset ? (dt->offset_z ? 1 : 6) : 0);
	text = arena_alloc(a, tlen + 1);
	i = 0;
	if (has_date) {
		memcpy(text, p, 10);
		i = 10;
	}
	if (has_date && has_time)
		text[i++] = 'T';
	if (has_time) {
		memcpy(text + i, p + (has_date ? 11 : 0), 8);
		i += 8;
	}
	if (frac_len) {
		text[i++] = '.';
		memcpy(text + i, p + frac_at, frac_len);
		i += frac_len;
	}
	if (has_offset) {
		if (dt->offset_z) {
			text[i++] = 'Z';
		} else {
			memcpy(text + i, p + pos - 6, 6);
			i += 6;
		}
	}
	text[i] = '\0';
	if (i != tlen)
		BUG("datetime text length %zu, expected %zu", i, tlen);
	dt->text.p = text;
	dt->text.len = tlen;
	*used = pos;
	return 0;
}

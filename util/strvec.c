/* strvec.c - vector of owned strings, and the cvl_str slice helpers */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

const char *strvec_empty[] = { NULL };

void strvec_init(struct strvec *sv)
{
	sv->v = (char **)strvec_empty;
	sv->nr = 0;
	sv->alloc = 0;
}

static void push_owned(struct strvec *sv, char *s)
{
	if (sv->v == (char **)strvec_empty)
		sv->v = NULL;
	ALLOC_GROW(sv->v, sv->nr + 2, sv->alloc);
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
	push_owned(sv, xstrdup(s));
}

void strvec_pushn(struct strvec *sv, const char *s, size_t len)
{
	push_owned(sv, xmemdup0(s, len));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	push_owned(sv, strbuf_detach(&sb, NULL));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strvec_sort(struct strvec *sv)
{
	if (sv->nr > 1)
		qsort(sv->v, sv->nr, sizeof(*sv->v), cmp_str);
}

void strvec_clear(struct strvec *sv)
{
	size_t i;

	if (sv->v != (char **)strvec_empty) {
		for (i = 0; i < sv->nr; i++)
			free(sv->v[i]);
		free(sv->v);
	}
	strvec_init(sv);
}

struct cvl_str cvl_str_from(const char *cstr)
{
	return cvl_str_of(cstr, strlen(cstr));
}

bool cvl_str_eq(struct cvl_str a, struct cvl_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool cvl_str_eq_cstr(struct cvl_str a, const char *s)
{
	return cvl_str_eq(a, cvl_str_from(s));
}

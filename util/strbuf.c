/* strbuf.c - growable NUL-terminated buffer (after git's strbuf) */
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->limit = 0;
	sb->buf = strbuf_slopbuf;
	if (hint && strbuf_grow(sb, hint))
		BUG("strbuf_init: hint beyond limit");
}

void strbuf_release(struct strbuf *sb)
{
	size_t limit = sb->limit;

	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
	sb->limit = limit;
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	if (!sb->alloc)
		res = xmemdup0("", 0);
	else
		res = sb->buf;
	if (len)
		*len = sb->len;
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = strbuf_slopbuf;
	return res;
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > (sb->alloc ? sb->alloc - 1 : 0))
		BUG("strbuf_setlen beyond allocation");
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - sb->len - 1)
		return -CVL_ETOOBIG;
	need = sb->len + extra + 1;
	if (sb->limit && sb->len + extra > sb->limit)
		return -CVL_ETOOBIG;
	if (need <= sb->alloc)
		return 0;
	if (!sb->alloc)
		sb->buf = NULL;
	ALLOC_GROW(sb->buf, need, sb->alloc);
	if (sb->len == 0)
		sb->buf[0] = '\0';
	return 0;
}

int strbuf_add_checked(struct strbuf *sb, const void *data, size_t len)
{
	int r = strbuf_grow(sb, len);

	if (r)
		return r;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf_add_checked(sb, data, len))
		BUG("strbuf_add beyond limit");
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed for '%s'", fmt);
	if (strbuf_grow(sb, (size_t)n))
		BUG("strbuf_addf beyond limit");
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_u64(struct strbuf *sb, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_add(sb, tmp + i, sizeof(tmp) - i);
}

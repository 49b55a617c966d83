/*
 * name.c - project and extra names (PEP 503, PEP 685).
 *
 * packaging canonicalizes with re.sub(r"[-_.]+", "-", name).lower(), and
 * Python's str.lower() is Unicode-aware, so non-ASCII letters are lowered
 * too ("ÄÖ" -> "äö").  We carry a table of the common bicameral scripts
 * (Latin, Greek, Cyrillic, Armenian, Georgian, fullwidth forms); names
 * outside it are invalid anyway and keep their other characters as they
 * are.
 */
#include "pep/internal.h"

size_t pep__utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Ranges where upper and lower case alternate: even upper, odd lower. */
static const uint32_t alternating[][2] = {
	{ 0x0100, 0x012f }, { 0x0132, 0x0137 }, { 0x014a, 0x0177 },
	{ 0x0182, 0x0185 }, { 0x01a0, 0x01a5 }, { 0x01de, 0x01ef },
	{ 0x01f8, 0x021f }, { 0x0222, 0x0233 }, { 0x0246, 0x024f },
	{ 0x0370, 0x0373 }, { 0x03d8, 0x03ef }, { 0x0460, 0x0481 },
	{ 0x048a, 0x04bf }, { 0x04d0, 0x052f }, { 0x1e00, 0x1e95 },
	{ 0x1ea0, 0x1eff }, { 0x2c80, 0x2ce3 }, { 0xa640, 0xa66d },
	{ 0xa680, 0xa69b }, { 0xa722, 0xa72f }, { 0xa732, 0xa76f },
	{ 0xa77e, 0xa787 }, { 0xa790, 0xa793 }, { 0xa796, 0xa7a9 },
};

/* Ranges where case alternates the other way: odd upper, even lower. */
static const uint32_t alternating_odd[][2] = {
	{ 0x0139, 0x0148 }, { 0x0179, 0x017e }, { 0x01cd, 0x01dc },
	{ 0x04c1, 0x04ce },
};

/* Ranges mapped by a constant offset. */
static const struct {
	uint32_t lo, hi;
	int32_t delta;
} shifted[] = {
	{ 0x0041, 0x005a, 32 },   { 0x00c0, 0x00d6, 32 },
	{ 0x00d8, 0x00de, 32 },   { 0x0388, 0x038a, 37 },
	{ 0x038e, 0x038f, 63 },   { 0x0391, 0x03a1, 32 },
	{ 0x03a3, 0x03ab, 32 },   { 0x0400, 0x040f, 80 },
	{ 0x0410, 0x042f, 32 },   { 0x0531, 0x0556, 48 },
	{ 0x10a0, 0x10c5, 7264 }, { 0x13a0, 0x13ef, 38864 },
	{ 0x1f08, 0x1f0f, -8 },   { 0x1f18, 0x1f1d, -8 },
	{ 0x1f28, 0x1f2f, -8 },   { 0x1f38, 0x1f3f, -8 },
	{ 0x1f48, 0x1f4d, -8 },   { 0x1f68, 0x1f6f, -8 },
	{ 0x2160, 0x216f, 16 },   { 0x24b6, 0x24cf, 26 },
	{ 0x2c00, 0x2c2f, 48 },   { 0xff21, 0xff3a, 32 },
	{ 0x10400, 0x10427, 40 },
};

/* A few single code points with their own mapping. */
static const uint32_t singles[][2] = {
	{ 0x0178, 0x00ff }, { 0x0181, 0x0253 }, { 0x0186, 0x0254 },
	{ 0x0187, 0x0188 }, { 0x0189, 0x0256 }, { 0x018a, 0x0257 },
	{ 0x018b, 0x018c }, { 0x018e, 0x01dd }, { 0x018f, 0x0259 },
	{ 0x0190, 0x025b }, { 0x0191, 0x0192 }, { 0x0193, 0x0260 },
	{ 0x0194, 0x0263 }, { 0x0196, 0x0269 }, { 0x0197, 0x0268 },
	{ 0x0198, 0x0199 }, { 0x019c, 0x026f }, { 0x019d, 0x0272 },
	{ 0x019f, 0x0275 }, { 0x01a6, 0x0280 }, { 0x01a7, 0x01a8 },
	{ 0x01a9, 0x0283 }, { 0x01ac, 0x01ad }, { 0x01ae, 0x0288 },
	{ 0x01af, 0x01b0 }, { 0x01b1, 0x028a }, { 0x01b2, 0x028b },
	{ 0x01b3, 0x01b4 }, { 0x01b5, 0x01b6 }, { 0x01b7, 0x0292 },
	{ 0x01b8, 0x01b9 }, { 0x01bc, 0x01bd }, { 0x01c4, 0x01c6 },
	{ 0x01c5, 0x01c6 }, { 0x01c7, 0x01c9 }, { 0x01c8, 0x01c9 },
	{ 0x01ca, 0x01cc }, { 0x01cb, 0x01cc }, { 0x01f1, 0x01f3 },
	{ 0x01f2, 0x01f3 }, { 0x01f4, 0x01f5 }, { 0x01f6, 0x0195 },
	{ 0x01f7, 0x01bf }, { 0x0220, 0x019e }, { 0x023a, 0x2c65 },
	{ 0x023b, 0x023c }, { 0x023d, 0x019a }, { 0x023e, 0x2c66 },
	{ 0x0241, 0x0242 }, { 0x0243, 0x0180 }, { 0x0244, 0x0289 },
	{ 0x0245, 0x028c }, { 0x0376, 0x0377 }, { 0x037f, 0x03f3 },
	{ 0x0386, 0x03ac }, { 0x038c, 0x03cc }, { 0x03cf, 0x03d7 },
	{ 0x03f4, 0x03b8 }, { 0x03f7, 0x03f8 }, { 0x03f9, 0x03f2 },
	{ 0x03fa, 0x03fb }, { 0x03fd, 0x037b }, { 0x03fe, 0x037c },
	{ 0x03ff, 0x037d }, { 0x04c0, 0x04cf }, { 0x10c7, 0x2d27 },
	{ 0x10cd, 0x2d2d }, { 0x1e9e, 0x00df }, { 0x2126, 0x03c9 },
	{ 0x212a, 0x006b }, { 0x212b, 0x00e5 }, { 0x2132, 0x214e },
	{ 0x2183, 0x2184 },
};

uint32_t pep__unicode_lower(uint32_t cp)
{
	size_t i;

	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	for (i = 0; i < ARRAY_SIZE(shifted); i++) {
		if (cp >= shifted[i].lo && cp <= shifted[i].hi)
			return (uint32_t)((int32_t)cp + shifted[i].delta);
	}
	for (i = 0; i < ARRAY_SIZE(alternating); i++) {
		if (cp >= alternating[i][0] && cp <= alternating[i][1])
			return cp | 1;
	}
	for (i = 0; i < ARRAY_SIZE(alternating_odd); i++) {
		if (cp >= alternating_odd[i][0] && cp <= alternating_odd[i][1])
			return (cp & 1) ? cp + 1 : cp;
	}
	for (i = 0; i < ARRAY_SIZE(singles); i++) {
		if (cp == singles[i][0])
			return singles[i][1];
	}
	return cp;
}

/*
 * Lowercase the character at s[*pos] into out[] (up to 8 bytes, as
 * Python's full lowercase mapping: U+0130 becomes "i" + U+0307) and
 * advance *pos.  Malformed UTF-8 bytes are copied one at a time.
 */
static size_t lower_at(const char *s, size_t len, size_t *pos, char out[8])
{
	const unsigned char *u = (const unsigned char *)s + *pos;
	uint32_t cp;
	size_t n;

	if (u[0] < 0x80) {
		out[0] = (char)((u[0] >= 'A' && u[0] <= 'Z') ? u[0] + 32 : u[0]);
		*pos += 1;
		return 1;
	}
	n = pep__utf8_decode(s + *pos, len - *pos, &cp);
	if (!n) {
		out[0] = (char)u[0];
		*pos += 1;
		return 1;
	}
	*pos += n;
	if (cp == 0x130) {
		out[0] = 'i';
		return 1 + pep__utf8_encode(0x307, out + 1);
	}
	return pep__utf8_encode(pep__unicode_lower(cp), out);
}

void pep__lower_append(const char *s, size_t len, struct strbuf *out)
{
	size_t pos = 0;
	char tmp[8];

	while (pos < len) {
		size_t n = lower_at(s, len, &pos, tmp);

		strbuf_add(out, tmp, n);
	}
}

static bool is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

void pep_name_canonicalize(const char *name, size_t len, struct strbuf *out)
{
	size_t pos = 0, run;

	while (pos < len) {
		char tmp[8];
		size_t n;

		if (is_sep(name[pos])) {
			for (run = pos; run < len && is_sep(name[run]); run++)
				;
			strbuf_addch(out, '-');
			pos = run;
			continue;
		}
		n = lower_at(name, len, &pos, tmp);
		strbuf_add(out, tmp, n);
	}
}

/*
 * Streaming canonical comparison: yields the canonical form one byte at a
 * time so that comparing never allocates.
 */
struct canon_iter {
	const char *s;
	size_t len, pos;
	char buf[8];
	size_t blen, bpos;
};

static int canon_next(struct canon_iter *it)
{
	if (it->bpos < it->blen)
		return (unsigned char)it->buf[it->bpos++];
	if (it->pos >= it->len)
		return -1;
	if (is_sep(it->s[it->pos])) {
		while (it->pos < it->len && is_sep(it->s[it->pos]))
			it->pos++;
		return '-';
	}
	it->blen = lower_at(it->s, it->len, &it->pos, it->buf);
	it->bpos = 1;
	return (unsigned char)it->buf[0];
}

bool pep__name_canon_equal(const char *a, size_t alen, const char *b,
			   size_t blen)
{
	struct canon_iter x = { a, alen, 0, { 0 }, 0, 0 };
	struct canon_iter y = { b, blen, 0, { 0 }, 0, 0 };

	for (;;) {
		int ca = canon_next(&x), cb = canon_next(&y);

		if (ca != cb)
			return false;
		if (ca < 0)
			return true;
	}
}

bool pep__name_is_canonical(const char *s, size_t len)
{
	struct canon_iter x = { s, len, 0, { 0 }, 0, 0 };
	size_t i;

	for (i = 0; i < len; i++) {
		if (canon_next(&x) != (unsigned char)s[i])
			return false;
	}
	return canon_next(&x) < 0;
}

/*
 * Python's re with IGNORECASE lets [A-Z] match four non-ASCII letters
 * whose simple case mapping lands in ASCII: U+0130 (İ), U+0131 (ı),
 * U+017F (ſ) and U+212A (Kelvin sign).  Returns the byte length of such a
 * letter at s, else 0.
 */
static size_t folded_letter_at(const char *s, size_t len)
{
	uint32_t cp;
	size_t n = pep__utf8_decode(s, len, &cp);

	if (n && (cp == 0x130 || cp == 0x131 || cp == 0x17f || cp == 0x212a))
		return n;
	return 0;
}

static bool ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Length of an [A-Z0-9] character (IGNORECASE) at s, or 0. */
static size_t name_alnum_at(const char *s, size_t len)
{
	if (ascii_alnum(s[0]))
		return 1;
	return folded_letter_at(s, len);
}

bool pep_name_is_valid(const char *name, size_t len)
{
	size_t pos = 0, n;
	bool last_alnum = false;

	if (!len)
		return false;
	n = name_alnum_at(name, len);
	if (!n)
		return false;
	pos = n;
	last_alnum = true;
	while (pos < len) {
		n = name_alnum_at(name + pos, len - pos);
		if (n) {
			last_alnum = true;
			pos += n;
		} else if (is_sep(name[pos])) {
			last_alnum = false;
			pos++;
		} else {
			return false;
		}
	}
	return last_alnum;
}

bool pep_name_is_normalized(const char *name, size_t len)
{
	size_t i;

	/* ^([a-z0-9]|[a-z0-9]([a-z0-9-](?!--))*[a-z0-9])$ */
	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c != '-' || i == 0 || i == len - 1 || name[i + 1] == '-')
			return false;
	}
	return true;
}

bool pep__lower_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t pa = 0, pb = 0;
	char ba[8], bb[8];

	while (pa < alen && pb < blen) {
		unsigned char ca = (unsigned char)a[pa], cb = (unsigned char)b[pb];
		size_t na, nb;

		if (ca < 0x80 && cb < 0x80) {
			if (ca >= 'A' && ca <= 'Z')
				ca = (unsigned char)(ca + 32);
			if (cb >= 'A' && cb <= 'Z')
				cb = (unsigned char)(cb + 32);
			if (ca != cb)
				return false;
			pa++;
			pb++;
			continue;
		}
		na = lower_at(a, alen, &pa, ba);
		nb = lower_at(b, blen, &pb, bb);
		if (na != nb || memcmp(ba, bb, na))
			return false;
	}
	return pa == alen && pb == blen;
}

/*
 * version.c - PEP 440 versions: parse, compare, format.
 *
 * The parser is hand-written and follows the grammar packaging's version
 * regex accepts (with Python 3.11's possessive quantifiers), so that the
 * same strings are valid and normalize the same way:
 *
 *   \s* v? (N!)? N(.N)* pre? post? dev? (+local)? \s*
 *   pre   = [._-]? (alpha|a|beta|b|preview|pre|c|rc) [._-]? N?
 *   post  = -N | [._-]? (post|rev|r) [._-]? N?
 *   dev   = [._-]? dev [._-]? N?
 *   local = [a-z0-9]+ ([._-][a-z0-9]+)*
 *
 * Letters match case-insensitively (ASCII only); \s is Python's Unicode
 * whitespace.  Numbers are kept exact at any size: those that do not fit
 * in 64 bits keep their decimal digits in one heap block per version
 * (v->big), which also holds the normalized local label.  A version with
 * at most ARRAY_SIZE(release_inline) release numbers, no huge number and
 * no local label does not allocate at all.
 */
#include "pep/internal.h"

/* ---- numbers ------------------------------------------------------------ */

int pep_num_cmp(struct pep_num a, struct pep_num b)
{
	int r;

	if (!a.digits && !b.digits)
		return a.value < b.value ? -1 : a.value > b.value;
	/* A huge number is larger than anything that fits in 64 bits. */
	if (!a.digits)
		return -1;
	if (!b.digits)
		return 1;
	if (a.ndigits != b.ndigits)
		return a.ndigits < b.ndigits ? -1 : 1;
	r = memcmp(a.digits, b.digits, a.ndigits);
	return r < 0 ? -1 : r > 0;
}

void pep_num_format(struct pep_num n, struct strbuf *out)
{
	if (n.digits)
		strbuf_add(out, n.digits, n.ndigits);
	else
		strbuf_add_u64(out, n.value);
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_sep(unsigned char c)
{
	return c == '.' || c == '_' || c == '-';
}

static inline bool is_alnum_lower(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Read the digits at s[*pos] (at least one must be there).  Leading zeros
 * are dropped.  A number beyond 64 bits gets `digits` pointing into `s`
 * for now; the caller moves them into the version's own storage.
 */
static inline void read_num(const char *s, size_t end, size_t *pos,
			    struct pep_num *n, size_t *bigbytes)
{
	size_t p = *pos, start, nd, i;
	uint64_t v = 0;

	while (p + 1 < end && s[p] == '0' && is_digit((unsigned char)s[p + 1]))
		p++;
	start = p;
	/* Accumulate while scanning; wraps when too long, redone below. */
	while (p < end && is_digit((unsigned char)s[p])) {
		v = v * 10 + (unsigned)(s[p] - '0');
		p++;
	}
	nd = p - start;
	*pos = p;
	n->digits = NULL;
	n->ndigits = 0;
	if (nd <= 19) {
		/* 19 digits always fit in 64 bits */
		n->value = v;
		return;
	}
	v = 0;
	if (nd == 20) {
		for (i = start; i < p; i++) {
			unsigned d = (unsigned)(s[i] - '0');

			if (v > (UINT64_MAX - d) / 10)
				break;
			v = v * 10 + d;
		}
		if (i == p) {
			n->value = v;
			return;
		}
	}
	n->value = UINT64_MAX;
	n->digits = s + start;
	n->ndigits = nd;
	*bigbytes += nd;
}

/* ---- whitespace (Python's str.isspace, as re's \s) --------------------- */

/* Length of the whitespace character starting at s[p], or 0. */
static size_t space_at(const char *s, size_t end, size_t p)
{
	const unsigned char *u = (const unsigned char *)s + p;
	size_t n = end - p;

	if (!n)
		return 0;
	if ((u[0] >= 0x09 && u[0] <= 0x0d) || (u[0] >= 0x1c && u[0] <= 0x20))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) /* U+1680 */
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8a) || /* U+2000..U+200A */
	     u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf)) /* 2028 2029 202F */
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) /* U+205F */
		return 3;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) /* U+3000 */
		return 3;
	return 0;
}

/* Length of the whitespace character ending just before s[end], or 0. */
static size_t space_before(const char *s, size_t start, size_t end)
{
	size_t k;

	for (k = 1; k <= 3 && k <= end - start; k++) {
		if (space_at(s, end, end - k) == k)
			return k;
	}
	return 0;
}

void pep__trim_space(const char *s, size_t *start, size_t *end)
{
	size_t n;
	unsigned char c;

	while (*start < *end) {
		c = (unsigned char)s[*start];
		if (c > 0x20 && c < 0x80)
			break; /* the common case: printable ASCII */
		n = space_at(s, *end, *start);
		if (!n)
			break;
		*start += n;
	}
	while (*end > *start) {
		c = (unsigned char)s[*end - 1];
		if (c > 0x20 && c < 0x80)
			break;
		n = space_before(s, *start, *end);
		if (!n)
			break;
		*end -= n;
	}
}

bool pep__is_space_at(const char *s, size_t end, size_t p, size_t *n)
{
	*n = space_at(s, end, p);
	return *n != 0;
}

/* ---- parsing ------------------------------------------------------------ */

/* Case-insensitive match of lowercase `word` at s[p]. */
static bool word_at(const char *s, size_t end, size_t p, const char *word,
		    size_t wlen)
{
	size_t i;

	if (end - p < wlen)
		return false;
	for (i = 0; i < wlen; i++) {
		unsigned char c = (unsigned char)s[p + i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != (unsigned char)word[i])
			return false;
	}
	return true;
}

struct word {
	const char *w;
	size_t len;
	int kind;
};

/* Alternatives in the order the regex tries them (longest first). */
static const struct word pre_words[] = {
	{ "alpha", 5, PEP_PRE_A }, { "a", 1, PEP_PRE_A },
	{ "beta", 4, PEP_PRE_B },  { "b", 1, PEP_PRE_B },
	{ "preview", 7, PEP_PRE_RC }, { "pre", 3, PEP_PRE_RC },
	{ "c", 1, PEP_PRE_RC },    { "rc", 2, PEP_PRE_RC },
};

static const struct word post_words[] = {
	{ "post", 4, 0 }, { "rev", 3, 0 }, { "r", 1, 0 },
};

static const struct word *match_word(const char *s, size_t end, size_t p,
				     const struct word *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word_at(s, end, p, words[i].w, words[i].len))
			return &words[i];
	return NULL;
}

static int parse_error(struct pep__vperr *pe, size_t pos, const char *fmt,
		       ...) CVL_PRINTF(3, 4);

static int parse_error(struct pep__vperr *pe, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (pe) {
		pe->pos = pos;
		va_start(ap, fmt);
		vsnprintf(pe->why, sizeof(pe->why), fmt, ap);
		va_end(ap);
	}
	return -CVL_EINVAL;
}

/* Describe the byte at s[p] for an "unexpected ..." message. */
static void describe_byte(char *buf, size_t sz, const char *s, size_t end,
			  size_t p)
{
	unsigned char c;

	if (p >= end) {
		snprintf(buf, sz, "end of input");
		return;
	}
	c = (unsigned char)s[p];
	if (space_at(s, end, p))
		snprintf(buf, sz, "whitespace");
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, sz, "'%c'", c);
	else
		snprintf(buf, sz, "byte 0x%02x", c);
}

enum stage { ST_RELEASE, ST_PRE, ST_POST, ST_DEV };

static int trailing_error(struct pep__vperr *pe, const char *s, size_t end,
			  size_t p, enum stage st)
{
	static const char *const next[] = {
		"a number, or a pre-release, post-release or dev-release label",
		"a post-release or dev-release label",
		"a dev-release label",
	};
	char what[32];

	if (is_sep((unsigned char)s[p]) && st != ST_DEV)
		return parse_error(pe, p + 1, "expected %s after '%c'",
				   next[st], s[p]);
	describe_byte(what, sizeof(what), s, end, p);
	return parse_error(pe, p, "unexpected %s", what);
}

/* All numbers of a version, for rebasing digits into v->big. */
static void rebase_big(struct pep_version *v, char **cursor)
{
	struct pep_num *rel = (struct pep_num *)pep_version_segments(v);
	size_t i;
	struct pep_num *fixed[4] = { &v->epoch, &v->pre, &v->post, &v->dev };

	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (fixed[i]->digits) {
			memcpy(*cursor, fixed[i]->digits, fixed[i]->ndigits);
			fixed[i]->digits = *cursor;
			*cursor += fixed[i]->ndigits;
		}
	}
	for (i = 0; i < v->nrelease; i++) {
		if (rel[i].digits) {
			memcpy(*cursor, rel[i].digits, rel[i].ndigits);
			rel[i].digits = *cursor;
			*cursor += rel[i].ndigits;
		}
	}
}

/*
 * Write the normalized local label of raw[0..n) (already validated) to
 * out: lowercase, separators '.', numeric parts without leading zeros.
 * Returns the length written.
 */
static size_t normalize_local(const char *raw, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		size_t j = i, k;
		bool numeric = true;

		while (j < n && !is_sep((unsigned char)raw[j])) {
			if (!is_digit((unsigned char)raw[j]))
				numeric = false;
			j++;
		}
		k = i;
		if (numeric) {
			while (k + 1 < j && raw[k] == '0')
				k++;
		}
		for (; k < j; k++) {
			char c = raw[k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			out[o++] = c;
		}
		if (j < n)
			out[o++] = '.';
		i = j + 1;
	}
	out[o] = '\0';
	return o;
}

/*
 * A 64-bit prefix of packaging's sort key, so that most comparisons are
 * one integer comparison: a valid bit, then the epoch (3 bits), the first
 * three release numbers (20, 16, 16 bits) and the pre-release rank (8
 * bits; 0xff when a later release number is not zero).  A field too large
 * for its width saturates and zeroes the fields after it, so equal keys
 * only mean "compare in full", while different keys order correctly.
 */
static uint64_t make_key(const struct pep_version *v)
{
	static const unsigned width[4] = { 3, 20, 16, 16 };
	const struct pep_num *rel = pep_version_segments(v);
	uint64_t key = 1;
	size_t i;
	unsigned rest = 3 + 20 + 16 + 16 + 8;

	for (i = 0; i < 4; i++) {
		const struct pep_num *n = i == 0 ? &v->epoch :
					  i - 1 < v->nrelease ? &rel[i - 1] : NULL;
		uint64_t max = (UINT64_C(1) << width[i]) - 1;
		uint64_t x = !n ? 0 : n->digits ? max : n->value;

		rest -= width[i];
		if (x >= max)
			return ((key << width[i]) | max) << rest;
		key = (key << width[i]) | x;
	}
	for (i = 3; i < v->nrelease; i++)
		if (rel[i].value || rel[i].digits)
			return (key << 8) | 0xff;
	return (key << 8) | (uint64_t)pep__version_pre_rank(v);
}

int pep__version_parse(struct pep_version *v, const char *s, size_t len,
		       struct pep__vperr *pe)
{
	size_t start = 0, end = len, p, q, bigbytes = 0, ralloc = 0;
	size_t local_start = 0, local_len = 0;
	const struct word *w;
	struct pep_num n;
	struct pep_num *heap = NULL;
	enum stage st = ST_RELEASE;
	int r;

	/*
	 * v holds nothing to free (initialized or released, as documented),
	 * so overwrite it: this also copes with callers that hand in
	 * uninitialized memory.  Field by field, as memset() of the whole
	 * struct shows in profiles.
	 */
	v->epoch.value = 0;
	v->epoch.digits = NULL;
	v->epoch.ndigits = 0;
	v->pre_kind = PEP_PRE_NONE;
	v->pre = v->epoch;
	v->has_post = false;
	v->post = v->epoch;
	v->has_dev = false;
	v->dev = v->epoch;
	v->local = NULL;
	v->big = NULL;
	v->huge = false;
	v->key = 0;
	v->nrelease = 0;
	v->release = v->release_inline;
	pep__trim_space(s, &start, &end);
	p = start;
	if (p < end && (s[p] == 'v' || s[p] == 'V'))
		p++;
	if (p >= end || !is_digit((unsigned char)s[p])) {
		if (start == end)
			return parse_error(pe, p, "expected a version");
		return parse_error(pe, p, "expected release number");
	}
	read_num(s, end, &p, &n, &bigbytes);
	if (p < end && s[p] == '!') {
		v->epoch = n;
		p++;
		if (p >= end || !is_digit((unsigned char)s[p]))
			return parse_error(pe, p,
					   "expected release number after '!'");
		read_num(s, end, &p, &n, &bigbytes);
	}
	v->release_inline[0] = n;
	v->nrelease = 1;
	while (p + 1 < end && s[p] == '.' && is_digit((unsigned char)s[p + 1])) {
		p++;
		read_num(s, end, &p, &n, &bigbytes);
		if (v->nrelease < ARRAY_SIZE(v->release_inline)) {
			v->release_inline[v->nrelease++] = n;
			continue;
		}
		if (!heap) {
			ralloc = 2 * ARRAY_SIZE(v->release_inline);
			heap = xmalloc(ralloc * sizeof(*heap));
			memcpy(heap, v->release_inline,
			       sizeof(v->release_inline));
		}
		ALLOC_GROW(heap, v->nrelease + 1, ralloc);
		heap[v->nrelease++] = n;
	}
	if (heap)
		v->release = heap;
	if (p == end)
		goto done; /* the common case: a plain release */

	/* pre-release */
	q = p;
	if (q < end && is_sep((unsigned char)s[q]))
		q++;
	w = match_word(s, end, q, pre_words, ARRAY_SIZE(pre_words));
	if (w) {
		q += w->len;
		if (q < end && is_sep((unsigned char)s[q]))
			q++;
		v->pre_kind = (enum pep_pre_kind)w->kind;
		if (q < end && is_digit((unsigned char)s[q]))
			read_num(s, end, &q, &v->pre, &bigbytes);
		p = q;
		st = ST_PRE;
	}

	/* post-release */
	q = p;
	if (q + 1 < end && s[q] == '-' && is_digit((unsigned char)s[q + 1])) {
		q++;
		read_num(s, end, &q, &v->post, &bigbytes);
		v->has_post = true;
		p = q;
		st = ST_POST;
	} else {
		if (q < end && is_sep((unsigned char)s[q]))
			q++;
		w = match_word(s, end, q, post_words, ARRAY_SIZE(post_words));
		if (w) {
			q += w->len;
			if (q < end && is_sep((unsigned char)s[q]))
				q++;
			if (q < end && is_digit((unsigned char)s[q]))
				read_num(s, end, &q, &v->post, &bigbytes);
			v->has_post = true;
			p = q;
			st = ST_POST;
		}
	}

	/* dev-release */
	q = p;
	if (q < end && is_sep((unsigned char)s[q]))
		q++;
	if (word_at(s, end, q, "dev", 3)) {
		q += 3;
		if (q < end && is_sep((unsigned char)s[q]))
			q++;
		if (q < end && is_digit((unsigned char)s[q]))
			read_num(s, end, &q, &v->dev, &bigbytes);
		v->has_dev = true;
		p = q;
		st = ST_DEV;
	}

	/* local version label */
	if (p < end && s[p] == '+') {
		p++;
		local_start = p;
		if (p >= end || !is_alnum_lower((unsigned char)s[p])) {
			r = parse_error(pe, p,
					"expected local version label after '+'");
			goto fail;
		}
		for (;;) {
			while (p < end && is_alnum_lower((unsigned char)s[p]))
				p++;
			if (p + 1 < end && is_sep((unsigned char)s[p]) &&
			    is_alnum_lower((unsigned char)s[p + 1])) {
				p++;
				continue;
			}
			break;
		}
		local_len = p - local_start;
		if (p < end) {
			char what[32];

			if (is_sep((unsigned char)s[p])) {
				r = parse_error(pe, p + 1,
						"expected letter or digit after '%c' in local version label",
						s[p]);
			} else {
				describe_byte(what, sizeof(what), s, end, p);
				r = parse_error(pe, p,
						"unexpected %s in local version label",
						what);
			}
			goto fail;
		}
	}
	if (p < end) {
		r = trailing_error(pe, s, end, p, st);
		goto fail;
	}

done:
	v->key = make_key(v);
	if (!bigbytes && !local_len)
		return 0;
	v->huge = bigbytes != 0;
	if (bigbytes || local_len) {
		char *cursor;

		v->big = xmalloc(bigbytes + local_len + 1);
		cursor = v->big;
		rebase_big(v, &cursor);
		if (local_len) {
			v->local = cursor;
			normalize_local(s + local_start, local_len, cursor);
		}
	}
	return 0;

fail:
	pep_version_release(v);
	return r;
}

const char *pep__quote(char *buf, size_t sz, const char *s, size_t len,
		       size_t max)
{
	size_t i, o = 0;

	for (i = 0; i < len && i < max && o + 5 < sz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(buf + o, sz - o, "\\x%02x", c);
			o += 4;
		} else {
			buf[o++] = (char)c;
		}
	}
	if (i < len && o + 4 <= sz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

int pep_version_parse(struct pep_version *v, const char *s, size_t len,
		      struct cvl_error *err)
{
	struct pep__vperr pe;
	char shown[200];
	int r, col;

	r = pep__version_parse(v, s, len, err ? &pe : NULL);
	if (!r || !err)
		return r;
	col = pe.pos + 1 > INT_MAX ? INT_MAX : (int)(pe.pos + 1);
	r = cvl_error_set(err, CVL_EINVAL,
			  "invalid version '%s' at column %d: %s",
			  pep__quote(shown, sizeof(shown), s, len, 120), col,
			  pe.why);
	cvl_error_at(err, 0, col);
	return r;
}

void pep_version_release(struct pep_version *v)
{
	if (v->nrelease > ARRAY_SIZE(v->release_inline))
		free(v->release);
	free(v->big);
	memset(v, 0, offsetof(struct pep_version, release_inline));
	v->big = NULL;
	v->huge = false;
	v->key = 0;
}

void pep_version_copy(struct pep_version *dst, const struct pep_version *src)
{
	const struct pep_num *rel = pep_version_segments(src);
	size_t bigbytes = 0, local_len = 0, i;
	char *cursor;

	if (dst == src)
		return;
	pep_version_release(dst);
	dst->epoch = src->epoch;
	dst->nrelease = src->nrelease;
	dst->pre_kind = src->pre_kind;
	dst->pre = src->pre;
	dst->has_post = src->has_post;
	dst->post = src->post;
	dst->has_dev = src->has_dev;
	dst->dev = src->dev;
	dst->huge = src->huge;
	dst->key = src->key;
	if (src->nrelease > ARRAY_SIZE(dst->release_inline)) {
		dst->release = xmalloc(src->nrelease * sizeof(*dst->release));
	} else {
		dst->release = dst->release_inline;
	}
	if (src->nrelease)
		memcpy(dst->release, rel, src->nrelease * sizeof(*rel));
	bigbytes += src->epoch.digits ? src->epoch.ndigits : 0;
	bigbytes += src->pre.digits ? src->pre.ndigits : 0;
	bigbytes += src->post.digits ? src->post.ndigits : 0;
	bigbytes += src->dev.digits ? src->dev.ndigits : 0;
	for (i = 0; i < src->nrelease; i++)
		bigbytes += rel[i].digits ? rel[i].ndigits : 0;
	if (src->local)
		local_len = strlen(src->local);
	if (!bigbytes && !src->local)
		return;
	dst->big = xmalloc(bigbytes + local_len + 1);
	cursor = dst->big;
	rebase_big(dst, &cursor);
	if (src->local) {
		memcpy(cursor, src->local, local_len + 1);
		dst->local = cursor;
	}
}

/* ---- comparison --------------------------------------------------------- */

static bool num_is_zero(const struct pep_num *n)
{
	return !n->digits && !n->value;
}

static inline int num_cmp_fast(const struct pep_num *a,
			       const struct pep_num *b)
{
	if (!a->digits && !b->digits)
		return (a->value > b->value) - (a->value < b->value);
	return pep_num_cmp(*a, *b);
}

static inline int cmp_release(const struct pep_version *a,
			      const struct pep_version *b)
{
	const struct pep_num *ra = pep_version_segments(a);
	const struct pep_num *rb = pep_version_segments(b);
	size_t i, na = a->nrelease, nb = b->nrelease;
	size_t n = na < nb ? na : nb;

	if (!a->huge && !b->huge) {
		for (i = 0; i < n; i++)
			if (ra[i].value != rb[i].value)
				return ra[i].value < rb[i].value ? -1 : 1;
	} else {
		for (i = 0; i < n; i++) {
			int r = num_cmp_fast(&ra[i], &rb[i]);

			if (r)
				return r;
		}
	}
	/* Missing trailing numbers count as zeros: 1.0 == 1.0.0. */
	for (; i < na; i++)
		if (ra[i].value || ra[i].digits)
			return 1;
	for (; i < nb; i++)
		if (rb[i].value || rb[i].digits)
			return -1;
	return 0;
}

/*
 * Rank of the pre-release part in packaging's sort key: a dev release
 * without pre/post sorts before every pre-release (-inf), a final or
 * post release after them (+inf).
 */
int pep__version_pre_rank(const struct pep_version *v)
{
	if (v->pre_kind != PEP_PRE_NONE)
		return (int)v->pre_kind; /* 1..3 */
	if (!v->has_post && v->has_dev)
		return 0;
	return 4;
}

static bool local_part_numeric(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit((unsigned char)p[i]))
			return false;
	return true;
}

/* Compare normalized local labels; NULL sorts first. */
int pep__local_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	for (;;) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		bool na = local_part_numeric(a, la), nb = local_part_numeric(b, lb);
		int r;

		if (na != nb)
			return na ? 1 : -1; /* numeric > alphanumeric */
		if (na) {
			/* Normalized: no leading zeros, so length orders. */
			if (la != lb)
				return la < lb ? -1 : 1;
			r = memcmp(a, b, la);
		} else {
			r = memcmp(a, b, la < lb ? la : lb);
			if (!r && la != lb)
				r = la < lb ? -1 : 1;
		}
		if (r)
			return r < 0 ? -1 : 1;
		a += la;
		b += lb;
		if (!*a || !*b)
			return *a ? 1 : *b ? -1 : 0;
		a++;
		b++;
	}
}

int pep__version_cmp_base(const struct pep_version *a,
			  const struct pep_version *b)
{
	int r = num_cmp_fast(&a->epoch, &b->epoch);

	return r ? r : cmp_release(a, b);
}

/* Pre, post and dev parts, in packaging's order. */
static int cmp_suffix(const struct pep_version *a, const struct pep_version *b)
{
	int r, ra, rb;

	ra = pep__version_pre_rank(a);
	rb = pep__version_pre_rank(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->pre_kind != PEP_PRE_NONE) {
		r = num_cmp_fast(&a->pre, &b->pre);
		if (r)
			return r;
	}
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	if (a->has_post) {
		r = num_cmp_fast(&a->post, &b->post);
		if (r)
			return r;
	}
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	if (a->has_dev)
		return num_cmp_fast(&a->dev, &b->dev);
	return 0;
}

static inline bool plain(const struct pep_version *v)
{
	return v->pre_kind == PEP_PRE_NONE && !v->has_post && !v->has_dev;
}

int pep_version_cmp_public(const struct pep_version *a,
			   const struct pep_version *b)
{
	int r;

	if (a->key != b->key && a->key && b->key)
		return a->key < b->key ? -1 : 1;
	r = num_cmp_fast(&a->epoch, &b->epoch);
	if (r)
		return r;
	r = cmp_release(a, b);
	if (r)
		return r;
	if (plain(a) && plain(b))
		return 0;
	return cmp_suffix(a, b);
}

int pep_version_cmp(const struct pep_version *a, const struct pep_version *b)
{
	int r;

	if (a->key != b->key && a->key && b->key)
		return a->key < b->key ? -1 : 1;
	r = num_cmp_fast(&a->epoch, &b->epoch);
	if (r)
		return r;
	r = cmp_release(a, b);
	if (r)
		return r;
	if (!plain(a) || !plain(b)) {
		r = cmp_suffix(a, b);
		if (r)
			return r;
	}
	if (!a->local && !b->local)
		return 0;
	return pep__local_cmp(a->local, b->local);
}

/* ---- formatting --------------------------------------------------------- */

static const char *const pre_letters[] = { "", "a", "b", "rc" };

static void format_release(const struct pep_version *v, size_t n,
			   struct strbuf *out)
{
	const struct pep_num *rel = pep_version_segments(v);
	size_t i;

	if (!num_is_zero(&v->epoch)) {
		pep_num_format(v->epoch, out);
		strbuf_addch(out, '!');
	}
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, '.');
		pep_num_format(rel[i], out);
	}
}

static void format_suffixes(const struct pep_version *v, struct strbuf *out)
{
	if (v->pre_kind != PEP_PRE_NONE) {
		strbuf_addstr(out, pre_letters[v->pre_kind]);
		pep_num_format(v->pre, out);
	}
	if (v->has_post) {
		strbuf_add(out, ".post", 5);
		pep_num_format(v->post, out);
	}
	if (v->has_dev) {
		strbuf_add(out, ".dev", 4);
		pep_num_format(v->dev, out);
	}
}

void pep_version_format_base(const struct pep_version *v, struct strbuf *out)
{
	format_release(v, v->nrelease, out);
}

void pep_version_format_public(const struct pep_version *v, struct strbuf *out)
{
	format_release(v, v->nrelease, out);
	format_suffixes(v, out);
}

void pep_version_format(const struct pep_version *v, struct strbuf *out)
{
	pep_version_format_public(v, out);
	if (v->local) {
		strbuf_addch(out, '+');
		strbuf_addstr(out, v->local);
	}
}

void pep_version_format_canonical(const struct pep_version *v,
				  bool strip_trailing_zero, struct strbuf *out)
{
	const struct pep_num *rel = pep_version_segments(v);
	size_t n = v->nrelease;

	if (strip_trailing_zero) {
		while (n > 1 && num_is_zero(&rel[n - 1]))
			n--;
	}
	format_release(v, n, out);
	format_suffixes(v, out);
	if (v->local) {
		strbuf_addch(out, '+');
		strbuf_addstr(out, v->local);
	}
}

bool pep_version_is_prerelease(const struct pep_version *v)
{
	return v->pre_kind != PEP_PRE_NONE || v->has_dev;
}

bool pep_version_is_postrelease(const struct pep_version *v)
{
	return v->has_post;
}

bool pep_version_is_devrelease(const struct pep_version *v)
{
	return v->has_dev;
}

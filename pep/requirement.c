/*
 * requirement.c - PEP 508 dependency specifiers, as packaging 26 parses
 * and prints them.
 *
 *   requirement = WS? NAME WS? extras? WS? (AT WS? URL (WS marker_part?)?
 *                                          | specifier WS? marker_part?) END
 *   extras      = '[' WS? (NAME (WS? ',' WS? NAME)*)? WS? ']'
 *   specifier   = '(' WS? version_many WS? ')' | version_many
 *   version_many = (SPECIFIER (WS? ',' WS? SPECIFIER?)*)?
 *   marker_part = ';' marker WS?
 *
 * WS is [ \t]+ only: any other character (a trailing '\r' for instance)
 * makes the requirement invalid.  NAME is \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b
 * (so "name-" stops before the '-'), URL is [^ \t]+ (so a ';' right after
 * a URL belongs to the URL), and SPECIFIER is packaging's specifier regex,
 * matched here by hand (see spec_match()).  The clauses are joined with
 * their commas, as packaging does, and handed to pep_specset_parse().
 */
#include "pep/internal.h"

static bool ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

/* NAME at s[pos]: its end, or 0 when there is none. */
static size_t name_end(const char *s, size_t len, size_t pos)
{
	size_t e;

	if (pos >= len || !ascii_alnum(s[pos]) ||
	    !pep__word_boundary(s, len, pos))
		return 0;
	for (e = pos + 1; e < len && (ascii_alnum(s[e]) || is_sep(s[e])); e++)
		;
	/* The regex backtracks until the end is at a word boundary. */
	for (; e > pos; e--) {
		if (pep__word_boundary(s, len, e))
			return e;
	}
	return 0;
}

/* ---- the SPECIFIER token --------------------------------------------------
 *
 * packaging's Specifier._specifier_regex_str (IGNORECASE), one clause:
 *   === \s* [^\s;)]*
 *   (==|!=) \s* v? (N!)? N(.N)* ( .* | pre? post? dev? local? )
 *   ~=      \s* v? (N!)? N(.N)+ pre? post? dev?
 *   (<=|>=|<|>) \s* v? (N!)? N(.N)* pre? post? dev?
 * Everything after the release is optional, so the regex's first choice
 * at each step is the match: a greedy scan reproduces it.
 */

static size_t skip_digits(const char *s, size_t len, size_t pos)
{
	while (pos < len && is_digit(s[pos]))
		pos++;
	return pos;
}

static size_t skip_space(const char *s, size_t len, size_t pos)
{
	size_t n;

	while (pos < len && pep__is_space_at(s, len, pos, &n))
		pos += n;
	return pos;
}

/* Case-insensitive (ASCII) `word` at s[pos]. */
static bool word_ci(const char *s, size_t len, size_t pos, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++) {
		char c;

		if (pos + i >= len)
			return false;
		c = s[pos + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != word[i])
			return false;
	}
	return true;
}

/* [-_.]? (one of words) [-_.]? [0-9]*, or no match (returns pos). */
static size_t match_label(const char *s, size_t len, size_t pos,
			  const char *const *words, size_t nwords)
{
	size_t q = pos, i;

	if (q < len && is_sep(s[q]))
		q++;
	for (i = 0; i < nwords; i++) {
		if (word_ci(s, len, q, words[i]))
			break;
	}
	if (i == nwords)
		return pos;
	q += strlen(words[i]);
	if (q < len && is_sep(s[q]))
		q++;
	return skip_digits(s, len, q);
}

static size_t match_pre(const char *s, size_t len, size_t pos)
{
	static const char *const w[] = { "alpha", "beta", "preview", "pre",
					 "a", "b", "c", "rc" };

	return match_label(s, len, pos, w, ARRAY_SIZE(w));
}

static size_t match_post(const char *s, size_t len, size_t pos)
{
	static const char *const w[] = { "post", "rev", "r" };

	if (pos + 1 < len && s[pos] == '-' && is_digit(s[pos + 1]))
		return skip_digits(s, len, pos + 1);
	return match_label(s, len, pos, w, ARRAY_SIZE(w));
}

static size_t match_dev(const char *s, size_t len, size_t pos)
{
	static const char *const w[] = { "dev" };

	return match_label(s, len, pos, w, ARRAY_SIZE(w));
}

/* \+[a-z0-9]+(?:[-_.][a-z0-9]+)* (case-insensitive unless `lower_only`) */
static size_t match_local(const char *s, size_t len, size_t pos,
			  bool lower_only)
{
	size_t q, r;

#define LOCAL_CHAR(c) (lower_only ? (((c) >= 'a' && (c) <= 'z') || is_digit(c)) \
				  : ascii_alnum(c))
	if (pos >= len || s[pos] != '+')
		return pos;
	q = pos + 1;
	if (q >= len || !LOCAL_CHAR(s[q]))
		return pos;
	while (q < len && LOCAL_CHAR(s[q]))
		q++;
	for (;;) {
		if (q + 1 >= len || !is_sep(s[q]) || !LOCAL_CHAR(s[q + 1]))
			break;
		r = q + 1;
		while (r < len && LOCAL_CHAR(s[r]))
			r++;
		q = r;
	}
#undef LOCAL_CHAR
	return q;
}

/* v? (N!)? N(.N){min_dots,} ; returns the end, or 0 when no match. */
static size_t match_release(const char *s, size_t len, size_t pos,
			    int min_dots)
{
	size_t q = pos, d;
	int dots;
	bool epoch_tried = false;

	if (q < len && (s[q] == 'v' || s[q] == 'V'))
		q++;
	d = skip_digits(s, len, q);
	if (d > q && d < len && s[d] == '!') {
		epoch_tried = true;
		q = d + 1;
	}
retry:
	d = skip_digits(s, len, q);
	if (d == q)
		goto fail;
	q = d;
	dots = 0;
	while (q + 1 < len && s[q] == '.' && is_digit(s[q + 1])) {
		q = skip_digits(s, len, q + 1);
		dots++;
	}
	if (dots >= min_dots)
		return q;
fail:
	if (epoch_tried) {
		/* Backtrack: no epoch, the release starts at the digits. */
		epoch_tried = false;
		q = pos;
		if (q < len && (s[q] == 'v' || s[q] == 'V'))
			q++;
		goto retry;
	}
	return 0;
}

/* The operator a clause starts with, or NULL. */
static const char *spec_op_at(const char *s, size_t len, size_t pos)
{
	static const char *const ops[] = { "===", "==", "!=", "~=", "<=",
					   ">=", "<", ">" };
	size_t i;

	if (pos >= len || !strchr("=!~<>", s[pos]) || !s[pos])
		return NULL;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i]);

		if (len - pos >= n && !memcmp(s + pos, ops[i], n))
			return ops[i];
	}
	return NULL;
}

/* One SPECIFIER token at s[pos]: its end, or 0 when there is none. */
static size_t spec_match(const char *s, size_t len, size_t pos)
{
	const char *op = spec_op_at(s, len, pos);
	size_t q, n;

	if (!op)
		return 0;
	q = skip_space(s, len, pos + strlen(op));
	if (!strcmp(op, "===")) {
		while (q < len && s[q] != ';' && s[q] != ')' &&
		       !pep__is_space_at(s, len, q, &n))
			q++;
		return q;
	}
	if (!strcmp(op, "==") || !strcmp(op, "!=")) {
		q = match_release(s, len, q, 0);
		if (!q)
			return 0;
		if (q + 1 < len && s[q] == '.' && s[q + 1] == '*')
			return q + 2;
		q = match_pre(s, len, q);
		q = match_post(s, len, q);
		q = match_dev(s, len, q);
		return match_local(s, len, q, false);
	}
	q = match_release(s, len, q, !strcmp(op, "~=") ? 1 : 0);
	if (!q)
		return 0;
	q = match_pre(s, len, q);
	q = match_post(s, len, q);
	return match_dev(s, len, q);
}

/* ---- parsing ------------------------------------------------------------- */

struct rparser {
	const char *s;
	size_t len;
	struct cvl_error *err;
	/* the clauses and commas, joined */
	size_t spec_b, spec_e; /* while they are contiguous in s */
	size_t spec_first;     /* where the first clause starts */
	bool spec_copied;
	struct strbuf spec;
};

static int rerr(struct rparser *p, size_t pos, const char *what)
{
	pep__error_at(p->err, p->s, p->len, pos, what);
	return -CVL_EINVAL;
}

static void spec_add(struct rparser *p, size_t b, size_t e)
{
	if (p->spec_b == p->spec_e && !p->spec_copied) {
		p->spec_first = b;
		p->spec_b = b;
		p->spec_e = e;
		return;
	}
	if (!p->spec_copied && b == p->spec_e) {
		p->spec_e = e;
		return;
	}
	if (!p->spec_copied) {
		strbuf_add(&p->spec, p->s + p->spec_b, p->spec_e - p->spec_b);
		p->spec_copied = true;
	}
	strbuf_add(&p->spec, p->s + b, e - b);
}

/*
 * The joined clauses were rejected by pep_specset_parse() (a '===' clause
 * swallowed a comma, as in "demo===x,y"): point at them in the
 * requirement and keep the set parser's explanation as the hint.
 */
static void spec_error(struct rparser *p, const char *spec, size_t slen)
{
	struct strbuf what = STRBUF_INIT;
	char why[sizeof(p->err->msg)];

	if (!p->err)
		return;
	memcpy(why, p->err->msg, sizeof(why));
	strbuf_addstr(&what, "invalid version specifier ");
	pep__msg_quote(&what, spec, slen);
	pep__error_at(p->err, p->s, p->len, p->spec_first, what.buf);
	cvl_error_hint(p->err, "%s", why);
	strbuf_release(&what);
}

/* Why no clause starts at pos, when it looks like one was meant. */
static int bad_clause(struct rparser *p, size_t pos, const char *fallback)
{
	const char *op = spec_op_at(p->s, p->len, pos);
	char msg[96];
	size_t q;

	if (!op)
		return rerr(p, pos, fallback);
	q = skip_space(p->s, p->len, pos + strlen(op));
	if (!strcmp(op, "~=") && match_release(p->s, p->len, q, 0))
		snprintf(msg, sizeof(msg), "expected version with at least "
			 "two release numbers after '~='");
	else
		snprintf(msg, sizeof(msg), "expected version after '%s'", op);
	return rerr(p, q, msg);
}

static int parse_extras(struct rparser *p, size_t *pos,
			struct pep_requirement *req)
{
	const char *s = p->s;
	size_t q = pep__skip_ws(s, p->len, *pos + 1), e;

	e = name_end(s, p->len, q);
	if (e) {
		for (;;) {
			strvec_pushn(&req->extras, s + q, e - q);
			q = pep__skip_ws(s, p->len, e);
			if (name_end(s, p->len, q))
				return rerr(p, q, "expected ',' between extra names");
			if (q >= p->len || s[q] != ',')
				break;
			q = pep__skip_ws(s, p->len, q + 1);
			e = name_end(s, p->len, q);
			if (!e)
				return rerr(p, q, "expected extra name after ','");
		}
		if (q >= p->len || s[q] != ']')
			return rerr(p, q, "expected ',' or ']' after extra name");
	} else if (q >= p->len || s[q] != ']') {
		return rerr(p, q, "expected extra name or ']'");
	}
	*pos = q + 1;
	pep__strvec_sort_unique(&req->extras);
	return 0;
}

/* specifier = '(' WS? version_many WS? ')' | version_many */
static int parse_specifier(struct rparser *p, size_t *pos, bool *any)
{
	const char *s = p->s;
	size_t q = *pos, e;
	bool paren = q < p->len && s[q] == '(';
	bool after_comma = false;
	int ret;

	*any = false;
	if (paren)
		q = pep__skip_ws(s, p->len, q + 1);
	while ((e = spec_match(s, p->len, q))) {
		spec_add(p, q, e);
		*any = true;
		after_comma = false;
		if (e + 1 < p->len && s[e] == '.' && s[e + 1] == '*') {
			const char *op = spec_op_at(s, p->len, q);

			if (!strcmp(op, "==") || !strcmp(op, "!="))
				return rerr(p, e, "'.*' suffix cannot follow a "
					    "pre-release, post-release, "
					    "developmental release or local "
					    "version label");
			return rerr(p, e, "'.*' suffix can only be used with "
				    "'==' or '!='");
		}
		if (match_local(s, p->len, e, true) != e)
			return rerr(p, e, "local version label can only be "
				    "used with '==' or '!='");
		q = pep__skip_ws(s, p->len, e);
		if (q >= p->len || s[q] != ',')
			break;
		spec_add(p, q, q + 1);
		after_comma = true;
		q = pep__skip_ws(s, p->len, q + 1);
	}
	q = pep__skip_ws(s, p->len, q);
	if (paren) {
		if (q >= p->len || s[q] != ')') {
			if (after_comma || !*any)
				return bad_clause(p, q, after_comma ?
						  "expected version specifier after ','" :
						  "expected version specifier or ')'");
			return rerr(p, q, "expected ')'");
		}
		q++;
	}
	q = pep__skip_ws(s, p->len, q);
	if (q < p->len && s[q] != ';') {
		if (after_comma)
			ret = bad_clause(p, q, "expected version specifier after ','");
		else if (*any)
			ret = rerr(p, q, "expected ',', ';' or end after version specifier");
		else
			ret = bad_clause(p, q, "expected version specifier, '@', ';' or end");
		return ret;
	}
	*pos = q;
	return 0;
}

static int parse_marker_part(struct rparser *p, size_t *pos,
			     struct pep_requirement *req)
{
	size_t q = *pos + 1;
	int ret;

	ret = pep__marker_parse_at(&req->marker, p->s, p->len, &q,
				   "expected marker after ';'", p->err);
	if (ret)
		return ret;
	q = pep__skip_ws(p->s, p->len, q);
	if (q < p->len)
		return rerr(p, q, "expected 'and', 'or' or end of requirement");
	*pos = q;
	return 0;
}

static int parse_url(struct rparser *p, size_t *pos,
		     struct pep_requirement *req)
{
	const char *s = p->s;
	size_t q = pep__skip_ws(s, p->len, *pos + 1), e;
	const char *nul;
	int ret;

	for (e = q; e < p->len && s[e] != ' ' && s[e] != '\t'; e++)
		;
	if (e == q)
		return rerr(p, q, "expected URL after '@'");
	/* packaging would keep it, but url is a C string */
	nul = memchr(s + q, '\0', e - q);
	if (nul)
		return rerr(p, (size_t)(nul - s), "unexpected NUL byte in URL");
	req->url = xmemdup0(s + q, e - q);
	q = pep__skip_ws(s, p->len, e);
	if (q >= p->len) {
		*pos = q;
		return 0;
	}
	if (s[q] != ';') {
		ret = rerr(p, q, "expected ';' or end after URL");
		if (s[e - 1] == ';')
			cvl_error_hint(p->err, "a ';' right after a URL is part "
				       "of the URL: put a space before it");
		else
			cvl_error_hint(p->err, "a URL ends at the first space "
				       "(write spaces in it as %%20)");
		return ret;
	}
	return parse_marker_part(p, &q, req);
}

int pep_requirement_parse(struct pep_requirement *req, const char *s,
			  size_t len, struct cvl_error *err)
{
	struct rparser p = { s, len, err, 0, 0, 0, false, STRBUF_INIT };
	size_t pos, e;
	bool any;
	int ret;

	pep_requirement_release(req);
	pos = pep__skip_ws(s, len, 0);
	e = name_end(s, len, pos);
	if (!e)
		return rerr(&p, pos, "expected package name");
	req->name = xmemdup0(s + pos, e - pos);
	pos = pep__skip_ws(s, len, e);
	if (pos < len && s[pos] == '[') {
		ret = parse_extras(&p, &pos, req);
		if (ret)
			goto fail;
		pos = pep__skip_ws(s, len, pos);
	}
	if (pos < len && s[pos] == '@') {
		ret = parse_url(&p, &pos, req);
		if (ret)
			goto fail;
		return 0;
	}
	ret = parse_specifier(&p, &pos, &any);
	if (ret)
		goto fail;
	if (any) {
		const char *spec = p.spec_copied ? p.spec.buf : s + p.spec_b;
		size_t slen = p.spec_copied ? p.spec.len : p.spec_e - p.spec_b;

		ret = pep_specset_parse(&req->spec, spec, slen, err);
		if (ret) {
			spec_error(&p, spec, slen);
			goto fail;
		}
	}
	if (pos < len) {
		ret = parse_marker_part(&p, &pos, req);
		if (ret)
			goto fail;
	}
	strbuf_release(&p.spec);
	return 0;
fail:
	strbuf_release(&p.spec);
	pep_requirement_release(req);
	return ret;
}

void pep_requirement_release(struct pep_requirement *req)
{
	free(req->name);
	req->name = NULL;
	strvec_clear(&req->extras);
	pep_specset_release(&req->spec);
	free(req->url);
	req->url = NULL;
	pep_marker_free(req->marker);
	req->marker = NULL;
}

void pep_requirement_format(const struct pep_requirement *req,
			    struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out, req->name);
	if (req->extras.nr) {
		strbuf_addch(out, '[');
		for (i = 0; i < req->extras.nr; i++) {
			if (i)
				strbuf_addch(out, ',');
			strbuf_addstr(out, req->extras.v[i]);
		}
		strbuf_addch(out, ']');
	}
	if (req->spec.nr)
		pep_specset_format(&req->spec, out);
	if (req->url) {
		strbuf_addstr(out, " @ ");
		strbuf_addstr(out, req->url);
		if (req->marker)
			strbuf_addch(out, ' ');
	}
	if (req->marker) {
		strbuf_addstr(out, "; ");
		pep_marker_format(req->marker, out);
	}
}

/* Every extra of a, canonicalized, is one of b's. */
static bool extras_within(const struct strvec *a, const struct strvec *b)
{
	size_t i, j;

	for (i = 0; i < a->nr; i++) {
		for (j = 0; j < b->nr; j++) {
			if (pep__name_canon_equal(a->v[i], strlen(a->v[i]),
						  b->v[j], strlen(b->v[j])))
				break;
		}
		if (j == b->nr)
			return false;
	}
	return true;
}

bool pep_requirement_equal(const struct pep_requirement *a,
			   const struct pep_requirement *b)
{
	if (!pep__name_canon_equal(a->name, strlen(a->name), b->name,
				   strlen(b->name)))
		return false;
	if (!extras_within(&a->extras, &b->extras) ||
	    !extras_within(&b->extras, &a->extras))
		return false;
	if (!pep_specset_equal(&a->spec, &b->spec))
		return false;
	if ((a->url == NULL) != (b->url == NULL) ||
	    (a->url && strcmp(a->url, b->url)))
		return false;
	return pep__marker_equal(a->marker, b->marker);
}

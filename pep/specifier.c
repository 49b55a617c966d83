/*
 * specifier.c - PEP 440 version specifiers and specifier sets.
 *
 * Semantics follow packaging 26: each clause is a set of version ranges
 * whose ends may be synthetic points between real versions:
 *
 *   AFTER_LOCALS(V)  above V and every V+local, below the next public
 *                    version (the upper end of <=V and ==V)
 *   AFTER_POSTS(V)   above every version sharing V's epoch, release and
 *                    pre-release, i.e. V, V.postN, V+local (the lower end
 *                    of >V when V is neither a post nor a dev release)
 *
 * Matching a version (the hot path) is done clause by clause with direct
 * comparisons and no allocation; the explicit interval algebra below is
 * only used for is_unsatisfiable() and the set relations.
 */
#include "pep/internal.h"

static const char *const op_strs[] = {
	[PEP_OP_COMPATIBLE] = "~=", [PEP_OP_EQ] = "==", [PEP_OP_NE] = "!=",
	[PEP_OP_LE] = "<=",         [PEP_OP_GE] = ">=", [PEP_OP_LT] = "<",
	[PEP_OP_GT] = ">",          [PEP_OP_ARBITRARY] = "===",
};

const char *pep_op_str(enum pep_op op)
{
	if ((size_t)op >= ARRAY_SIZE(op_strs))
		BUG("bad specifier operator %d", (int)op);
	return op_strs[op];
}

/* ---- parsing ------------------------------------------------------------ */

/* The input a clause came from, for error messages. */
struct whole {
	const char *s;
	size_t len;
};

static int spec_error(struct cvl_error *err, const struct whole *w,
		      size_t pos, const char *fmt, ...) CVL_PRINTF(4, 5);

static int spec_error(struct cvl_error *err, const struct whole *w,
		      size_t pos, const char *fmt, ...)
{
	char why[320], shown[200];
	va_list ap;
	int r, col;

	if (!err)
		return -CVL_EINVAL;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	col = pos + 1 > INT_MAX ? INT_MAX : (int)(pos + 1);
	r = cvl_error_set(err, CVL_EINVAL, "%s at column %d in '%s'", why, col,
			  pep__quote(shown, sizeof(shown), w->s, w->len, 120));
	cvl_error_at(err, 0, col);
	return r;
}

static bool has_space(const char *s, size_t start, size_t end, size_t *at)
{
	size_t p, n;

	for (p = start; p < end; p++) {
		unsigned char c = (unsigned char)s[p];

		if (c > 0x20 && c < 0x80)
			continue; /* printable ASCII */
		if (pep__is_space_at(s, end, p, &n)) {
			*at = p;
			return true;
		}
	}
	return false;
}

/*
 * Parse the clause s[start..end) (already trimmed) of the string `w`.
 * Positions in messages are offsets into w.
 */
static int parse_clause(struct pep_specifier *spec, const char *s,
			size_t start, size_t end, const struct whole *w,
			struct cvl_error *err)
{
	size_t p = start, vstart, vend, at;
	const char *ops;
	struct pep__vperr pe;
	enum pep_op op;
	int r;

	memset(spec, 0, sizeof(*spec));
	if (end - p >= 3 && !memcmp(s + p, "===", 3)) {
		op = PEP_OP_ARBITRARY;
		p += 3;
	} else if (end - p >= 2 && s[p + 1] == '=' &&
		   (s[p] == '~' || s[p] == '=' || s[p] == '!' || s[p] == '<' ||
		    s[p] == '>')) {
		op = s[p] == '~' ? PEP_OP_COMPATIBLE :
		     s[p] == '=' ? PEP_OP_EQ :
		     s[p] == '!' ? PEP_OP_NE :
		     s[p] == '<' ? PEP_OP_LE : PEP_OP_GE;
		p += 2;
	} else if (p < end && (s[p] == '<' || s[p] == '>')) {
		op = s[p] == '<' ? PEP_OP_LT : PEP_OP_GT;
		p += 1;
	} else {
		static const struct {
			const char *typo, *op;
		} typos[] = {
			{ "=>", ">=" }, { "=<", "<=" }, { "=", "==" }, { "~", "~=" },
			{ "!", "!=" },
		};
		size_t k;

		r = spec_error(err, w, p,
			       "expected a comparison operator (~=, ==, !=, <=, >=, <, >, ===)");
		for (k = 0; err && k < ARRAY_SIZE(typos); k++) {
			size_t tl = strlen(typos[k].typo);

			if (end - p >= tl && !memcmp(s + p, typos[k].typo, tl)) {
				cvl_error_hint(err, "did you mean '%s'?",
					       typos[k].op);
				break;
			}
		}
		return r;
	}
	ops = op_strs[op];
	vstart = p;
	vend = end;
	pep__trim_space(s, &vstart, &vend);
	if (op != PEP_OP_ARBITRARY && vstart == vend)
		return spec_error(err, w, vstart, "expected version after '%s'",
				  ops);
	if (has_space(s, vstart, vend, &at))
		return spec_error(err, w, at, "unexpected whitespace in version");

	spec->op = op;
	spec->wildcard = false;
	if (op == PEP_OP_ARBITRARY) {
		for (at = vstart; at < vend; at++) {
			if (s[at] == ';' || s[at] == ')')
				return spec_error(err, w, at,
						  "unexpected '%c' in arbitrary version",
						  s[at]);
		}
		/* Parsed only to tell whether it names a pre-release. */
		if (pep__version_parse(&spec->version, s + vstart,
				       vend - vstart, NULL))
			pep_version_release(&spec->version);
		spec->text = xmemdup0(s + vstart, vend - vstart);
		return 0;
	}

	if (vend - vstart >= 2 && s[vend - 2] == '.' && s[vend - 1] == '*') {
		if (op != PEP_OP_EQ && op != PEP_OP_NE)
			return spec_error(err, w, vend - 2,
					  "wildcard '.*' not allowed with '%s'",
					  ops);
		spec->wildcard = true;
		r = pep__version_parse(&spec->version, s + vstart,
				       vend - 2 - vstart, &pe);
	} else {
		r = pep__version_parse(&spec->version, s + vstart,
				       vend - vstart, &pe);
	}
	if (r) {
		char shown[120];

		return spec_error(err, w, vstart + pe.pos,
				  "invalid version '%s' after '%s': %s",
				  pep__quote(shown, sizeof(shown), s + vstart,
					     vend - vstart, 60),
				  ops, pe.why);
	}
	if (spec->wildcard &&
	    (spec->version.pre_kind != PEP_PRE_NONE || spec->version.has_post ||
	     spec->version.has_dev || spec->version.local)) {
		r = spec_error(err, w, vend - 2,
			       "wildcard '.*' must follow release numbers only");
		goto fail;
	}
	if (spec->version.local && op != PEP_OP_EQ && op != PEP_OP_NE) {
		const char *plus = memchr(s + vstart, '+', vend - vstart);

		r = spec_error(err, w, plus ? (size_t)(plus - s) : vstart,
			       "local version label not allowed with '%s'", ops);
		goto fail;
	}
	if (op == PEP_OP_COMPATIBLE && spec->version.nrelease < 2) {
		r = spec_error(err, w, vstart,
			       "'~=' needs a version with at least two release numbers");
		goto fail;
	}
	spec->text = xmemdup0(s + vstart, vend - vstart);
	return 0;

fail:
	pep_version_release(&spec->version);
	return r;
}

int pep_specifier_parse(struct pep_specifier *spec, const char *s, size_t len,
			struct cvl_error *err)
{
	struct whole w = { s, len };
	size_t start = 0, end = len;
	int r;

	memset(spec, 0, sizeof(*spec));
	pep__trim_space(s, &start, &end);
	if (start == end)
		return spec_error(err, &w, start, "expected a version specifier");
	r = parse_clause(spec, s, start, end, &w, err);
	if (r)
		memset(spec, 0, sizeof(*spec));
	return r;
}

void pep_specifier_release(struct pep_specifier *spec)
{
	pep_version_release(&spec->version);
	free(spec->text);
	spec->text = NULL;
	spec->wildcard = false;
}

static void specifier_copy(struct pep_specifier *dst,
			   const struct pep_specifier *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->op = src->op;
	dst->wildcard = src->wildcard;
	pep_version_copy(&dst->version, &src->version);
	dst->text = xstrdup(src->text ? src->text : "");
}

void pep_specifier_format(const struct pep_specifier *spec, struct strbuf *out)
{
	strbuf_addstr(out, op_strs[spec->op]);
	if (spec->text)
		strbuf_addstr(out, spec->text);
}

enum pep_prereleases pep_specifier_prereleases(const struct pep_specifier *spec)
{
	if (spec->op == PEP_OP_NE || spec->wildcard)
		return PEP_PRERELEASES_NO;
	if (spec->op == PEP_OP_ARBITRARY && !spec->version.nrelease)
		return PEP_PRERELEASES_UNSET; /* not a version at all */
	return pep_version_is_prerelease(&spec->version) ? PEP_PRERELEASES_YES :
							    PEP_PRERELEASES_NO;
}

bool pep_specifier_admits_prereleases(const struct pep_specifier *spec)
{
	return pep_specifier_prereleases(spec) == PEP_PRERELEASES_YES;
}

/* ---- matching ----------------------------------------------------------- */

static bool ascii_caseeq(const char *a, size_t alen, const char *b,
			 size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/*
 * Compare v's epoch and its first n release numbers (missing ones are 0)
 * with the epoch and first n release numbers of p.
 */
static int cmp_prefix(const struct pep_version *v, const struct pep_version *p,
		      size_t n)
{
	const struct pep_num *rv = pep_version_segments(v);
	const struct pep_num *rp = pep_version_segments(p);
	static const struct pep_num zero = { 0, NULL, 0 };
	size_t i;
	int r = pep_num_cmp(v->epoch, p->epoch);

	for (i = 0; !r && i < n; i++)
		r = pep_num_cmp(i < v->nrelease ? rv[i] : zero,
				i < p->nrelease ? rp[i] : zero);
	return r;
}

/* Same epoch, release and pre-release as V (packaging's "family" tests). */
static bool same_pre(const struct pep_version *a, const struct pep_version *b)
{
	if (a->pre_kind != b->pre_kind)
		return false;
	return a->pre_kind == PEP_PRE_NONE || !pep_num_cmp(a->pre, b->pre);
}

/* v > V for a V without post and dev: excludes V's whole post family. */
static bool gt_after_posts(const struct pep_version *v,
			   const struct pep_version *V)
{
	if (pep_version_cmp(v, V) <= 0)
		return false;
	if (pep__version_cmp_base(v, V) || !same_pre(v, V))
		return true;
	return v->has_dev && !v->has_post;
}

static bool lt_clause(const struct pep_version *v, const struct pep_version *V)
{
	struct pep_version bound;

	if (pep_version_is_prerelease(V))
		return pep_version_cmp(v, V) < 0;
	if (!V->has_post)
		return pep__version_cmp_base(v, V) < 0; /* v < V.dev0 */
	/* v < V.dev0 (V.postN.dev0): a shallow copy is enough to compare. */
	bound = *V;
	bound.has_dev = true;
	bound.dev.value = 0;
	bound.dev.digits = NULL;
	bound.dev.ndigits = 0;
	bound.local = NULL;
	bound.key = 0; /* the fast sort key no longer describes it */
	return pep_version_cmp(v, &bound) < 0;
}

static bool eq_clause(const struct pep_specifier *spec,
		      const struct pep_version *v)
{
	const struct pep_version *V = &spec->version;

	if (spec->wildcard)
		return !cmp_prefix(v, V, V->nrelease);
	if (V->local)
		return !pep_version_cmp(v, V);
	return !pep_version_cmp_public(v, V);
}

/*
 * Match a clause; `raw` is the string v came from for '===' (NULL: use
 * the canonical form of v, as packaging does for Version objects).
 */
static bool clause_match(const struct pep_specifier *spec,
			 const struct pep_version *v, const char *raw,
			 size_t rawlen)
{
	const struct pep_version *V = &spec->version;

	switch (spec->op) {
	case PEP_OP_GE:
		return pep_version_cmp(v, V) >= 0;
	case PEP_OP_LE:
		return pep_version_cmp_public(v, V) <= 0;
	case PEP_OP_EQ:
		return eq_clause(spec, v);
	case PEP_OP_NE:
		return !eq_clause(spec, v);
	case PEP_OP_LT:
		return lt_clause(v, V);
	case PEP_OP_GT:
		if (V->has_post || V->has_dev)
			return pep_version_cmp_public(v, V) > 0;
		return gt_after_posts(v, V);
	case PEP_OP_COMPATIBLE:
		return pep_version_cmp(v, V) >= 0 &&
		       cmp_prefix(v, V, V->nrelease - 1) <= 0;
	case PEP_OP_ARBITRARY:
		if (raw)
			return ascii_caseeq(raw, rawlen, spec->text,
					    strlen(spec->text));
		{
			struct strbuf sb = STRBUF_INIT;
			bool ok;

			pep_version_format(v, &sb);
			ok = ascii_caseeq(sb.buf, sb.len, spec->text,
					  strlen(spec->text));
			strbuf_release(&sb);
			return ok;
		}
	}
	return false;
}

bool pep_specifier_match(const struct pep_specifier *spec,
			 const struct pep_version *v)
{
	return clause_match(spec, v, NULL, 0);
}

/* ---- sets --------------------------------------------------------------- */

int pep_specset_parse(struct pep_specset *set, const char *s, size_t len,
		      struct cvl_error *err)
{
	struct whole w = { s, len };
	size_t p = 0;
	int r;

	pep_specset_release(set);
	while (p <= len) {
		const char *comma = p < len ? memchr(s + p, ',', len - p) : NULL;
		size_t end = comma ? (size_t)(comma - s) : len;
		size_t cs = p, ce = end;

		pep__trim_space(s, &cs, &ce);
		if (cs < ce) {
			ALLOC_GROW(set->items, set->nr + 1, set->alloc);
			r = parse_clause(&set->items[set->nr], s, cs, ce, &w,
					 err);
			if (r) {
				pep_specset_release(set);
				return r;
			}
			set->nr++;
		}
		if (!comma)
			break;
		p = end + 1;
	}
	return 0;
}

void pep_specset_release(struct pep_specset *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		pep_specifier_release(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->nr = 0;
	set->alloc = 0;
	set->prereleases = PEP_PRERELEASES_UNSET;
}

void pep_specset_copy(struct pep_specset *dst, const struct pep_specset *src)
{
	size_t i;

	if (dst == src)
		return;
	pep_specset_release(dst);
	if (src->nr) {
		dst->items = xcalloc(src->nr, sizeof(*dst->items));
		dst->alloc = src->nr;
	}
	for (i = 0; i < src->nr; i++)
		specifier_copy(&dst->items[i], &src->items[i]);
	dst->nr = src->nr;
	dst->prereleases = src->prereleases;
}

/* Compare the strings op_a+text_a and op_b+text_b without building them. */
static int concat_cmp(const struct pep_specifier *a,
		      const struct pep_specifier *b)
{
	const char *pa[2] = { op_strs[a->op], a->text ? a->text : "" };
	const char *pb[2] = { op_strs[b->op], b->text ? b->text : "" };
	int ia = 0, ib = 0;
	const char *x = pa[0], *y = pb[0];

	for (;;) {
		if (!*x && ia == 0) {
			x = pa[1];
			ia = 1;
			continue;
		}
		if (!*y && ib == 0) {
			y = pb[1];
			ib = 1;
			continue;
		}
		if (!*x || !*y || *x != *y)
			break;
		x++;
		y++;
	}
	if (*x == *y)
		return 0;
	return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
}

/*
 * packaging's Specifier equality: same operator and the same canonical
 * version (trailing zeros dropped except for '~='); '===' and wildcard
 * clauses compare their text as written.
 */
static bool specifier_equal(const struct pep_specifier *a,
			    const struct pep_specifier *b)
{
	if (a->op != b->op || a->wildcard != b->wildcard)
		return false;
	if (a->op == PEP_OP_ARBITRARY || a->wildcard)
		return !strcmp(a->text ? a->text : "", b->text ? b->text : "");
	if (pep_version_cmp(&a->version, &b->version))
		return false;
	return a->op != PEP_OP_COMPATIBLE ||
	       a->version.nrelease == b->version.nrelease;
}

/*
 * A total order consistent with specifier_equal(): clauses that are equal
 * compare 0.
 */
static int canon_cmp(const struct pep_specifier *a,
		     const struct pep_specifier *b)
{
	int r;

	if (a->op != b->op)
		return a->op < b->op ? -1 : 1;
	if (a->wildcard != b->wildcard)
		return a->wildcard ? 1 : -1;
	if (a->op == PEP_OP_ARBITRARY || a->wildcard) {
		r = strcmp(a->text ? a->text : "", b->text ? b->text : "");
		return (r > 0) - (r < 0);
	}
	r = pep_version_cmp(&a->version, &b->version);
	if (r || a->op != PEP_OP_COMPATIBLE)
		return r;
	if (a->version.nrelease != b->version.nrelease)
		return a->version.nrelease < b->version.nrelease ? -1 : 1;
	return 0;
}

/* Stable merge sort of clause indexes (no global context, n log n). */
static void sort_idx(const struct pep_specset *set, size_t *idx, size_t *tmp,
		     size_t n, bool canonical)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	sort_idx(set, idx, tmp, mid, canonical);
	sort_idx(set, idx + mid, tmp, n - mid, canonical);
	while (i < mid && j < n) {
		const struct pep_specifier *a = &set->items[idx[i]];
		const struct pep_specifier *b = &set->items[idx[j]];
		int r = canonical ? canon_cmp(a, b) : concat_cmp(a, b);

		tmp[k++] = r <= 0 ? idx[i++] : idx[j++];
	}
	while (i < mid)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

/*
 * The canonical clause order: sorted by string, equal clauses once (the
 * first in string order is kept, as packaging's dict.fromkeys() does).
 * Returns the count written to idx.
 */
static size_t canonical_order(const struct pep_specset *set, size_t *idx)
{
	size_t n = set->nr, i, out = 0;
	size_t *tmp, *by_canon;
	bool *keep;

	for (i = 0; i < n; i++)
		idx[i] = i;
	if (n < 2)
		return n;
	tmp = xmalloc(n * sizeof(*tmp));
	by_canon = xmalloc(n * sizeof(*by_canon));
	keep = xcalloc(n, sizeof(*keep));
	sort_idx(set, idx, tmp, n, false);
	/* stable: within a group of equal clauses, string order remains */
	memcpy(by_canon, idx, n * sizeof(*idx));
	sort_idx(set, by_canon, tmp, n, true);
	for (i = 0; i < n; i++)
		if (!i || canon_cmp(&set->items[by_canon[i - 1]],
				    &set->items[by_canon[i]]))
			keep[by_canon[i]] = true;
	for (i = 0; i < n; i++)
		if (keep[idx[i]])
			idx[out++] = idx[i];
	free(tmp);
	free(by_canon);
	free(keep);
	return out;
}

void pep_specset_format(const struct pep_specset *set, struct strbuf *out)
{
	size_t *idx, n, i;

	if (!set->nr)
		return;
	if (set->nr == 1) {
		pep_specifier_format(&set->items[0], out);
		return;
	}
	idx = xmalloc(set->nr * sizeof(*idx));
	n = canonical_order(set, idx);
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		pep_specifier_format(&set->items[idx[i]], out);
	}
	free(idx);
}

bool pep_specset_equal(const struct pep_specset *a, const struct pep_specset *b)
{
	size_t *ia, *ib, na, nb, i;
	bool eq = true;

	if (!a->nr || !b->nr)
		return a->nr == b->nr;
	ia = xmalloc(a->nr * sizeof(*ia));
	ib = xmalloc(b->nr * sizeof(*ib));
	na = canonical_order(a, ia);
	nb = canonical_order(b, ib);
	if (na != nb)
		eq = false;
	for (i = 0; eq && i < na; i++)
		eq = specifier_equal(&a->items[ia[i]], &b->items[ib[i]]);
	free(ia);
	free(ib);
	return eq;
}

/* packaging's SpecifierSet.prereleases (NO only when set explicitly). */
static enum pep_prereleases set_prereleases(const struct pep_specset *set)
{
	size_t i;

	if (set->prereleases != PEP_PRERELEASES_UNSET)
		return set->prereleases;
	for (i = 0; i < set->nr; i++)
		if (pep_specifier_prereleases(&set->items[i]) ==
		    PEP_PRERELEASES_YES)
			return PEP_PRERELEASES_YES;
	return PEP_PRERELEASES_UNSET;
}

bool pep_specset_admits_prereleases(const struct pep_specset *set)
{
	return set_prereleases(set) == PEP_PRERELEASES_YES;
}

static bool set_has_arbitrary(const struct pep_specset *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		if (set->items[i].op == PEP_OP_ARBITRARY)
			return true;
	return false;
}

/*
 * Whether every clause matches.  v may be NULL (unparsable): then only
 * '===' clauses can match, against raw.
 */
static bool all_match(const struct pep_specset *set,
		      const struct pep_version *v, const char *raw,
		      size_t rawlen)
{
	size_t i;

	for (i = 0; i < set->nr; i++) {
		const struct pep_specifier *spec = &set->items[i];

		if (!v) {
			if (spec->op != PEP_OP_ARBITRARY ||
			    !ascii_caseeq(raw, rawlen, spec->text,
					  strlen(spec->text)))
				return false;
			continue;
		}
		if (!clause_match(spec, v, raw, rawlen))
			return false;
	}
	return true;
}

/*
 * SpecifierSet.contains() for one item: v (NULL when unparsable) and the
 * string it came from (NULL for a Version object).
 */
static bool contains_impl(const struct pep_specset *set,
			  const struct pep_version *v, const char *raw,
			  size_t rawlen, enum pep_prereleases pre,
			  bool installed)
{
	bool arbitrary = set_has_arbitrary(set);
	bool is_pre = v && pep_version_is_prerelease(v);

	if (!v && !raw)
		return false;
	if (v && installed && is_pre)
		pre = PEP_PRERELEASES_YES;
	/* Only an explicit "no" excludes: the set's autodetection says yes
	 * or nothing. */
	if (pre == PEP_PRERELEASES_UNSET)
		pre = set->prereleases;
	if (!arbitrary) {
		if (!v)
			return !set->nr; /* the empty set lets anything through */
		if (is_pre && pre == PEP_PRERELEASES_NO)
			return false;
		return all_match(set, v, NULL, 0);
	}
	/* With '===', strings are compared as given. */
	if (!all_match(set, v, raw, rawlen))
		return false;
	return !(is_pre && pre == PEP_PRERELEASES_NO);
}

bool pep_specset_contains(const struct pep_specset *set,
			  const struct pep_version *v,
			  enum pep_prereleases prereleases, bool installed)
{
	return contains_impl(set, v, NULL, 0, prereleases, installed);
}

bool pep_specset_contains_str(const struct pep_specset *set, const char *s,
			      size_t len, enum pep_prereleases prereleases,
			      bool installed)
{
	struct pep_version v = PEP_VERSION_INIT;
	bool ok;

	if (pep__version_parse(&v, s, len, NULL))
		return contains_impl(set, NULL, s, len, prereleases, installed);
	ok = contains_impl(set, &v, s, len, prereleases, installed);
	pep_version_release(&v);
	return ok;
}

size_t pep_specset_filter(const struct pep_specset *set,
			  const struct pep_version *const *in,
			  const char *const *in_str, size_t n,
			  enum pep_prereleases prereleases, size_t *out_idx)
{
	enum pep_prereleases pre = prereleases;
	bool arbitrary = set_has_arbitrary(set);
	bool found_final = false;
	size_t i, nout = 0;

	if (pre == PEP_PRERELEASES_UNSET)
		pre = set_prereleases(set);
	for (i = 0; i < n; i++) {
		const struct pep_version *v = in[i];
		const char *raw = in_str ? in_str[i] : NULL;
		bool match;

		if (!v && (!raw || (set->nr && !arbitrary)))
			continue;
		if (!set->nr)
			match = true;
		else
			match = all_match(set, v, raw, raw ? strlen(raw) : 0);
		if (!match)
			continue;
		if (v && pep_version_is_prerelease(v)) {
			if (pre == PEP_PRERELEASES_NO)
				continue;
		} else if (v) {
			found_final = true;
		}
		/* Unparsable strings that got here always stay. */
		out_idx[nout++] = i;
	}
	if (pre != PEP_PRERELEASES_UNSET || !found_final)
		return nout;
	/* PEP 440 default: drop the pre-releases when a final matched. */
	{
		size_t k, m = 0;

		for (k = 0; k < nout; k++) {
			const struct pep_version *v = in[out_idx[k]];

			if (!v || !pep_version_is_prerelease(v))
				out_idx[m++] = out_idx[k];
		}
		return m;
	}
}

/* ---- interval algebra (is_unsatisfiable, subset, disjoint) -------------- */

enum pt_kind {
	PT_NEG_INF,
	PT_POS_INF,
	PT_EXACT,
	PT_AFTER_LOCALS,
	PT_AFTER_POSTS,
};

/*
 * A point on the version line.  `v` (NULL for the infinities) belongs to
 * a clause of the set or to the pool of the computation, so points and
 * intervals are copied by value.
 */
struct point {
	enum pt_kind kind;
	const struct pep_version *v;
};

struct bound {
	struct point p;
	bool incl;
};

struct interval {
	struct bound lo, hi;
};

struct ranges {
	struct interval *iv;
	size_t nr, alloc;
};

/* Versions made up during one computation, released together. */
struct vpool {
	struct pep_version **v;
	size_t nr, alloc;
};

static struct pep_version *pool_new(struct vpool *pool)
{
	struct pep_version *v = xcalloc(1, sizeof(*v));

	ALLOC_GROW(pool->v, pool->nr + 1, pool->alloc);
	pool->v[pool->nr++] = v;
	return v;
}

static void pool_release(struct vpool *pool)
{
	size_t i;

	for (i = 0; i < pool->nr; i++) {
		pep_version_release(pool->v[i]);
		free(pool->v[i]);
	}
	free(pool->v);
	memset(pool, 0, sizeof(*pool));
}

static void ranges_release(struct ranges *r)
{
	free(r->iv);
	memset(r, 0, sizeof(*r));
}

static struct interval *ranges_push(struct ranges *r)
{
	struct interval *iv;

	ALLOC_GROW(r->iv, r->nr + 1, r->alloc);
	iv = &r->iv[r->nr++];
	iv->lo.p.kind = PT_NEG_INF;
	iv->lo.p.v = NULL;
	iv->lo.incl = false;
	iv->hi.p.kind = PT_POS_INF;
	iv->hi.p.v = NULL;
	iv->hi.incl = false;
	return iv;
}

/* Append n+1 in decimal. */
static void num_format_inc(struct pep_num n, struct strbuf *out)
{
	size_t start = out->len, i;

	pep_num_format(n, out);
	for (i = out->len; i > start; i--) {
		if (out->buf[i - 1] != '9') {
			out->buf[i - 1]++;
			return;
		}
		out->buf[i - 1] = '0';
	}
	/* all nines: 99 -> 100 */
	strbuf_addch(out, '0');
	out->buf[start] = '1';
}

enum { KEEP = -1, DROP = -2, ZERO = -3, INC = -4 };

/*
 * Build a version from V: the first nrel release numbers (the last one
 * incremented when inc_last), and pre/post/dev each kept (KEEP), dropped
 * (DROP), set to 0 (ZERO) or incremented (INC, 0 when absent).  Never
 * has a local label.  Goes through the canonical string so that huge
 * numbers stay exact.
 */
static void build_version(struct pep_version *out, const struct pep_version *V,
			  size_t nrel, bool inc_last, int pre, int post, int dev)
{
	const struct pep_num *rel = pep_version_segments(V);
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	pep_num_format(V->epoch, &sb);
	strbuf_addch(&sb, '!');
	for (i = 0; i < nrel; i++) {
		if (i)
			strbuf_addch(&sb, '.');
		if (inc_last && i + 1 == nrel)
			num_format_inc(rel[i], &sb);
		else
			pep_num_format(rel[i], &sb);
	}
	if ((pre == KEEP || pre == INC) && V->pre_kind != PEP_PRE_NONE) {
		static const char *const letters[] = { "", "a", "b", "rc" };

		strbuf_addstr(&sb, letters[V->pre_kind]);
		if (pre == INC)
			num_format_inc(V->pre, &sb);
		else
			pep_num_format(V->pre, &sb);
	}
	if (post == ZERO) {
		strbuf_addstr(&sb, ".post0");
	} else if (post == INC) {
		strbuf_addstr(&sb, ".post");
		if (V->has_post)
			num_format_inc(V->post, &sb);
		else
			strbuf_addch(&sb, '0');
	} else if (post == KEEP && V->has_post) {
		strbuf_addstr(&sb, ".post");
		pep_num_format(V->post, &sb);
	}
	if (dev == ZERO) {
		strbuf_addstr(&sb, ".dev0");
	} else if (dev == INC) {
		strbuf_addstr(&sb, ".dev");
		if (V->has_dev)
			num_format_inc(V->dev, &sb);
		else
			strbuf_addch(&sb, '0');
	} else if (dev == KEEP && V->has_dev) {
		strbuf_addstr(&sb, ".dev");
		pep_num_format(V->dev, &sb);
	}
	if (pep__version_parse(out, sb.buf, sb.len, NULL))
		BUG("cannot re-parse built version '%s'", sb.buf);
	strbuf_release(&sb);
}

static const struct pep_version *pool_build(struct vpool *pool,
					    const struct pep_version *V,
					    size_t nrel, bool inc_last,
					    int pre, int post, int dev)
{
	struct pep_version *v = pool_new(pool);

	build_version(v, V, nrel, inc_last, pre, post, dev);
	return v;
}

static void set_point(struct bound *b, enum pt_kind kind,
		      const struct pep_version *v, bool incl)
{
	b->p.kind = kind;
	b->p.v = v;
	b->incl = incl;
}

/* (pre rank, pre number) of a point's version, for AFTER_POSTS. */
static int cmp_group(const struct pep_version *a, const struct pep_version *b)
{
	int ra = pep__version_pre_rank(a), rb = pep__version_pre_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra >= 1 && ra <= 3)
		return pep_num_cmp(a->pre, b->pre);
	return 0;
}

/* Order of two points (see the top of this file). */
static int point_cmp(const struct point *a, const struct point *b)
{
	int r;

	if (a->kind == PT_NEG_INF || b->kind == PT_NEG_INF)
		return (a->kind != PT_NEG_INF) - (b->kind != PT_NEG_INF);
	if (a->kind == PT_POS_INF || b->kind == PT_POS_INF)
		return (a->kind == PT_POS_INF) - (b->kind == PT_POS_INF);
	if (a->kind == PT_EXACT && b->kind == PT_EXACT)
		return pep_version_cmp(a->v, b->v);
	if (b->kind == PT_EXACT)
		return -point_cmp(b, a);
	/* now b is a boundary */
	r = pep__version_cmp_base(a->v, b->v);
	if (r)
		return r;
	if (b->kind == PT_AFTER_LOCALS) {
		if (a->kind == PT_AFTER_POSTS)
			return cmp_group(b->v, a->v) <= 0 ? 1 : -1;
		r = pep_version_cmp_public(a->v, b->v);
		if (a->kind == PT_AFTER_LOCALS)
			return r;
		return r > 0 ? 1 : -1; /* exact at or below V's locals */
	}
	/* b is AFTER_POSTS */
	if (a->kind == PT_AFTER_POSTS)
		return cmp_group(a->v, b->v);
	return cmp_group(a->v, b->v) <= 0 ? -1 : 1;
}

/* packaging's Python equality of two bound points (mixed kinds differ). */
static bool point_same(const struct point *a, const struct point *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == PT_NEG_INF || a->kind == PT_POS_INF)
		return true;
	return !pep_version_cmp(a->v, b->v);
}

static int lower_cmp(const struct bound *a, const struct bound *b)
{
	if (!point_same(&a->p, &b->p))
		return point_cmp(&a->p, &b->p);
	if (a->incl == b->incl)
		return 0;
	return a->incl ? -1 : 1; /* [v starts before (v */
}

static int upper_cmp(const struct bound *a, const struct bound *b)
{
	if (!point_same(&a->p, &b->p))
		return point_cmp(&a->p, &b->p);
	if (a->incl == b->incl)
		return 0;
	return a->incl ? 1 : -1; /* v) ends before v] */
}

static bool is_min_version(const struct pep_version *v)
{
	/* 0.dev0, the smallest version there is */
	const struct pep_num *rel = pep_version_segments(v);
	size_t i;

	if (v->epoch.digits || v->epoch.value || v->local)
		return false;
	for (i = 0; i < v->nrelease; i++)
		if (rel[i].digits || rel[i].value)
			return false;
	return v->pre_kind == PEP_PRE_NONE && !v->has_post && v->has_dev &&
	       !v->dev.digits && !v->dev.value;
}

static bool range_is_empty(const struct bound *lo, const struct bound *hi)
{
	if (hi->p.kind == PT_EXACT && !hi->incl && is_min_version(hi->p.v))
		return true;
	if (lo->p.kind == PT_NEG_INF || hi->p.kind == PT_POS_INF)
		return false;
	if (hi->p.kind == PT_EXACT &&
	    (lo->p.kind == PT_AFTER_LOCALS ||
	     (lo->p.kind == PT_AFTER_POSTS &&
	      lo->p.v->pre_kind != PEP_PRE_NONE))) {
		/*
		 * The smallest real version above the boundary: after
		 * AFTER_LOCALS(V) comes V.devN+1 or V.postN+1.dev0; after
		 * AFTER_POSTS(VaN) comes Va(N+1).dev0.  (After AFTER_POSTS of
		 * a final release there is none: 1.0.0.0...1 goes on.)
		 */
		struct pep_version succ = PEP_VERSION_INIT;
		const struct pep_version *V = lo->p.v;
		int r;

		if (lo->p.kind == PT_AFTER_POSTS)
			build_version(&succ, V, V->nrelease, false, INC, DROP,
				      ZERO);
		else if (V->has_dev)
			build_version(&succ, V, V->nrelease, false, KEEP, KEEP,
				      INC);
		else
			build_version(&succ, V, V->nrelease, false, KEEP, INC,
				      ZERO);
		r = pep_version_cmp(hi->p.v, &succ);
		pep_version_release(&succ);
		if (!r)
			return !hi->incl;
		return r < 0;
	}
	if (point_same(&lo->p, &hi->p))
		return !(lo->incl && hi->incl);
	return point_cmp(&lo->p, &hi->p) > 0;
}

/* Add iv to r unless empty (with packaging's canonical lower bound). */
static void push_canonical(struct ranges *r, struct interval *iv)
{
	if (iv->lo.p.kind == PT_EXACT && iv->lo.incl &&
	    is_min_version(iv->lo.p.v))
		set_point(&iv->lo, PT_NEG_INF, NULL, false);
	if (!range_is_empty(&iv->lo, &iv->hi))
		*ranges_push(r) = *iv;
}

/* The ranges one clause admits ('===' admits everything here). */
static void clause_ranges(const struct pep_specifier *spec,
			  struct vpool *pool, struct ranges *r)
{
	const struct pep_version *V = &spec->version;
	struct interval a, b;
	bool has_local = V->local != NULL;

	set_point(&a.lo, PT_NEG_INF, NULL, false);
	set_point(&a.hi, PT_POS_INF, NULL, false);
	b = a;

	if (spec->op == PEP_OP_ARBITRARY) {
		push_canonical(r, &a);
		return;
	}
	if (spec->wildcard) {
		/* ==V.* is [V.dev0, V'.dev0) with V' the next prefix */
		const struct pep_version *lo, *hi;

		lo = pool_build(pool, V, V->nrelease, false, DROP, DROP, ZERO);
		hi = pool_build(pool, V, V->nrelease, true, DROP, DROP, ZERO);
		if (spec->op == PEP_OP_EQ) {
			set_point(&a.lo, PT_EXACT, lo, true);
			set_point(&a.hi, PT_EXACT, hi, false);
			push_canonical(r, &a);
		} else {
			set_point(&a.hi, PT_EXACT, lo, false);
			push_canonical(r, &a);
			set_point(&b.lo, PT_EXACT, hi, true);
			push_canonical(r, &b);
		}
		return;
	}
	/* V has no local label except for == and != (handled below). */
	switch (spec->op) {
	case PEP_OP_GE:
		set_point(&a.lo, PT_EXACT, V, true);
		break;
	case PEP_OP_LE:
		set_point(&a.hi, PT_AFTER_LOCALS, V, true);
		break;
	case PEP_OP_GT:
		if (V->has_post || V->has_dev)
			set_point(&a.lo, PT_AFTER_LOCALS, V, false);
		else
			set_point(&a.lo, PT_AFTER_POSTS, V, false);
		break;
	case PEP_OP_LT:
		if (pep_version_is_prerelease(V))
			set_point(&a.hi, PT_EXACT, V, false);
		else
			set_point(&a.hi, PT_EXACT,
				  pool_build(pool, V, V->nrelease, false, KEEP,
					     KEEP, ZERO),
				  false);
		if (is_min_version(a.hi.p.v))
			return; /* nothing is below 0.dev0 */
		break;
	case PEP_OP_EQ:
		set_point(&a.lo, PT_EXACT, V, true);
		if (has_local)
			set_point(&a.hi, PT_EXACT, V, true);
		else
			set_point(&a.hi, PT_AFTER_LOCALS, V, true);
		break;
	case PEP_OP_NE:
		set_point(&a.hi, PT_EXACT, V, false);
		push_canonical(r, &a);
		if (has_local)
			set_point(&b.lo, PT_EXACT, V, false);
		else
			set_point(&b.lo, PT_AFTER_LOCALS, V, false);
		push_canonical(r, &b);
		return;
	case PEP_OP_COMPATIBLE:
		set_point(&a.lo, PT_EXACT, V, true);
		set_point(&a.hi, PT_EXACT,
			  pool_build(pool, V, V->nrelease - 1, true, DROP, DROP,
				     ZERO),
			  false);
		break;
	case PEP_OP_ARBITRARY:
		break;
	}
	push_canonical(r, &a);
}

static void ranges_intersect(const struct ranges *a, const struct ranges *b,
			     struct ranges *out)
{
	size_t i = 0, j = 0;

	while (i < a->nr && j < b->nr) {
		const struct interval *x = &a->iv[i], *y = &b->iv[j];
		/* max() and min() as Python's: the first one on ties */
		const struct bound *lo =
			lower_cmp(&y->lo, &x->lo) > 0 ? &y->lo : &x->lo;
		const struct bound *hi =
			upper_cmp(&y->hi, &x->hi) < 0 ? &y->hi : &x->hi;

		if (!range_is_empty(lo, hi)) {
			struct interval *iv = ranges_push(out);

			iv->lo = *lo;
			iv->hi = *hi;
		}
		if (upper_cmp(&x->hi, &y->hi) < 0)
			i++;
		else
			j++;
	}
}

/* The intersection of every clause's ranges (full range when empty). */
static void set_ranges(const struct pep_specset *set, struct vpool *pool,
		       struct ranges *out)
{
	struct ranges c = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	size_t i;

	memset(out, 0, sizeof(*out));
	ranges_push(out);
	for (i = 0; i < set->nr && out->nr; i++) {
		c.nr = 0;
		tmp.nr = 0;
		clause_ranges(&set->items[i], pool, &c);
		ranges_intersect(out, &c, &tmp);
		{
			struct ranges t = *out;

			*out = tmp;
			tmp = t;
		}
	}
	ranges_release(&c);
	ranges_release(&tmp);
}

static void ranges_complement(const struct ranges *r, struct ranges *out)
{
	struct bound prev;
	size_t i;

	memset(out, 0, sizeof(*out));
	set_point(&prev, PT_NEG_INF, NULL, false);
	for (i = 0; i < r->nr; i++) {
		const struct interval *iv = &r->iv[i];

		if (iv->lo.p.kind != PT_NEG_INF) {
			struct interval *o = ranges_push(out);

			o->lo = prev;
			o->hi = iv->lo;
			o->hi.incl = !iv->lo.incl;
		}
		prev = iv->hi;
		prev.incl = !iv->hi.incl;
		if (prev.p.kind == PT_POS_INF)
			break;
	}
	if (!r->nr || prev.p.kind != PT_POS_INF)
		ranges_push(out)->lo = prev;
}

/* The smallest final (non-pre) release at or above a lower bound. */
static void lowest_release_at_or_above(const struct point *p,
				       struct pep_version *out)
{
	const struct pep_version *V = p->v;

	if (p->kind == PT_NEG_INF) {
		if (pep_version_parse(out, "0", 1, NULL))
			BUG("cannot parse 0");
		return;
	}
	if (pep_version_is_prerelease(V)) {
		if (V->pre_kind != PEP_PRE_NONE)
			build_version(out, V, V->nrelease, false, DROP, DROP,
				      DROP);
		else
			build_version(out, V, V->nrelease, false, KEEP, KEEP,
				      DROP);
		return;
	}
	if (p->kind == PT_EXACT)
		build_version(out, V, V->nrelease, false, KEEP, KEEP, KEEP);
	else
		build_version(out, V, V->nrelease, false, KEEP, INC, KEEP);
}

static bool ranges_prerelease_only(const struct ranges *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		struct pep_version nv = PEP_VERSION_INIT;
		struct point nearest = { PT_EXACT, &nv };
		bool only;

		lowest_release_at_or_above(&r->iv[i].lo.p, &nv);
		if (r->iv[i].hi.p.kind == PT_POS_INF)
			only = false;
		else if (point_cmp(&nearest, &r->iv[i].hi.p) < 0)
			only = false;
		else
			only = !(point_same(&nearest, &r->iv[i].hi.p) &&
				 r->iv[i].hi.incl);
		pep_version_release(&nv);
		if (!only)
			return false;
	}
	return true;
}

static bool arbitrary_unsatisfiable(const struct pep_specset *set,
				    enum pep_prereleases pre)
{
	const struct pep_specifier *first = NULL;
	bool any_standard = false;
	size_t i;

	for (i = 0; i < set->nr; i++) {
		const struct pep_specifier *s = &set->items[i];

		if (s->op != PEP_OP_ARBITRARY) {
			any_standard = true;
			continue;
		}
		if (!first)
			first = s;
		else if (!ascii_caseeq(s->text, strlen(s->text), first->text,
				       strlen(first->text)))
			return true;
	}
	if (!first)
		return false;
	/* The only candidate is the '===' string itself. */
	if (pre == PEP_PRERELEASES_NO && first->version.nrelease &&
	    pep_version_is_prerelease(&first->version))
		return true;
	if (!any_standard)
		return false;
	if (!first->version.nrelease)
		return true;
	for (i = 0; i < set->nr; i++) {
		const struct pep_specifier *s = &set->items[i];

		if (s->op != PEP_OP_ARBITRARY &&
		    !clause_match(s, &first->version, NULL, 0))
			return true;
	}
	return false;
}

bool pep_specset_is_unsatisfiable(const struct pep_specset *set,
				  enum pep_prereleases prereleases)
{
	struct vpool pool = { NULL, 0, 0 };
	struct ranges r;
	bool unsat;

	if (!set->nr)
		return false;
	if (prereleases == PEP_PRERELEASES_UNSET)
		prereleases = set->prereleases;
	set_ranges(set, &pool, &r);
	unsat = !r.nr;
	if (!unsat)
		unsat = arbitrary_unsatisfiable(set, prereleases);
	if (!unsat && prereleases == PEP_PRERELEASES_NO)
		unsat = ranges_prerelease_only(&r);
	ranges_release(&r);
	pool_release(&pool);
	return unsat;
}

bool pep_specset_is_disjoint(const struct pep_specset *a,
			     const struct pep_specset *b)
{
	struct vpool pool = { NULL, 0, 0 };
	struct ranges ra, rb, both = { NULL, 0, 0 };
	bool disjoint;

	if (set_has_arbitrary(a) || set_has_arbitrary(b))
		return false; /* packaging refuses '===' here */
	set_ranges(a, &pool, &ra);
	set_ranges(b, &pool, &rb);
	ranges_intersect(&ra, &rb, &both);
	disjoint = !both.nr;
	ranges_release(&ra);
	ranges_release(&rb);
	ranges_release(&both);
	pool_release(&pool);
	return disjoint;
}

bool pep_specset_is_subset(const struct pep_specset *a,
			   const struct pep_specset *b)
{
	struct vpool pool = { NULL, 0, 0 };
	struct ranges ra, rb, notb, rest = { NULL, 0, 0 };
	bool subset;

	if (set_has_arbitrary(a) || set_has_arbitrary(b))
		return false; /* packaging refuses '===' here */
	set_ranges(a, &pool, &ra);
	set_ranges(b, &pool, &rb);
	ranges_complement(&rb, &notb);
	ranges_intersect(&ra, &notb, &rest);
	subset = !rest.nr;
	ranges_release(&ra);
	ranges_release(&rb);
	ranges_release(&notb);
	ranges_release(&rest);
	pool_release(&pool);
	return subset;
}

bool pep_specset_is_superset(const struct pep_specset *a,
			     const struct pep_specset *b)
{
	return pep_specset_is_subset(b, a);
}

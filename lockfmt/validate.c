/*
 * validate.c - PEP 751 checks: diagnostics, field checks used by the
 * reader, and checks across package entries.
 */
#include "lockfmt/internal.h"
#include "pep/pep.h"

/* ---- diagnostics -------------------------------------------------------- */

void lock_diags_release(struct lock_diags *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		free(d->items[i].msg);
	free(d->items);
	memset(d, 0, sizeof(*d));
}

void lock_diag_add(struct lock_diags *d, enum lock_severity sev, int line,
		   int column, const char *fmt, ...)
{
	struct strbuf raw = STRBUF_INIT, sb = STRBUF_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	strbuf_vaddf(&raw, fmt, ap);
	va_end(ap);
	/*
	 * Messages quote names, keys and values from the file: control
	 * characters become \xNN so that one problem stays one line.
	 */
	for (i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.buf[i];

		if (c < 0x20 || c == 0x7f)
			strbuf_addf(&sb, "\\x%02x", c);
		else
			strbuf_addch(&sb, (char)c);
	}
	strbuf_release(&raw);
	ALLOC_GROW(d->items, d->nr + 1, d->alloc);
	d->items[d->nr].severity = sev;
	d->items[d->nr].line = line;
	d->items[d->nr].column = column;
	d->items[d->nr].msg = strbuf_detach(&sb, NULL);
	d->nr++;
	if (sev == LOCK_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
}

struct diag_sort {
	struct lock_diag diag;
	size_t seq;
};

static int diag_cmp(const void *a, const void *b)
{
	const struct diag_sort *x = a, *y = b;

	if (x->diag.line != y->diag.line)
		return x->diag.line < y->diag.line ? -1 : 1;
	if (x->diag.column != y->diag.column)
		return x->diag.column < y->diag.column ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

void lock_diags_sort(struct lock_diags *d)
{
	struct diag_sort *s;
	size_t i;

	if (d->nr < 2)
		return;
	/* Stable: problems at one position keep the order found. */
	s = xmalloc(d->nr * sizeof(*s));
	for (i = 0; i < d->nr; i++) {
		s[i].diag = d->items[i];
		s[i].seq = i;
	}
	qsort(s, d->nr, sizeof(*s), diag_cmp);
	for (i = 0; i < d->nr; i++)
		d->items[i] = s[i].diag;
	free(s);
}

void lock_diags_format(const struct lock_diags *d, const char *file,
		       struct strbuf *out)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		const struct lock_diag *g = &d->items[i];

		strbuf_addf(out, "%s:%d:%d: %s%s\n", file, g->line, g->column,
			    g->severity == LOCK_WARNING ? "warning: " : "",
			    g->msg);
	}
}

/* ---- field checks ------------------------------------------------------- */

/* Quote `s` for a message: at most 80 bytes, controls as \xNN. */
static void quote(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addch(out, (char)c);
	}
	if (len > 80)
		strbuf_addstr(out, "...");
}

void lock_check_name(struct lock_diags *d, const char *what, const char *s,
		     size_t len, int line, int column)
{
	struct strbuf q = STRBUF_INIT, canon = STRBUF_INIT;

	quote(&q, s, len);
	if (!pep_name_is_valid(s, len)) {
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "invalid %s '%s'", what, q.buf);
	} else if (!pep_name_is_normalized(s, len)) {
		pep_name_canonicalize(s, len, &canon);
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "%s '%s' is not normalized (expected '%s')", what,
			      q.buf, canon.buf);
	}
	strbuf_release(&q);
	strbuf_release(&canon);
}

void lock_check_version(struct lock_diags *d, const char *s, size_t len,
			int line, int column)
{
	struct pep_version v = PEP_VERSION_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	if (pep_version_parse(&v, s, len, &err))
		lock_diag_add(d, LOCK_ERROR, line, column, "%s", err.msg);
	pep_version_release(&v);
}

void lock_check_marker(struct lock_diags *d, const char *s, size_t len,
		       int line, int column)
{
	struct pep_marker *m = NULL;
	struct cvl_error err = CVL_ERROR_INIT;

	if (pep_marker_parse(&m, s, len, &err))
		lock_diag_add(d, LOCK_ERROR, line, column, "invalid marker: %s",
			      err.msg);
	pep_marker_free(m);
}

void lock_check_requirement(struct lock_diags *d, const char *s, size_t len,
			    int line, int column)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	if (pep_requirement_parse(&req, s, len, &err))
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "invalid requirement: %s", err.msg);
	pep_requirement_release(&req);
}

void lock_check_specset(struct lock_diags *d, const char *what,
			const char *s, size_t len, int line, int column)
{
	struct pep_specset set = PEP_SPECSET_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	if (pep_specset_parse(&set, s, len, &err))
		lock_diag_add(d, LOCK_ERROR, line, column, "invalid %s: %s",
			      what, err.msg);
	pep_specset_release(&set);
}

/* hashlib's names and digest lengths in hex digits. */
static const struct {
	const char *algo;
	size_t hexlen;
} known_hashes[] = {
	{ "blake2b", 128 }, { "blake2s", 64 }, { "md5", 32 },
	{ "sha1", 40 },     { "sha224", 56 },  { "sha256", 64 },
	{ "sha384", 96 },   { "sha3_224", 56 }, { "sha3_256", 64 },
	{ "sha3_384", 96 }, { "sha3_512", 128 }, { "sha512", 128 },
};

void lock_check_hash(struct lock_diags *d, const char *algo,
		     const char *value, size_t len, int line, int column)
{
	struct strbuf q = STRBUF_INIT;
	size_t i, want = 0;
	bool known = false, lower = true;

	for (i = 0; algo[i]; i++)
		if (algo[i] >= 'A' && algo[i] <= 'Z')
			lower = false;
	for (i = 0; i < ARRAY_SIZE(known_hashes); i++) {
		if (!strcmp(known_hashes[i].algo, algo)) {
			known = true;
			want = known_hashes[i].hexlen;
		}
	}
	quote(&q, algo, strlen(algo));
	if (!lower)
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "hash algorithm '%s' must be lowercase", q.buf);
	else if (!known)
		lock_diag_add(d, LOCK_WARNING, line, column,
			      "unknown hash algorithm '%s'", q.buf);
	for (i = 0; i < len; i++) {
		char c = value[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F'))) {
			lock_diag_add(d, LOCK_ERROR, line, column,
				      "%s hash is not hexadecimal", q.buf);
			strbuf_release(&q);
			return;
		}
	}
	if (known && len != want)
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "%s hash has %zu hex digits, expected %zu", q.buf,
			      len, want);
	strbuf_release(&q);
}

/* A file's version against its package's (when both are known and valid). */
static void check_file_version(struct lock_diags *d, const char *kind,
			       const char *file, const struct pep_version *v,
			       const char *pkgversion, int line, int column)
{
	struct pep_version pv = PEP_VERSION_INIT;
	struct strbuf fv = STRBUF_INIT;

	if (!pkgversion ||
	    pep_version_parse(&pv, pkgversion, strlen(pkgversion), NULL))
		return;
	if (pep_version_cmp(v, &pv)) {
		pep_version_format(v, &fv);
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "%s '%s' is version %s, not the package's %s",
			      kind, file, fv.buf, pkgversion);
	}
	pep_version_release(&pv);
	strbuf_release(&fv);
}

void lock_check_wheelname(struct lock_diags *d, const char *pkgname,
			  const char *pkgversion, const char *s, size_t len,
			  int line, int column)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf q = STRBUF_INIT;

	quote(&q, s, len);
	if (pep_wheelname_parse(&w, s, len, false, &err))
		lock_diag_add(d, LOCK_ERROR, line, column, "%s", err.msg);
	else if (pkgname && strcmp(w.name, pkgname))
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "wheel '%s' is not a file of package '%s'",
			      q.buf, pkgname);
	else
		check_file_version(d, "wheel", q.buf, &w.version, pkgversion,
				   line, column);
	pep_wheelname_release(&w);
	strbuf_release(&q);
}

void lock_check_sdistname(struct lock_diags *d, const char *pkgname,
			  const char *pkgversion, const char *s, size_t len,
			  int line, int column)
{
	struct strbuf name = STRBUF_INIT, q = STRBUF_INIT;
	struct pep_version v = PEP_VERSION_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	quote(&q, s, len);
	if (pep_sdistname_parse(s, len, &name, &v, &err))
		lock_diag_add(d, LOCK_WARNING, line, column,
			      "sdist name '%s' is not name-version.tar.gz: %s",
			      q.buf, err.msg);
	else if (pkgname && strcmp(name.buf, pkgname))
		lock_diag_add(d, LOCK_ERROR, line, column,
			      "sdist '%s' is not a file of package '%s'",
			      q.buf, pkgname);
	else
		check_file_version(d, "sdist", q.buf, &v, pkgversion, line,
				   column);
	pep_version_release(&v);
	strbuf_release(&name);
	strbuf_release(&q);
}

/* ---- across packages ---------------------------------------------------- */

/* Equal as PEP 440 versions ("1.0" and "1.0.0"), else as strings. */
static bool versions_equal(const char *a, const char *b)
{
	struct pep_version va = PEP_VERSION_INIT, vb = PEP_VERSION_INIT;
	bool same;

	if (!a || !b)
		return !a && !b;
	if (!pep_version_parse(&va, a, strlen(a), NULL) &&
	    !pep_version_parse(&vb, b, strlen(b), NULL))
		same = pep_version_cmp(&va, &vb) == 0;
	else
		same = !strcmp(a, b);
	pep_version_release(&va);
	pep_version_release(&vb);
	return same;
}

static bool dep_matches(const struct lock_dep *dep,
			const struct lock_package *p)
{
	if (!dep->name || !p->name || strcmp(dep->name, p->name))
		return false;
	return !dep->version || versions_equal(dep->version, p->version);
}

static int pkg_name_cmp(const void *a, const void *b)
{
	const struct lock_package *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);

	/* Then by position, so that messages name the earlier entry. */
	if (!c)
		c = (*x < *y) ? -1 : (*x > *y);
	return c;
}

/* The first entry of `sorted` (n, by name) named `name`, or n. */
static size_t lower_bound(const struct lock_package **sorted, size_t n,
			  const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(sorted[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Entries are looked up through a copy sorted by name, so a lockfile of
 * n packages costs n log n plus the size of each group of one name.
 */
void lock_file_check(const struct lock_file *lf, struct lock_diags *diags)
{
	const struct lock_package **sorted;
	size_t i, j, k, n = 0, at;

	sorted = xmalloc((lf->npackages ? lf->npackages : 1) * sizeof(*sorted));
	for (i = 0; i < lf->npackages; i++)
		if (lf->packages[i].name)
			sorted[n++] = &lf->packages[i];
	qsort(sorted, n, sizeof(*sorted), pkg_name_cmp);

	for (i = 0; i < n; i++) {
		const struct lock_package *p = sorted[i];

		for (j = i + 1; j < n && !strcmp(sorted[j]->name, p->name); j++) {
			const struct lock_package *q = sorted[j];

			/*
			 * Without markers both entries apply everywhere, and
			 * PEP 751 makes an installer fail when two entries
			 * for one name apply.
			 */
			if (p->marker || q->marker)
				continue;
			if (versions_equal(p->version, q->version))
				lock_diag_add(diags, LOCK_ERROR, q->line,
					      q->column,
					      "package '%s' is locked twice (also at line %d)",
					      q->name, p->line);
			else
				lock_diag_add(diags, LOCK_ERROR, q->line,
					      q->column,
					      "package '%s' has another entry at line %d, and neither has a marker to tell where each applies",
					      q->name, p->line);
		}
	}
	for (i = 0; i < lf->npackages; i++) {
		const struct lock_package *p = &lf->packages[i];

		for (k = 0; k < p->ndeps; k++) {
			const struct lock_dep *dep = &p->deps[k];
			bool found = false;

			/* Raw entries identify by source; not checked here. */
			if (!dep->name || dep->raw)
				continue;
			at = lower_bound(sorted, n, dep->name);
			for (j = at; j < n && !strcmp(sorted[j]->name, dep->name); j++)
				if (dep_matches(dep, sorted[j]))
					found = true;
			if (!found)
				lock_diag_add(diags, LOCK_ERROR, dep->line,
					      dep->column,
					      "dependency '%s%s%s' of package '%s' matches no package entry",
					      dep->name, dep->version ? " " : "",
					      dep->version ? dep->version : "",
					      p->name ? p->name : "?");
		}
	}
	free(sorted);
}

bool lock_filename_is_valid(const char *filename)
{
	size_t len = strlen(filename);
	const char *mid;
	size_t mlen;

	if (!strcmp(filename, "pylock.toml"))
		return true;
	if (len <= 12 || strncmp(filename, "pylock.", 7) ||
	    strcmp(filename + len - 5, ".toml"))
		return false;
	mid = filename + 7;
	mlen = len - 12;
	return !memchr(mid, '.', mlen) && !memchr(mid, '/', mlen);
}

/*
 * reqfile.c - pip requirements files (requirements.in, constraints.txt).
 *
 * The text is processed the way pip's req_file.py does it, in this order:
 *   1. physical lines ending in '\' are joined with the next one (unless
 *      the line is a comment: "# ... \" does not continue);
 *   2. a comment, '#' at the start of the line or after whitespace, is cut
 *      off ("pkg @ https://host/x#egg=pkg" keeps its fragment), and blank
 *      lines are dropped;
 *   3. "${NAME}" (NAME in [A-Z0-9_]+) is replaced by the variable's value;
 *   4. a line starting with '-' holds options; any other line is a
 *      requirement, followed by per-requirement options from the first
 *      space-separated word that starts with '-'.
 * Option words are split like a POSIX shell (pip uses shlex): quotes
 * group, backslash escapes.
 *
 * Every byte of a logical line remembers its physical line and column, so
 * errors point into the file even after joining and expansion (expanded
 * text points at its '$').
 */
#include "pep/internal.h"

#include <strings.h>

/* Where a byte of a logical line was written. */
struct pos {
	int line, col;
};

/* A logical line, with the position of each byte. */
struct lline {
	struct strbuf text;
	struct pos *pos; /* text.len entries */
	size_t alloc;
};

#define LLINE_INIT { STRBUF_INIT, NULL, 0 }

/* An option word after shell-like unquoting. */
struct word {
	struct strbuf s;
	size_t off; /* offset of its first byte in the logical line */
};

struct parser {
	struct pep_reqfile *rf;
	pep_getenv_fn getenv_fn;
	void *getenv_data;
	struct cvl_error *err;
};

/* Logical lines longer than this are rejected (bounds env expansion too). */
#define LLINE_MAX (1u << 20)

/* Append n bytes written at line:col and the following columns. */
static void lline_add(struct lline *ll, const char *p, size_t n, int line,
		      int col)
{
	size_t i, at = ll->text.len;

	ALLOC_GROW(ll->pos, at + n, ll->alloc);
	for (i = 0; i < n; i++) {
		ll->pos[at + i].line = line;
		ll->pos[at + i].col = col + (int)i;
	}
	strbuf_add(&ll->text, p, n);
}

/* Append bytes [from, to) of `src` with their own positions. */
static void lline_add_from(struct lline *ll, const struct lline *src,
			   size_t from, size_t to)
{
	size_t at = ll->text.len;

	if (to <= from)
		return;
	ALLOC_GROW(ll->pos, at + (to - from), ll->alloc);
	memcpy(ll->pos + at, src->pos + from, (to - from) * sizeof(*ll->pos));
	strbuf_add(&ll->text, src->text.buf + from, to - from);
}

static void lline_reset(struct lline *ll)
{
	strbuf_reset(&ll->text);
}

static void lline_release(struct lline *ll)
{
	strbuf_release(&ll->text);
	free(ll->pos);
	ll->pos = NULL;
	ll->alloc = 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Set the error position to byte `off` of `ll` (or its end). */
static int fail_at(struct parser *ps, const struct lline *ll, size_t off,
		   int code, const char *fmt, ...) CVL_PRINTF(5, 6);

static int fail_at(struct parser *ps, const struct lline *ll, size_t off,
		   int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cvl_error_setv(ps->err, code, fmt, ap);
	va_end(ap);
	if (off < ll->text.len)
		cvl_error_at(ps->err, ll->pos[off].line, ll->pos[off].col);
	else if (ll->text.len)
		cvl_error_at(ps->err, ll->pos[ll->text.len - 1].line,
			     ll->pos[ll->text.len - 1].col + 1);
	return r;
}

static void warn_at(struct parser *ps, const struct lline *ll, size_t off,
		    const char *msg)
{
	struct pep_reqfile *rf = ps->rf;
	struct pep_diag *d;

	ALLOC_GROW(rf->warnings, rf->nwarnings + 1, rf->alloc_warnings);
	d = &rf->warnings[rf->nwarnings++];
	d->line = off < ll->text.len ? ll->pos[off].line : 0;
	d->column = off < ll->text.len ? ll->pos[off].col : 0;
	d->msg = xstrdup(msg);
}

static struct pep_reqfile_entry *add_entry(struct parser *ps,
					   enum pep_reqfile_kind kind,
					   const struct lline *ll, size_t off,
					   const char *value, size_t len)
{
	struct pep_reqfile *rf = ps->rf;
	struct pep_reqfile_entry *e;
	struct pep_requirement empty = PEP_REQUIREMENT_INIT;

	ALLOC_GROW(rf->items, rf->nr + 1, rf->alloc);
	e = &rf->items[rf->nr++];
	e->kind = kind;
	e->line = off < ll->text.len ? ll->pos[off].line : 0;
	e->column = off < ll->text.len ? ll->pos[off].col : 0;
	e->value = value ? xmemdup0(value, len) : NULL;
	e->req = empty;
	return e;
}

/* ---- ${VAR} expansion ---------------------------------------------------- */

static bool is_var_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Expand `in` into `out`; unset variables stay as written. */
static int expand_vars(struct parser *ps, const struct lline *in,
		       struct lline *out)
{
	const char *s = in->text.buf;
	size_t n = in->text.len, i = 0;
	struct strbuf name = STRBUF_INIT;

	lline_reset(out);
	while (i < n) {
		size_t j = i + 2, vlen, k;
		const char *val;

		if (s[i] != '$' || i + 1 >= n || s[i + 1] != '{') {
			lline_add_from(out, in, i, i + 1);
			i++;
			continue;
		}
		while (j < n && is_var_char(s[j]))
			j++;
		if (j == i + 2 || j >= n || s[j] != '}') {
			lline_add_from(out, in, i, i + 1);
			i++;
			continue;
		}
		strbuf_reset(&name);
		strbuf_add(&name, s + i + 2, j - i - 2);
		val = ps->getenv_fn ? ps->getenv_fn(name.buf, ps->getenv_data)
				    : NULL;
		if (!val) {
			lline_add_from(out, in, i, j + 1);
			i = j + 1;
			continue;
		}
		vlen = strlen(val);
		if (out->text.len + vlen + (n - j) > LLINE_MAX) {
			int r = fail_at(ps, in, i, CVL_ETOOBIG,
					"line longer than %u bytes after expanding '${%s}'",
					LLINE_MAX, name.buf);

			strbuf_release(&name);
			return r;
		}
		/* all of the value points at the '$' */
		lline_add(out, val, vlen, in->pos[i].line, in->pos[i].col);
		for (k = 0; k < vlen; k++)
			out->pos[out->text.len - vlen + k] = in->pos[i];
		i = j + 1;
	}
	strbuf_release(&name);
	return 0;
}

/* ---- option words ---------------------------------------------------------- */

static void words_release(struct word *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_release(&w[i].s);
	free(w);
}

/*
 * Split s[from..n) into words like shlex.split(): blanks separate words,
 * '...' is literal, "..." allows \" \\ \$ \` escapes, a backslash outside
 * quotes takes the next byte literally.
 */
static int split_words(struct parser *ps, const struct lline *ll, size_t from,
		       struct word **out, size_t *nout)
{
	const char *s = ll->text.buf;
	size_t n = ll->text.len, i = from, nr = 0, alloc = 0;
	struct word *w = NULL;

	while (i < n) {
		struct word *cur;

		while (i < n && is_space(s[i]))
			i++;
		if (i >= n)
			break;
		ALLOC_GROW(w, nr + 1, alloc);
		cur = &w[nr++];
		strbuf_init(&cur->s, 0);
		cur->off = i;
		while (i < n && !is_space(s[i])) {
			if (s[i] == '\'') {
				size_t q = i++;

				while (i < n && s[i] != '\'')
					strbuf_addch(&cur->s, s[i++]);
				if (i >= n) {
					words_release(w, nr);
					return fail_at(ps, ll, q, CVL_EINVAL,
						       "missing closing quote");
				}
				i++;
				continue;
			}
			if (s[i] == '"') {
				size_t q = i++;

				while (i < n && s[i] != '"') {
					if (s[i] == '\\' && i + 1 < n &&
					    (s[i + 1] == '"' || s[i + 1] == '\\' ||
					     s[i + 1] == '$' || s[i + 1] == '`'))
						i++;
					strbuf_addch(&cur->s, s[i++]);
				}
				if (i >= n) {
					words_release(w, nr);
					return fail_at(ps, ll, q, CVL_EINVAL,
						       "missing closing quote");
				}
				i++;
				continue;
			}
			if (s[i] == '\\' && i + 1 < n)
				i++;
			strbuf_addch(&cur->s, s[i++]);
		}
	}
	*out = w;
	*nout = nr;
	return 0;
}

/* ---- options ------------------------------------------------------------- */

enum opt_id {
	OPT_REQUIREMENT,
	OPT_CONSTRAINT,
	OPT_INDEX_URL,
	OPT_EXTRA_INDEX_URL,
	OPT_FIND_LINKS,
	OPT_NO_INDEX,
	OPT_PRE,
	OPT_NO_BINARY,
	OPT_ONLY_BINARY,
	OPT_EDITABLE,
	OPT_HASH,
	OPT_REQUIRE_HASHES,
	OPT_UNSUPPORTED, /* a pip option cvlock does not implement */
};

static const struct {
	const char *long_name;
	char short_name;
	bool takes_value;
	enum opt_id id;
	bool per_requirement; /* allowed after a requirement */
} options[] = {
	{ "requirement", 'r', true, OPT_REQUIREMENT, false },
	{ "constraint", 'c', true, OPT_CONSTRAINT, false },
	{ "index-url", 'i', true, OPT_INDEX_URL, false },
	{ "extra-index-url", 0, true, OPT_EXTRA_INDEX_URL, false },
	{ "find-links", 'f', true, OPT_FIND_LINKS, false },
	{ "no-index", 0, false, OPT_NO_INDEX, false },
	{ "pre", 0, false, OPT_PRE, false },
	{ "editable", 'e', true, OPT_EDITABLE, false },
	{ "hash", 0, true, OPT_HASH, true },
	{ "require-hashes", 0, false, OPT_REQUIRE_HASHES, false },
	{ "no-binary", 0, true, OPT_NO_BINARY, false },
	{ "only-binary", 0, true, OPT_ONLY_BINARY, false },
	/* pip's other file options: known, so the error says "not supported" */
	{ "trusted-host", 0, true, OPT_UNSUPPORTED, false },
	{ "prefer-binary", 0, false, OPT_UNSUPPORTED, false },
	{ "use-feature", 0, true, OPT_UNSUPPORTED, false },
	{ "global-option", 0, true, OPT_UNSUPPORTED, true },
	{ "config-settings", 0, true, OPT_UNSUPPORTED, true },
	{ "install-option", 0, true, OPT_UNSUPPORTED, true },
};

static int find_option(const char *w, size_t len, size_t *namelen)
{
	size_t i;

	if (len >= 2 && w[0] == '-' && w[1] == '-') {
		const char *eq = memchr(w, '=', len);
		size_t nl = (eq ? (size_t)(eq - w) : len) - 2;

		for (i = 0; i < ARRAY_SIZE(options); i++)
			if (strlen(options[i].long_name) == nl &&
			    !memcmp(options[i].long_name, w + 2, nl)) {
				*namelen = nl + 2;
				return (int)i;
			}
		return -1;
	}
	if (len >= 2 && w[0] == '-')
		for (i = 0; i < ARRAY_SIZE(options); i++)
			if (options[i].short_name &&
			    options[i].short_name == w[1]) {
				*namelen = 2;
				return (int)i;
			}
	return -1;
}

/* The option name as the user wrote it, for messages ("--index-url"). */
static void option_spelling(const struct word *w, size_t namelen,
			    struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_add(out, w->s.buf, namelen);
}

static bool has_nul(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/*
 * Handle the option words w[0..n).  `after_req`: they follow a
 * requirement (only per-requirement options are allowed there).
 */
static int parse_options(struct parser *ps, const struct lline *ll,
			 struct word *w, size_t n, bool after_req)
{
	struct strbuf name = STRBUF_INIT;
	bool warned_hash = false;
	size_t i = 0;
	int r = 0;

	while (i < n) {
		const struct word *cur = &w[i];
		const char *value = NULL;
		size_t vlen = 0, voff = cur->off, namelen = 0;
		int o;

		if (!cur->s.len || cur->s.buf[0] != '-') {
			r = fail_at(ps, ll, cur->off, CVL_EINVAL,
				    "unexpected '%s' after options",
				    cur->s.buf);
			goto out;
		}
		o = find_option(cur->s.buf, cur->s.len, &namelen);
		if (o < 0) {
			const char *eq = memchr(cur->s.buf, '=', cur->s.len);
			size_t nl = eq ? (size_t)(eq - cur->s.buf) : cur->s.len;

			if (cur->s.buf[1] != '-')
				nl = 2;
			r = fail_at(ps, ll, cur->off, CVL_EINVAL,
				    "unknown option '%.*s'", (int)nl,
				    cur->s.buf);
			goto out;
		}
		option_spelling(cur, namelen, &name);
		if (after_req && !options[o].per_requirement) {
			r = fail_at(ps, ll, cur->off, CVL_EINVAL,
				    "option '%s' must be on a line of its own, not after a requirement",
				    name.buf);
			goto out;
		}
		if (options[o].takes_value) {
			if (namelen < cur->s.len) {
				/* --opt=value or -oVALUE */
				size_t skip = cur->s.buf[namelen] == '=' ? 1 : 0;

				if (cur->s.buf[1] != '-')
					skip = 0;
				value = cur->s.buf + namelen + skip;
				vlen = cur->s.len - namelen - skip;
				/* exact unless the option name itself was quoted */
				voff = cur->off + namelen + skip;
			} else if (i + 1 < n) {
				i++;
				value = w[i].s.buf;
				vlen = w[i].s.len;
				voff = w[i].off;
			}
			if (!value || !vlen) {
				r = fail_at(ps, ll, cur->off, CVL_EINVAL,
					    "option '%s' needs a value",
					    name.buf);
				goto out;
			}
			if (has_nul(value, vlen)) {
				r = fail_at(ps, ll, voff, CVL_EINVAL,
					    "NUL byte in the value of option '%s'",
					    name.buf);
				goto out;
			}
		} else if (namelen < cur->s.len) {
			r = fail_at(ps, ll, cur->off, CVL_EINVAL,
				    "option '%s' takes no value", name.buf);
			goto out;
		}

		switch (options[o].id) {
		case OPT_REQUIREMENT:
			add_entry(ps, PEP_REQFILE_INCLUDE, ll, voff, value, vlen);
			break;
		case OPT_CONSTRAINT:
			add_entry(ps, PEP_REQFILE_CONSTRAINT, ll, voff, value,
				  vlen);
			break;
		case OPT_INDEX_URL:
			add_entry(ps, PEP_REQFILE_INDEX_URL, ll, voff, value,
				  vlen);
			break;
		case OPT_EXTRA_INDEX_URL:
			add_entry(ps, PEP_REQFILE_EXTRA_INDEX_URL, ll, voff,
				  value, vlen);
			break;
		case OPT_FIND_LINKS:
			add_entry(ps, PEP_REQFILE_FIND_LINKS, ll, voff, value,
				  vlen);
			break;
		case OPT_NO_INDEX:
			add_entry(ps, PEP_REQFILE_NO_INDEX, ll, cur->off, NULL,
				  0);
			break;
		case OPT_PRE:
			add_entry(ps, PEP_REQFILE_PRE, ll, cur->off, NULL, 0);
			break;
		case OPT_NO_BINARY:
		case OPT_ONLY_BINARY: {
			struct cvl_error ferr = CVL_ERROR_INIT;

			if (pep_format_control_check(value, vlen, &ferr) < 0) {
				r = fail_at(ps, ll, voff, CVL_EINVAL,
					    "invalid value of option '%s': %s",
					    name.buf, ferr.msg);
				cvl_error_hint(ps->err,
					       "expected project names separated by commas, :all: or :none:");
				goto out;
			}
			add_entry(ps, options[o].id == OPT_NO_BINARY
					      ? PEP_REQFILE_NO_BINARY
					      : PEP_REQFILE_ONLY_BINARY,
				  ll, voff, value, vlen);
			break;
		}
		case OPT_EDITABLE:
			r = fail_at(ps, ll, cur->off, CVL_EUNSUPPORTED,
				    "editable requirement '%s %.*s' is not supported",
				    name.buf, (int)vlen, value);
			cvl_error_hint(ps->err,
				       "cvlock locks packages from indexes and URLs; list the project's own dependencies instead");
			goto out;
		case OPT_HASH:
			if (!warned_hash)
				warn_at(ps, ll, cur->off,
					"ignoring --hash (cvlock checks hashes from the index)");
			warned_hash = true;
			break;
		case OPT_REQUIRE_HASHES:
			warn_at(ps, ll, cur->off,
				"ignoring --require-hashes (cvlock always checks hashes)");
			break;
		case OPT_UNSUPPORTED:
			r = fail_at(ps, ll, cur->off, CVL_EUNSUPPORTED,
				    "option '%s' is not supported", name.buf);
			goto out;
		}
		i++;
	}
out:
	strbuf_release(&name);
	return r;
}

/* ---- requirements ------------------------------------------------------ */

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

static bool has_suffix_ci(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix), i;

	if (len < n)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[len - n + i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != suffix[i])
			return false;
	}
	return true;
}

/*
 * A distribution file name such as "foo-1.0-py3-none-any.whl" or
 * "foo-1.0.tar.gz", which pip installs from the working directory although
 * it is also a valid project name.  Only file-name characters count, so
 * that "foo===x.whl" stays a requirement.
 */
static bool is_archive_name(const char *s, size_t len)
{
	static const char *const archives[] = {
		".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz",
		".tar.xz", ".txz", ".tar",
	};
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '+' || c == '!'))
			return false;
	}
	for (i = 0; i < ARRAY_SIZE(archives); i++)
		if (has_suffix_ci(s, len, archives[i]))
			return true;
	return false;
}

/* Text that is no requirement and that pip would take as a local path. */
static bool looks_like_path(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	if (s[0] == '.' || s[0] == '/' || s[0] == '~' || s[0] == '\\')
		return true;
	if (len >= 3 && ((s[0] >= 'A' && s[0] <= 'Z') ||
			 (s[0] >= 'a' && s[0] <= 'z')) &&
	    s[1] == ':' && (s[2] == '\\' || s[2] == '/'))
		return true; /* C:\ */
	/* a separator in the first word: markers may hold anything */
	for (i = 0; i < len; i++)
		if (is_blank(s[i]) || s[i] == ';')
			break;
	len = i;
	if (memchr(s, '@', len))
		return false; /* "name@url" */
	return memchr(s, '/', len) || memchr(s, '\\', len);
}

/* "scheme://" or "vcs+scheme:" at the start: a URL without a name. */
static bool looks_like_url(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
			   (s[i] >= 'A' && s[i] <= 'Z') ||
			   (i && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
				  s[i] == '-' || s[i] == '.'))))
		i++;
	return i > 1 && i + 1 < len && s[i] == ':' &&
	       (has_prefix(s + i, len - i, "://") ||
		has_prefix(s, len, "file:") || memchr(s, '+', i));
}

/*
 * The name of the first "${NAME}" left in s (expansion leaves only unset
 * variables), or NULL; *len gets its length.
 */
static const char *unexpanded_var(const char *s, size_t n, size_t *len)
{
	size_t i, j;

	for (i = 0; i + 2 < n; i++) {
		if (s[i] != '$' || s[i + 1] != '{')
			continue;
		for (j = i + 2; j < n && is_var_char(s[j]); j++)
			;
		if (j > i + 2 && j < n && s[j] == '}') {
			*len = j - i - 2;
			return s + i + 2;
		}
	}
	return NULL;
}

static int local_path_error(struct parser *ps, const struct lline *ll,
			    size_t off, const char *s, size_t len)
{
	int r = fail_at(ps, ll, off, CVL_EUNSUPPORTED,
			"local path requirement '%.*s' is not supported",
			(int)len, s);

	cvl_error_hint(ps->err,
		       "cvlock locks packages from indexes and URLs; publish the package to an index or use --find-links");
	return r;
}

static bool is_file_url(const char *url)
{
	return url && (url[0] == 'f' || url[0] == 'F') &&
	       (url[1] == 'i' || url[1] == 'I') &&
	       (url[2] == 'l' || url[2] == 'L') &&
	       (url[3] == 'e' || url[3] == 'E') && url[4] == ':';
}

/* A wheel (resolve locks a direct reference to one, local or not). */
static bool is_wheel_url(const char *url)
{
	size_t n = strcspn(url, "?#");

	return n >= 4 && !strncasecmp(url + n - 4, ".whl", 4);
}

/*
 * The requirement s[start..end) of `ll`.  pip's order: an archive file
 * name is a local file; anything else is parsed as PEP 508, and only text
 * that does not parse is explained as a URL without a name or a path.
 */
static int parse_requirement(struct parser *ps, const struct lline *ll,
			     size_t start, size_t end)
{
	const char *s = ll->text.buf + start;
	size_t len = end - start;
	struct pep_reqfile_entry *e;
	struct cvl_error perr = CVL_ERROR_INIT;
	const char *var;
	size_t off, varlen;
	int r;

	if (has_nul(s, len))
		return fail_at(ps, ll, start + (size_t)((const char *)memchr(s, '\0', len) - s),
			       CVL_EINVAL, "NUL byte in requirement");
	if (is_archive_name(s, len))
		return local_path_error(ps, ll, start, s, len);

	e = add_entry(ps, PEP_REQFILE_REQUIREMENT, ll, start, s, len);
	r = pep_requirement_parse(&e->req, s, len, &perr);
	if (r == 0 && is_file_url(e->req.url) && !is_wheel_url(e->req.url)) {
		const char *at = memchr(s, '@', len);

		off = at ? (size_t)(at - s) + 1 : 0;
		while (off < len && is_blank(s[off]))
			off++;
		pep_requirement_release(&e->req);
		free(e->value);
		ps->rf->nr--;
		return local_path_error(ps, ll, start + off, s, len);
	}
	if (r == 0)
		return 0;

	pep_requirement_release(&e->req);
	free(e->value);
	ps->rf->nr--;
	if (looks_like_url(s, len)) {
		r = fail_at(ps, ll, start, CVL_EUNSUPPORTED,
			    "requirement '%.*s' has no name", (int)len, s);
		cvl_error_hint(ps->err, "name the package: 'name @ %.*s'",
			       (int)(len > 160 ? 160 : len), s);
		return r;
	}
	if (looks_like_path(s, len))
		return local_path_error(ps, ll, start, s, len);
	off = start;
	if (perr.column > 0 && (size_t)perr.column <= len + 1)
		off = start + (size_t)perr.column - 1;
	r = fail_at(ps, ll, off, perr.code ? perr.code : CVL_EINVAL,
		    "invalid requirement: %s", perr.msg);
	var = unexpanded_var(s, len, &varlen);
	if (var)
		cvl_error_hint(ps->err, "environment variable '%.*s' is not set",
			       (int)varlen, var);
	else if (perr.hint[0])
		cvl_error_hint(ps->err, "%s", perr.hint);
	return r;
}

/* One logical line: stripped, not empty, variables expanded. */
static int parse_line(struct parser *ps, const struct lline *ll)
{
	const char *s = ll->text.buf;
	size_t n = ll->text.len, i, opt_start = n;
	struct word *w = NULL;
	size_t nw = 0;
	int r;

	if (s[0] == '-') {
		r = split_words(ps, ll, 0, &w, &nw);
		if (r < 0)
			return r;
		r = parse_options(ps, ll, w, nw, false);
		words_release(w, nw);
		return r;
	}
	/* pip's break_args_options(): the first blank-separated word starting with '-' */
	for (i = 1; i < n; i++)
		if (is_blank(s[i - 1]) && s[i] == '-') {
			opt_start = i;
			break;
		}
	i = opt_start;
	while (i > 0 && is_space(s[i - 1]))
		i--;
	r = parse_requirement(ps, ll, 0, i);
	if (r < 0 || opt_start == n)
		return r;
	r = split_words(ps, ll, opt_start, &w, &nw);
	if (r < 0)
		return r;
	r = parse_options(ps, ll, w, nw, true);
	words_release(w, nw);
	return r;
}

/* Copy `src` without leading and trailing whitespace into `dst`. */
static void lline_strip(struct lline *dst, const struct lline *src, size_t n)
{
	const char *s = src->text.buf;
	size_t start = 0, end = n;

	while (start < end && is_space(s[start]))
		start++;
	while (end > start && is_space(s[end - 1]))
		end--;
	lline_reset(dst);
	lline_add_from(dst, src, start, end);
}

/*
 * Cut the comment, strip, expand and parse one joined line; `ll` and `tmp`
 * are both scratch space afterwards.
 */
static int process_logical(struct parser *ps, struct lline *ll,
			   struct lline *tmp)
{
	const char *s = ll->text.buf;
	size_t n = ll->text.len, i;
	int r;

	for (i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || is_space(s[i - 1]))) {
			n = i;
			break;
		}
	lline_strip(tmp, ll, n);
	if (!tmp->text.len)
		return 0;
	if (memchr(tmp->text.buf, '$', tmp->text.len)) {
		r = expand_vars(ps, tmp, ll);
		if (r < 0)
			return r;
		lline_strip(tmp, ll, ll->text.len);
		if (!tmp->text.len)
			return 0;
	}
	return parse_line(ps, tmp);
}

static bool is_comment_line(const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[0] == '#')
		return true;
	while (i < n && is_space(s[i]))
		i++;
	return i > 0 && i < n && s[i] == '#';
}

int pep_reqfile_parse(struct pep_reqfile *rf, const char *buf, size_t len,
		      pep_getenv_fn getenv_fn, void *getenv_data,
		      struct cvl_error *err)
{
	struct parser ps = { rf, getenv_fn, getenv_data, err };
	struct lline ll = LLINE_INIT, tmp = LLINE_INIT;
	size_t pos = 0;
	int lineno = 0, r = 0;
	const char *nul;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		pos = 3;
	nul = len > pos ? memchr(buf + pos, '\0', len - pos) : NULL;
	while (pos < len) {
		size_t start = pos, end, n;
		bool comment;

		if (lineno == INT_MAX) {
			r = cvl_error_set(err, CVL_ETOOBIG, "too many lines");
			goto out;
		}
		lineno++;
		while (pos < len && buf[pos] != '\n' && buf[pos] != '\r')
			pos++;
		end = pos;
		if (pos < len && buf[pos] == '\r')
			pos++;
		if (pos < len && buf[pos] == '\n' &&
		    (pos == end || buf[pos - 1] == '\r'))
			pos++;
		if (nul && nul >= buf + start && nul < buf + end) {
			cvl_error_set(err, CVL_EINVAL, "NUL byte in the file");
			cvl_error_at(err, lineno, (int)(nul - (buf + start)) + 1);
			r = -CVL_EINVAL;
			goto out;
		}
		n = end - start;
		if (ll.text.len + n > LLINE_MAX) {
			cvl_error_set(err, CVL_ETOOBIG,
				      "line longer than %u bytes", LLINE_MAX);
			cvl_error_at(err, lineno, 1);
			r = -CVL_ETOOBIG;
			goto out;
		}
		comment = is_comment_line(buf + start, n);
		if (n && buf[end - 1] == '\\' && !comment) {
			size_t k = n;

			while (k > 0 && buf[start + k - 1] == '\\')
				k--;
			lline_add(&ll, buf + start, k, lineno, 1);
			continue;
		}
		if (comment && ll.text.len)
			/* pip prefixes a space so that the comment is cut later */
			lline_add(&ll, " ", 1, lineno, 1);
		lline_add(&ll, buf + start, n, lineno, 1);
		r = process_logical(&ps, &ll, &tmp);
		if (r < 0)
			goto out;
		lline_reset(&ll);
	}
	if (ll.text.len)
		r = process_logical(&ps, &ll, &tmp);
out:
	lline_release(&ll);
	lline_release(&tmp);
	return r;
}

void pep_reqfile_release(struct pep_reqfile *rf)
{
	size_t i;

	for (i = 0; i < rf->nr; i++) {
		free(rf->items[i].value);
		pep_requirement_release(&rf->items[i].req);
	}
	free(rf->items);
	for (i = 0; i < rf->nwarnings; i++)
		free(rf->warnings[i].msg);
	free(rf->warnings);
	memset(rf, 0, sizeof(*rf));
}

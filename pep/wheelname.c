/*
 * wheelname.c - wheel (PEP 427) and sdist file names, after packaging's
 * parse_wheel_filename() and parse_sdist_filename().
 *
 * A wheel name is "name-version(-build)?-interp-abi-plat.whl": 4 or 5
 * dashes in the stem, so neither the name nor the version may contain one.
 * The checks run in packaging's order (name, version, build, tags), which
 * decides which problem an error message names.
 */
#include "pep/internal.h"

static int fname_error(struct cvl_error *err, const char *kind,
		       const char *filename, size_t len, const char *fmt, ...)
	CVL_PRINTF(5, 6);

/* "invalid wheel filename 'X': <what>" */
static int fname_error(struct cvl_error *err, const char *kind,
		       const char *filename, size_t len, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	int r;

	strbuf_addf(&msg, "invalid %s filename ", kind);
	pep__msg_quote(&msg, filename, len);
	strbuf_addstr(&msg, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	r = cvl_error_set(err, CVL_EINVAL, "%s", msg.buf);
	strbuf_release(&msg);
	return r;
}

/*
 * No file system allows NUL in a name, and the parts are returned as C
 * strings, so NUL is refused outright (packaging, on Python strings, would
 * carry it along).
 */
static int nul_error(struct cvl_error *err, const char *kind,
		     const char *filename, size_t len)
{
	const char *nul = memchr(filename, '\0', len);

	return fname_error(err, kind, filename, len,
			   "NUL byte at column %zu", (size_t)(nul - filename) + 1);
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/*
 * PEP 427 escaped project name: Python's ^[\w._]+\Z (Unicode \w, see
 * pep__unicode_is_alnum) without "__".
 */
static bool wheel_name_ok(const char *s, size_t len)
{
	size_t i = 0;

	if (!len)
		return false;
	while (i < len) {
		uint32_t cp;
		size_t n = pep__utf8_decode(s + i, len - i, &cp);

		if (!n)
			return false;
		if (cp == '_' && i + 1 < len && s[i + 1] == '_')
			return false;
		if (cp != '_' && cp != '.' && !pep__unicode_is_alnum(cp))
			return false;
		i += n;
	}
	return true;
}

void pep_wheelname_release(struct pep_wheelname *w)
{
	free(w->name);
	pep_version_release(&w->version);
	free(w->build_tag);
	strvec_clear(&w->tags);
	free(w->build_big);
	w->name = NULL;
	w->has_build = false;
	memset(&w->build_num, 0, sizeof(w->build_num));
	w->build_tag = NULL;
	w->build_big = NULL;
}

/*
 * Build tag: ASCII digits, then any suffix (packaging's (\d+)(.*), whose
 * '.' stops at a newline, so the suffix does too).
 */
static int parse_build(struct pep_wheelname *w, const char *b, size_t blen)
{
	size_t nd = 0, start, i;
	const char *nl;

	while (nd < blen && b[nd] >= '0' && b[nd] <= '9')
		nd++;
	if (!nd)
		return -1;
	start = 0;
	while (start + 1 < nd && b[start] == '0')
		start++;
	w->build_num.value = 0;
	w->build_num.digits = NULL;
	w->build_num.ndigits = 0;
	for (i = start; i < nd; i++) {
		uint64_t d = (uint64_t)(b[i] - '0');

		if (w->build_num.value > (UINT64_MAX - d) / 10) {
			/* Beyond 64 bits: keep the digits, as pep_num does. */
			w->build_big = xmemdup0(b + start, nd - start);
			w->build_num.value = UINT64_MAX;
			w->build_num.digits = w->build_big;
			w->build_num.ndigits = nd - start;
			break;
		}
		w->build_num.value = w->build_num.value * 10 + d;
	}
	nl = memchr(b + nd, '\n', blen - nd);
	w->build_tag = xmemdup0(b + nd, (size_t)((nl ? nl : b + blen) - (b + nd)));
	w->has_build = true;
	return 0;
}

int pep_wheelname_parse(struct pep_wheelname *w, const char *filename,
			size_t len, bool validate_order, struct cvl_error *err)
{
	const char *stem = filename, *dash[5], *p, *end;
	size_t stemlen, ndash = 0, i;
	struct strbuf sb = STRBUF_INIT;
	struct strvec tags = STRVEC_INIT;
	const char *tagstr;
	int r;

	pep_wheelname_release(w);
	if (memchr(filename, '\0', len))
		return nul_error(err, "wheel", filename, len);
	if (!ends_with(filename, len, ".whl"))
		return fname_error(err, "wheel", filename, len,
				   "expected the extension '.whl'");
	stemlen = len - 4;
	end = stem + stemlen;
	for (p = stem; p < end; p++) {
		if (*p != '-')
			continue;
		if (ndash < ARRAY_SIZE(dash))
			dash[ndash] = p;
		ndash++;
	}
	if (ndash != 4 && ndash != 5)
		return fname_error(err, "wheel", filename, len,
				   "expected 5 or 6 dash-separated parts, got %zu",
				   ndash + 1);

	if (!wheel_name_ok(stem, (size_t)(dash[0] - stem))) {
		strbuf_addstr(&sb, "invalid project name ");
		pep__msg_quote(&sb, stem, (size_t)(dash[0] - stem));
		r = fname_error(err, "wheel", filename, len, "%s", sb.buf);
		goto fail;
	}
	pep_name_canonicalize(stem, (size_t)(dash[0] - stem), &sb);
	w->name = strbuf_detach(&sb, NULL);

	if (pep_version_parse(&w->version, dash[0] + 1,
			      (size_t)(dash[1] - dash[0] - 1), NULL)) {
		strbuf_addstr(&sb, "invalid version ");
		pep__msg_quote(&sb, dash[0] + 1, (size_t)(dash[1] - dash[0] - 1));
		r = fname_error(err, "wheel", filename, len, "%s", sb.buf);
		goto fail;
	}

	if (ndash == 5) {
		if (parse_build(w, dash[1] + 1, (size_t)(dash[2] - dash[1] - 1))) {
			strbuf_addstr(&sb, "invalid build number ");
			pep__msg_quote(&sb, dash[1] + 1,
				       (size_t)(dash[2] - dash[1] - 1));
			strbuf_addstr(&sb, " (it must start with a digit)");
			r = fname_error(err, "wheel", filename, len, "%s", sb.buf);
			goto fail;
		}
		tagstr = dash[2] + 1;
	} else {
		w->build_tag = xstrdup("");
		tagstr = dash[1] + 1;
	}

	if (pep__tag_expand(tagstr, (size_t)(end - tagstr), validate_order,
			    &tags, &sb)) {
		r = fname_error(err, "wheel", filename, len, "%s", sb.buf);
		goto fail;
	}
	pep__strvec_sort_unique(&tags);
	for (i = 0; i < tags.nr; i++)
		strvec_push(&w->tags, tags.v[i]);
	strvec_clear(&tags);
	strbuf_release(&sb);
	return 0;

fail:
	strvec_clear(&tags);
	strbuf_release(&sb);
	pep_wheelname_release(w);
	return r;
}

int pep_sdistname_parse(const char *filename, size_t len,
			struct strbuf *name_out, struct pep_version *version_out,
			struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t stemlen;
	const char *dash = NULL, *p;
	int r;

	if (memchr(filename, '\0', len))
		return nul_error(err, "sdist", filename, len);
	if (ends_with(filename, len, ".tar.gz"))
		stemlen = len - 7;
	else if (ends_with(filename, len, ".zip"))
		stemlen = len - 4;
	else
		return fname_error(err, "sdist", filename, len,
				   "expected the extension '.tar.gz' or '.zip'");

	/* A PEP 440 version has no dash: split on the last one. */
	for (p = filename; p < filename + stemlen; p++)
		if (*p == '-')
			dash = p;
	if (!dash)
		return fname_error(err, "sdist", filename, len,
				   "expected a dash between name and version");
	if (dash == filename)
		return fname_error(err, "sdist", filename, len,
				   "empty project name");
	if (pep_version_parse(version_out, dash + 1,
			      (size_t)(filename + stemlen - dash - 1), NULL)) {
		strbuf_addstr(&sb, "invalid version ");
		pep__msg_quote(&sb, dash + 1,
			       (size_t)(filename + stemlen - dash - 1));
		r = fname_error(err, "sdist", filename, len, "%s", sb.buf);
		strbuf_release(&sb);
		return r;
	}
	pep_name_canonicalize(filename, (size_t)(dash - filename), name_out);
	return 0;
}

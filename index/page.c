/*
 * page.c - what the JSON and HTML page parsers share: the page's
 * lifecycle, files and their kinds, hashes, messages.
 */
#include "index/internal.h"

#include <strings.h>

static const struct {
	const char *name;
	size_t hexlen;
} hash_algs[IDX_HASH_NALGS] = {
	[IDX_HASH_SHA256] = { "sha256", 64 },
	[IDX_HASH_SHA384] = { "sha384", 96 },
	[IDX_HASH_SHA512] = { "sha512", 128 },
	[IDX_HASH_MD5] = { "md5", 32 },
};

int idx__hash_alg_from_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < IDX_HASH_NALGS; i++)
		if (strlen(hash_algs[i].name) == len &&
		    !strncasecmp(hash_algs[i].name, name, len))
			return i;
	return -1;
}

const char *idx__hash_alg_name(enum idx_hash_alg alg)
{
	if ((int)alg < 0 || alg >= IDX_HASH_NALGS)
		BUG("hash algorithm %d", (int)alg);
	return hash_algs[alg].name;
}

void idx__msg_quote(struct strbuf *out, const char *s, size_t len)
{
	size_t i, n = len > 80 ? 80 : len;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addch(out, c);
	}
	if (n < len)
		strbuf_addstr(out, "...");
}

int idx__hash_add(struct arena *a, struct idx_hash *hashes, size_t *nhashes,
		  enum idx_hash_alg alg, const char *hex, size_t len,
		  struct cvl_error *err)
{
	char lower[129];
	size_t i, want = hash_algs[alg].hexlen;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)hex[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			break;
	}
	if (len != want || i != len) {
		struct strbuf q = STRBUF_INIT;
		int r;

		idx__msg_quote(&q, hex, len);
		r = cvl_error_set(err, CVL_EINVAL,
				  "expected %zu hex digits for %s, got '%s'",
				  want, hash_algs[alg].name, q.buf);
		strbuf_release(&q);
		return r;
	}
	for (i = 0; i < len; i++) {
		int c = (unsigned char)hex[i];

		lower[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	lower[len] = '\0';
	for (i = 0; i < *nhashes; i++) {
		if (hashes[i].alg != alg)
			continue;
		if (strcmp(hashes[i].hex, lower))
			return cvl_error_set(err, CVL_EINVAL,
					     "two different %s hashes '%s' and '%s'",
					     hash_algs[alg].name, hashes[i].hex,
					     lower);
		return 0;
	}
	if (*nhashes >= IDX_HASH_NALGS)
		BUG("more hashes than algorithms");
	hashes[*nhashes].alg = alg;
	hashes[*nhashes].hex = arena_strndup(a, lower, len);
	(*nhashes)++;
	return 0;
}

int idx__file_add_fragment_hashes(struct idx_page *page, struct idx_file *f,
				  struct cvl_str fragment,
				  struct cvl_error *err)
{
	int alg;

	for (alg = 0; alg < IDX_HASH_NALGS; alg++) {
		struct cvl_str v;
		int r;

		if (!url_fragment_get(fragment, hash_algs[alg].name, &v))
			continue;
		r = idx__hash_add(&page->arena, f->hashes, &f->nhashes,
				  (enum idx_hash_alg)alg, v.p, v.len, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int idx__page_error(struct cvl_error *err, int code, const char *url,
		    const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int r;

	strbuf_addstr(&sb, "invalid project page '");
	url_redact(url ? url : "", &sb);
	strbuf_addstr(&sb, "': ");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	r = cvl_error_set(err, code, "%s", sb.buf);
	strbuf_release(&sb);
	return r;
}

void idx_page_release(struct idx_page *page)
{
	size_t i;

	for (i = 0; i < page->nparsed; i++)
		pep_version_release(page->parsed[i]);
	free(page->parsed);
	page->parsed = NULL;
	page->nparsed = 0;
	page->alloc_parsed = 0;
	free(page->files);
	free(page->blob);
	page->blob = NULL;
	arena_release(&page->arena);
	page->name = NULL;
	page->url = NULL;
	page->files = NULL;
	page->nfiles = 0;
	page->alloc_files = 0;
	page->versions = NULL;
	page->nversions = 0;
}

void idx__page_begin(struct idx_page *page, const char *name,
		     const char *base_url)
{
	idx_page_release(page);
	if (name) {
		struct strbuf sb = STRBUF_INIT;

		pep_name_canonicalize(name, strlen(name), &sb);
		page->name = arena_strndup(&page->arena, sb.buf, sb.len);
		strbuf_release(&sb);
	}
	page->url = arena_strndup(&page->arena, base_url, strlen(base_url));
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/*
 * An sdist whose name has a dash in its version ("foo-1.0-1.tar.gz", an
 * old implicit post release) does not split on the last dash; knowing the
 * project, split where the canonical prefix is its name (as pip does).
 */
static bool sdist_split_by_name(const char *fn, size_t stemlen,
				const char *name, struct pep_version *v)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	bool ok = false;

	for (i = 1; i < stemlen && !ok; i++) {
		if (fn[i] != '-')
			continue;
		strbuf_reset(&sb);
		pep_name_canonicalize(fn, i, &sb);
		if (strcmp(sb.buf, name))
			continue;
		ok = !pep_version_parse(v, fn + i + 1, stemlen - i - 1, NULL);
	}
	strbuf_release(&sb);
	return ok;
}

/* How many of the page's latest versions and wheels a new file may share. */
#define SHARE_WINDOW 8

/*
 * Point `f` at version `v` (canonical string `str`): the page's version
 * of that string when one of the latest has it (the files of a version
 * are usually listed together), else a copy of `v` owned by the page.
 */
static void set_version(struct idx_page *page, struct idx_file *f,
			const struct pep_version *v)
{
	struct strbuf sb = STRBUF_INIT;
	struct pep_version *nv;
	size_t i, seen = 0;

	pep_version_format(v, &sb);
	for (i = page->nfiles; i-- > 0 && seen < SHARE_WINDOW;) {
		const struct idx_file *o = &page->files[i];

		if (!o->version || o == f)
			continue;
		seen++;
		if (!strcmp(o->version_str, sb.buf)) {
			f->version = o->version;
			f->version_str = o->version_str;
			strbuf_release(&sb);
			return;
		}
	}
	nv = arena_alloc(&page->arena, sizeof(*nv));
	*nv = (struct pep_version)PEP_VERSION_INIT;
	pep_version_copy(nv, v);
	ALLOC_GROW(page->parsed, page->nparsed + 1, page->alloc_parsed);
	page->parsed[page->nparsed++] = nv;
	f->version = nv;
	f->version_str = arena_strndup(&page->arena, sb.buf, sb.len);
	strbuf_release(&sb);
}

static bool same_tags(const struct idx_wheel *w, const char *const *tags,
		      size_t n)
{
	size_t i;

	if (w->tags.nr != n)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(w->tags.v[i], tags[i]))
			return false;
	return true;
}

/*
 * The compact wheel of `f` (name f->name): one of the page's latest
 * wheels when it has the same name and tags, else a new one whose tag
 * strings are shared with those wheels where possible.
 */
static void set_wheel(struct idx_page *page, struct idx_file *f,
		      const char *const *tags, size_t n)
{
	struct idx_wheel *w;
	const struct idx_wheel *recent[SHARE_WINDOW];
	const char **v;
	size_t i, j, k, nrecent = 0;

	for (i = page->nfiles; i-- > 0 && nrecent < SHARE_WINDOW;) {
		const struct idx_file *o = &page->files[i];

		if (!o->wheel || o == f)
			continue;
		if (same_tags(o->wheel, tags, n) &&
		    !strcmp(o->wheel->name, f->name)) {
			f->wheel = o->wheel;
			return;
		}
		recent[nrecent++] = o->wheel;
	}
	w = arena_alloc(&page->arena, sizeof(*w));
	w->name = f->name;
	v = arena_alloc(&page->arena, (n ? n : 1) * sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i] = NULL;
		for (j = 0; j < nrecent && !v[i]; j++)
			for (k = 0; k < recent[j]->tags.nr && !v[i]; k++)
				if (!strcmp(recent[j]->tags.v[k], tags[i]))
					v[i] = recent[j]->tags.v[k];
		if (!v[i])
			v[i] = arena_strndup(&page->arena, tags[i],
					     strlen(tags[i]));
	}
	w->tags.v = v;
	w->tags.nr = n;
	f->wheel = w;
}

/* The page's copy of canonical name `name`: its own name when equal. */
static const char *page_name_str(struct idx_page *page, const char *name,
				 size_t len)
{
	if (page->name && strlen(page->name) == len &&
	    !memcmp(page->name, name, len))
		return page->name;
	return arena_strndup(&page->arena, name, len);
}

static void classify(struct idx_page *page, struct idx_file *f,
		     const char *fn, size_t len)
{
	struct strbuf name = STRBUF_INIT;
	struct pep_version v = PEP_VERSION_INIT;
	size_t stemlen = 0;

	if (memchr(fn, '\0', len))
		return;
	if (ends_with(fn, len, ".whl")) {
		struct pep_wheelname w = PEP_WHEELNAME_INIT;

		if (pep_wheelname_parse(&w, fn, len, false, NULL) ||
		    (page->name && strcmp(w.name, page->name))) {
			pep_wheelname_release(&w);
			return;
		}
		f->kind = IDX_FILE_WHEEL;
		f->name = page_name_str(page, w.name, strlen(w.name));
		set_version(page, f, &w.version);
		set_wheel(page, f, (const char *const *)w.tags.v, w.tags.nr);
		pep_wheelname_release(&w);
		return;
	}
	if (ends_with(fn, len, ".tar.gz"))
		stemlen = len - 7;
	else if (ends_with(fn, len, ".zip"))
		stemlen = len - 4;
	else
		return;
	if (pep_sdistname_parse(fn, len, &name, &v, NULL) == 0 &&
	    (!page->name || !strcmp(name.buf, page->name))) {
		f->kind = IDX_FILE_SDIST;
		f->name = page_name_str(page, name.buf, name.len);
	} else {
		pep_version_release(&v);
		if (page->name &&
		    sdist_split_by_name(fn, stemlen, page->name, &v)) {
			f->kind = IDX_FILE_SDIST;
			f->name = page->name;
		}
	}
	strbuf_release(&name);
	if (f->kind == IDX_FILE_SDIST)
		set_version(page, f, &v);
	pep_version_release(&v);
}

void idx__page_reserve(struct idx_page *page, size_t n)
{
	if (page->nfiles + n <= page->alloc_files)
		return;
	page->alloc_files = page->nfiles + n;
	page->files = xrealloc(page->files,
			       page->alloc_files * sizeof(*page->files));
}

struct idx_file *idx__page_add_file(struct idx_page *page,
				    const char *filename, size_t filename_len,
				    const char *url, size_t url_len)
{
	struct idx_file *f;
	const char *hash = memchr(url, '#', url_len);

	if (hash)
		url_len = (size_t)(hash - url);
	ALLOC_GROW(page->files, page->nfiles + 1, page->alloc_files);
	f = &page->files[page->nfiles++];
	memset(f, 0, sizeof(*f));
	f->url = arena_strndup(&page->arena, url, url_len);
	/* the URL's last segment is usually the file name: share it */
	if (url_len > filename_len && url[url_len - filename_len - 1] == '/' &&
	    !memcmp(url + url_len - filename_len, filename, filename_len))
		f->filename = f->url + url_len - filename_len;
	else
		f->filename = arena_strndup(&page->arena, filename,
					    filename_len);
	f->kind = IDX_FILE_OTHER;
	f->upload_time = -1;
	f->size = -1;
	classify(page, f, filename, filename_len);
	return f;
}

static const char *copy_str(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

struct idx_file *idx__page_copy_file(struct idx_page *page,
				     const struct idx_file *f)
{
	struct idx_file *nf;
	size_t i;

	ALLOC_GROW(page->files, page->nfiles + 1, page->alloc_files);
	nf = &page->files[page->nfiles++];
	*nf = *f;
	nf->filename = copy_str(&page->arena, f->filename);
	nf->url = copy_str(&page->arena, f->url);
	nf->name = f->name ? page_name_str(page, f->name, strlen(f->name))
			   : NULL;
	nf->requires_python = copy_str(&page->arena, f->requires_python);
	nf->yanked_reason = copy_str(&page->arena, f->yanked_reason);
	for (i = 0; i < f->nhashes; i++)
		nf->hashes[i].hex = copy_str(&page->arena, f->hashes[i].hex);
	for (i = 0; i < f->nmetadata_hashes; i++)
		nf->metadata_hashes[i].hex =
			copy_str(&page->arena, f->metadata_hashes[i].hex);
	nf->version = NULL;
	nf->version_str = NULL;
	nf->wheel = NULL;
	if (f->version)
		set_version(page, nf, f->version);
	else
		nf->version_str = copy_str(&page->arena, f->version_str);
	if (f->wheel)
		set_wheel(page, nf, f->wheel->tags.v, f->wheel->tags.nr);
	return nf;
}

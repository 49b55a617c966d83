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

int idx__hash_add(struct idx_hash *hashes, size_t *nhashes,
		  enum idx_hash_alg alg, const char *hex, size_t len,
		  struct cvl_error *err)
{
	struct idx_hash h;
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
	h.alg = alg;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)hex[i];

		h.hex[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	h.hex[len] = '\0';
	for (i = 0; i < *nhashes; i++) {
		if (hashes[i].alg != alg)
			continue;
		if (strcmp(hashes[i].hex, h.hex))
			return cvl_error_set(err, CVL_EINVAL,
					     "two different %s hashes '%s' and '%s'",
					     hash_algs[alg].name, hashes[i].hex,
					     h.hex);
		return 0;
	}
	if (*nhashes >= IDX_HASH_NALGS)
		BUG("more hashes than algorithms");
	hashes[(*nhashes)++] = h;
	return 0;
}

int idx__file_add_fragment_hashes(struct idx_file *f, struct cvl_str fragment,
				  struct cvl_error *err)
{
	int alg;

	for (alg = 0; alg < IDX_HASH_NALGS; alg++) {
		struct cvl_str v;
		int r;

		if (!url_fragment_get(fragment, hash_algs[alg].name, &v))
			continue;
		r = idx__hash_add(f->hashes, &f->nhashes, (enum idx_hash_alg)alg,
				  v.p, v.len, err);
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

	for (i = 0; i < page->nfiles; i++) {
		struct idx_file *f = &page->files[i];

		pep_version_release(&f->version);
		if (f->wheel) {
			pep_wheelname_release(f->wheel);
			free(f->wheel);
		}
	}
	free(page->files);
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

static void set_version_str(struct idx_page *page, struct idx_file *f)
{
	struct strbuf sb = STRBUF_INIT;

	pep_version_format(&f->version, &sb);
	f->version_str = arena_strndup(&page->arena, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void classify(struct idx_page *page, struct idx_file *f,
		     const char *fn, size_t len)
{
	struct strbuf name = STRBUF_INIT;
	size_t stemlen = 0;

	if (memchr(fn, '\0', len))
		return;
	if (ends_with(fn, len, ".whl")) {
		struct pep_wheelname *w = xmalloc(sizeof(*w));
		struct pep_wheelname init = PEP_WHEELNAME_INIT;

		*w = init;
		if (pep_wheelname_parse(w, fn, len, false, NULL) ||
		    (page->name && strcmp(w->name, page->name))) {
			pep_wheelname_release(w);
			free(w);
			return;
		}
		f->kind = IDX_FILE_WHEEL;
		f->wheel = w;
		f->name = arena_strndup(&page->arena, w->name, strlen(w->name));
		pep_version_copy(&f->version, &w->version);
		set_version_str(page, f);
		return;
	}
	if (ends_with(fn, len, ".tar.gz"))
		stemlen = len - 7;
	else if (ends_with(fn, len, ".zip"))
		stemlen = len - 4;
	else
		return;
	if (pep_sdistname_parse(fn, len, &name, &f->version, NULL) == 0 &&
	    (!page->name || !strcmp(name.buf, page->name))) {
		f->kind = IDX_FILE_SDIST;
		f->name = arena_strndup(&page->arena, name.buf, name.len);
	} else {
		pep_version_release(&f->version);
		if (page->name &&
		    sdist_split_by_name(fn, stemlen, page->name, &f->version)) {
			f->kind = IDX_FILE_SDIST;
			f->name = page->name;
		}
	}
	strbuf_release(&name);
	if (f->kind == IDX_FILE_SDIST)
		set_version_str(page, f);
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
	f->filename = arena_strndup(&page->arena, filename, filename_len);
	f->url = arena_strndup(&page->arena, url, url_len);
	f->kind = IDX_FILE_OTHER;
	f->upload_time = -1;
	f->size = -1;
	classify(page, f, filename, filename_len);
	return f;
}

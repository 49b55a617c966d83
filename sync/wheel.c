/*
 * wheel.c - unpacking a wheel into the cache (sync_wheel_unpack), every
 * entry checked before anything is written.
 *
 * The zip is read through libarchive's seekable reader, so entries come
 * from the central directory as Python's zipfile sees them (a local
 * header that says something else does not matter).  Two passes:
 *
 *  1. the entry list: every name is checked and normalized ("./" and
 *     empty components dropped) and refused when it is absolute (also
 *     "C:" and "\"), has a ".." component, a control character or a
 *     backslash, or is a symbolic link, a hard link, a device, a FIFO or
 *     a socket; names that collide (the same after normalization, the
 *     same after ASCII case folding, or a file that is also a directory
 *     of another entry) are refused, as are more than MAX_ENTRIES
 *     entries or more than MAX_TOTAL bytes.  The single top-level
 *     *.dist-info directory must hold WHEEL (with Wheel-Version 1.x) and
 *     RECORD; both are read in this pass.
 *  2. extraction into a temporary sibling of `dest` (mkdtemp), with each
 *     file's bytes counted and hashed as they are written and compared
 *     with RECORD (hash and size) when RECORD lists the file; then one
 *     rename() to `dest`.  Any failure removes the temporary directory:
 *     `dest` either does not exist or is complete.
 *
 * A wheel's RECORD may leave a file out (it is still unpacked; the RECORD
 * that install writes lists what was installed) and may list files that
 * are not there; a hash with another algorithm than sha256, sha384 or
 * sha512 is refused (the wheel spec forbids md5 and sha1).
 */
#include "config.h"
#include "sync/sync.h"
#include "sync/internal.h"
#include "sync/wheel_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#define MAX_ENTRIES 500000
#define MAX_TOTAL ((int64_t)8 << 30) /* uncompressed bytes of a wheel */
#define MAX_NAME 4096
#define MAX_META (64 << 20) /* WHEEL and RECORD */

struct wentry {
	char *name;   /* normalized */
	char *folded; /* ASCII lowercase of name */
	bool dir;
	int64_t size; /* from the central directory, -1 unknown */
	unsigned mode;
};

struct unpack {
	const char *whl;
	const char *base; /* the wheel's file name, for messages */
	struct wentry *e;
	size_t n, alloc;
	char *dist_info; /* top-level NAME-VERSION.dist-info (normalized) */
	struct strbuf wheel_meta;
	struct strbuf record_text;
	struct sync_record record;
	/* record entries sorted by normalized path, for bsearch */
	struct sync_record_entry **rsorted;
	size_t nrsorted;
};

static int fail(struct unpack *u, struct cvl_error *err, int code,
		const char *fmt, ...) CVL_PRINTF(4, 5);

static int fail(struct unpack *u, struct cvl_error *err, int code,
		const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	code = cvl_error_set(err, code, "cannot unpack '%s': %s", u->base,
			     msg.buf);
	strbuf_release(&msg);
	return code;
}

/*
 * Normalize an entry name into `out`: drop "." and empty components and
 * a trailing '/', refuse what cannot be a relative path inside the
 * wheel.  Returns NULL, or the reason the name is refused.
 */
static const char *normalize_name(const char *raw, struct strbuf *out)
{
	const char *p = raw, *q;
	size_t i;

	if (!*raw)
		return "is empty";
	if (strlen(raw) > MAX_NAME)
		return "is too long";
	for (i = 0; raw[i]; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c < 0x20 || c == 0x7f)
			return "has a control character in its name";
		if (c == '\\')
			return "has a backslash in its name";
	}
	if (raw[0] == '/')
		return "has an absolute path";
	if (((raw[0] >= 'a' && raw[0] <= 'z') ||
	     (raw[0] >= 'A' && raw[0] <= 'Z')) && raw[1] == ':')
		return "has an absolute path";
	while (*p) {
		size_t len;

		q = strchr(p, '/');
		len = q ? (size_t)(q - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return "has a '..' component";
		if (len > 255)
			return "has a path component longer than 255 bytes";
		if (len && !(len == 1 && p[0] == '.')) {
			if (out->len)
				strbuf_addch(out, '/');
			strbuf_add(out, p, len);
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return NULL;
}

static char *fold(const char *s)
{
	char *f = xstrdup(s);
	char *p;

	for (p = f; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return f;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_record(const void *a, const void *b)
{
	const struct sync_record_entry *x = *(struct sync_record_entry *const *)a;
	const struct sync_record_entry *y = *(struct sync_record_entry *const *)b;

	return strcmp(x->path, y->path);
}

static void unpack_release(struct unpack *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		free(u->e[i].name);
		free(u->e[i].folded);
	}
	free(u->e);
	free(u->dist_info);
	strbuf_release(&u->wheel_meta);
	strbuf_release(&u->record_text);
	sync_record_release(&u->record);
	free(u->rsorted);
}

static int open_wheel(struct unpack *u, struct archive **out,
		      struct cvl_error *err)
{
	struct archive *a = archive_read_new();
	int ret;

	if (!a)
		BUG("archive_read_new failed");
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_filename(a, u->whl, 65536) != ARCHIVE_OK) {
		ret = fail(u, err,
			   archive_errno(a) == ENOENT ? CVL_ENOTFOUND
						      : CVL_EINVAL,
			   "%s", archive_error_string(a)
					 ? archive_error_string(a)
					 : "not a zip file");
		archive_read_free(a);
		return ret;
	}
	*out = a;
	return 0;
}

static const char *entry_name(struct archive_entry *ae)
{
	const char *name = archive_entry_pathname_utf8(ae);

	return name ? name : archive_entry_pathname(ae);
}

/* Read the current entry's data into `sb` (at most `max` bytes). */
static int read_small(struct unpack *u, struct archive *a, const char *name,
		      struct strbuf *sb, size_t max, struct cvl_error *err)
{
	char buf[16384];

	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));

		if (n < 0)
			return fail(u, err, CVL_EINVAL, "entry '%s': %s", name,
				    archive_error_string(a));
		if (!n)
			return 0;
		if (sb->len + (size_t)n > max)
			return fail(u, err, CVL_ETOOBIG,
				    "entry '%s' is larger than %zu bytes", name,
				    max);
		strbuf_add(sb, buf, (size_t)n);
	}
}

/* Wheel-Version from WHEEL: "1.0"; only major version 1 is read. */
static int check_wheel_version(struct unpack *u, struct cvl_error *err)
{
	const char *p = u->wheel_meta.buf;
	static const char key[] = "wheel-version:";

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len >= sizeof(key) - 1 &&
		    !strncasecmp(p, key, sizeof(key) - 1)) {
			const char *v = p + sizeof(key) - 1;
			long major = 0;
			bool digits = false;

			while (*v == ' ' || *v == '\t')
				v++;
			while (*v >= '0' && *v <= '9') {
				digits = true;
				if (major < 1000)
					major = major * 10 + (*v - '0');
				v++;
			}
			if (!digits || (*v != '.' && *v != '\r' && *v != '\n' &&
					*v != '\0' && *v != ' '))
				return fail(u, err, CVL_EINVAL,
					    "'%s/WHEEL' has an invalid Wheel-Version",
					    u->dist_info);
			if (major != 1)
				return fail(u, err, CVL_EUNSUPPORTED,
					    "Wheel-Version %ld is not supported (cvlock reads 1.x)",
					    major);
			return 0;
		}
		p += len;
		if (*p)
			p++;
	}
	return fail(u, err, CVL_EINVAL, "'%s/WHEEL' has no Wheel-Version",
		    u->dist_info);
}

static int pread_all(int fd, unsigned char *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/*
 * The file types of the central directory's entries, read by hand:
 * libarchive reads a FIFO entry as a regular file.  An entry made on
 * Unix ("version made by" 3) carries its st_mode in the high half of
 * its external attributes; only files, directories and symbolic links
 * (refused later, with the others) may pass.  Also counts the entries,
 * which must be as many as libarchive reads.
 */
static int check_cd_types(struct unpack *u, size_t *count,
			  struct cvl_error *err)
{
	unsigned char *tail = NULL, *cd = NULL;
	uint64_t cd_off = 0, cd_size = 0;
	struct cvl_error zerr = CVL_ERROR_INIT;
	struct stat st;
	size_t tlen, pos;
	int fd, ret = 0;

	*count = 0;
	fd = open(u->whl, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		ret = fail(u, err, errno == ENOENT ? CVL_ENOTFOUND : CVL_EIO,
			   "%s", strerror(errno));
		goto out;
	}
	tlen = (uint64_t)st.st_size < 65536 + 22 + 20 + 56
		       ? (size_t)st.st_size
		       : 65536 + 22 + 20 + 56;
	tail = xmalloc(tlen ? tlen : 1);
	if (pread_all(fd, tail, tlen, (uint64_t)st.st_size - tlen)) {
		ret = fail(u, err, CVL_EIO, "%s", strerror(errno));
		goto out;
	}
	if (idx_zip_find_cd(tail, tlen, (uint64_t)st.st_size, &cd_off,
			    &cd_size, &zerr)) {
		ret = fail(u, err, CVL_EINVAL, "%s", zerr.msg);
		goto out;
	}
	if (cd_size > (uint64_t)MAX_ENTRIES * (46 + 3 * 65535)) {
		ret = fail(u, err, CVL_ETOOBIG, "its central directory is too large");
		goto out;
	}
	cd = xmalloc(cd_size ? (size_t)cd_size : 1);
	if (pread_all(fd, cd, (size_t)cd_size, cd_off)) {
		ret = fail(u, err, CVL_EIO, "%s", strerror(errno));
		goto out;
	}
	for (pos = 0; pos + 46 <= cd_size;) {
		const unsigned char *e = cd + pos;
		unsigned made_by = e[5];
		size_t nlen = (size_t)(e[28] | e[29] << 8);
		size_t xlen = (size_t)(e[30] | e[31] << 8);
		size_t clen = (size_t)(e[32] | e[33] << 8);
		unsigned type = ((unsigned)e[41] << 8 | e[40]) & 0170000;

		if (e[0] != 0x50 || e[1] != 0x4b || e[2] != 1 || e[3] != 2 ||
		    46 + nlen + xlen + clen > cd_size - pos) {
			ret = fail(u, err, CVL_EINVAL,
				   "its central directory is damaged");
			goto out;
		}
		if (made_by == 3 && type && type != 0100000 &&
		    type != 040000 && type != 0120000) {
			char *name = xmemdup0(e + 46, nlen);

			ret = fail(u, err, CVL_EINVAL,
				   "entry '%s' is a device, FIFO or socket",
				   name);
			free(name);
			goto out;
		}
		(*count)++;
		pos += 46 + nlen + xlen + clen;
	}
out:
	if (fd >= 0)
		close(fd);
	free(tail);
	free(cd);
	return ret;
}

/* Pass 1: the entry list, its checks, WHEEL and RECORD. */
static int list_entries(struct unpack *u, struct cvl_error *err)
{
	struct archive *a;
	struct archive_entry *ae;
	struct strbuf norm = STRBUF_INIT;
	struct strvec dist_infos = STRVEC_INIT;
	int64_t total = 0;
	size_t cd_count, count = 0;
	int ret, r;

	ret = check_cd_types(u, &cd_count, err);
	if (ret)
		return ret;
	ret = open_wheel(u, &a, err);
	if (ret)
		return ret;
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *raw = entry_name(ae);
		const char *why;
		struct wentry *e;
		mode_t type = archive_entry_filetype(ae);
		const char *slash;
		bool in_dist_info;

		count++;
		if (!raw) {
			ret = fail(u, err, CVL_EINVAL,
				   "an entry has no readable name");
			goto out;
		}
		if (u->n >= MAX_ENTRIES) {
			ret = fail(u, err, CVL_ETOOBIG,
				   "more than %d entries", MAX_ENTRIES);
			goto out;
		}
		strbuf_reset(&norm);
		why = normalize_name(raw, &norm);
		if (!why && archive_entry_hardlink(ae))
			why = "is a hard link";
		if (!why && type == AE_IFLNK)
			why = "is a symbolic link";
		if (!why && type != AE_IFREG && type != AE_IFDIR)
			why = "is a device, FIFO or socket";
		if (!why && !norm.len && type != AE_IFDIR)
			why = "has no file name";
		if (why) {
			ret = fail(u, err, CVL_EINVAL, "entry '%s' %s", raw, why);
			goto out;
		}
		if (!norm.len)
			continue; /* "./" */
		if (type == AE_IFREG && archive_entry_size_is_set(ae)) {
			total += archive_entry_size(ae);
			if (archive_entry_size(ae) < 0 || total > MAX_TOTAL) {
				ret = fail(u, err, CVL_ETOOBIG,
					   "more than %lld bytes uncompressed",
					   (long long)MAX_TOTAL);
				goto out;
			}
		}
		ALLOC_GROW(u->e, u->n + 1, u->alloc);
		e = &u->e[u->n++];
		e->name = xstrdup(norm.buf);
		e->folded = fold(norm.buf);
		e->dir = type == AE_IFDIR;
		e->size = archive_entry_size_is_set(ae) ? archive_entry_size(ae)
							: -1;
		e->mode = archive_entry_perm(ae) & 0111 ? 0755 : 0644;

		slash = strchr(e->name, '/');
		in_dist_info = slash && slash - e->name > 10 &&
			       !strncmp(slash - 10, ".dist-info", 10);
		if (in_dist_info) {
			size_t dlen = (size_t)(slash - e->name);
			size_t k;
			bool seen = false;

			for (k = 0; k < dist_infos.nr; k++)
				if (!strncmp(dist_infos.v[k], e->name, dlen) &&
				    !dist_infos.v[k][dlen])
					seen = true;
			if (!seen)
				strvec_pushn(&dist_infos, e->name, dlen);
		}
		if (e->dir)
			continue;
		/* the metadata that pass 1 needs */
		if (in_dist_info && !strcmp(slash, "/WHEEL")) {
			ret = read_small(u, a, raw, &u->wheel_meta, 1 << 20, err);
			if (ret)
				goto out;
		} else if (in_dist_info && !strcmp(slash, "/RECORD")) {
			ret = read_small(u, a, raw, &u->record_text, MAX_META,
					 err);
			if (ret)
				goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		ret = fail(u, err, CVL_EINVAL, "%s",
			   archive_error_string(a) ? archive_error_string(a)
						   : "cannot read the zip");
		goto out;
	}
	if (count != cd_count) {
		ret = fail(u, err, CVL_EINVAL,
			   "its central directory lists %zu entries, and %zu were read",
			   cd_count, count);
		goto out;
	}
	if (!dist_infos.nr) {
		ret = fail(u, err, CVL_EINVAL, "it has no .dist-info directory");
		goto out;
	}
	if (dist_infos.nr > 1) {
		ret = fail(u, err, CVL_EINVAL,
			   "it has %zu .dist-info directories ('%s', '%s')",
			   dist_infos.nr, dist_infos.v[0], dist_infos.v[1]);
		goto out;
	}
	u->dist_info = xstrdup(dist_infos.v[0]);
out:
	archive_read_free(a);
	strbuf_release(&norm);
	strvec_clear(&dist_infos);
	return ret;
}

/* Names that collide, files that are also directories. */
static int check_collisions(struct unpack *u, struct cvl_error *err)
{
	char **files = xcalloc(u->n ? u->n : 1, sizeof(*files));
	struct strbuf path = STRBUF_INIT;
	size_t nfiles = 0, i;
	int ret = 0;

	for (i = 0; i < u->n; i++)
		if (!u->e[i].dir)
			files[nfiles++] = u->e[i].folded;
	qsort(files, nfiles, sizeof(*files), cmp_str);
	for (i = 1; i < nfiles; i++) {
		if (!strcmp(files[i - 1], files[i])) {
			ret = fail(u, err, CVL_EINVAL,
				   "two entries are named '%s' (after case folding and normalization)",
				   files[i]);
			goto out;
		}
	}
	/* a directory, or the parent of any entry, that is also a file */
	for (i = 0; i < u->n; i++) {
		size_t len = strlen(u->e[i].folded);

		strbuf_reset(&path);
		strbuf_addstr(&path, u->e[i].folded);
		if (!u->e[i].dir) {
			while (len && path.buf[len - 1] != '/')
				len--;
			len = len ? len - 1 : 0;
		}
		while (len) {
			strbuf_setlen(&path, len);
			if (bsearch(&path.buf, files, nfiles, sizeof(*files),
				    cmp_str)) {
				ret = fail(u, err, CVL_EINVAL,
					   "entry '%s' is both a file and a directory",
					   path.buf);
				goto out;
			}
			while (len && path.buf[len - 1] != '/')
				len--;
			len = len ? len - 1 : 0;
		}
	}
out:
	free(files);
	strbuf_release(&path);
	return ret;
}

static int check_metadata(struct unpack *u, struct cvl_error *err)
{
	struct strbuf want = STRBUF_INIT;
	struct strbuf norm = STRBUF_INIT;
	struct cvl_error rerr = CVL_ERROR_INIT;
	bool has_wheel = false, has_record = false;
	size_t i;
	int ret;

	for (i = 0; i < u->n; i++) {
		if (u->e[i].dir)
			continue;
		strbuf_reset(&want);
		strbuf_addf(&want, "%s/WHEEL", u->dist_info);
		if (!strcmp(u->e[i].name, want.buf))
			has_wheel = true;
		strbuf_reset(&want);
		strbuf_addf(&want, "%s/RECORD", u->dist_info);
		if (!strcmp(u->e[i].name, want.buf))
			has_record = true;
	}
	strbuf_release(&want);
	if (!has_wheel)
		return fail(u, err, CVL_EINVAL, "it has no '%s/WHEEL'",
			    u->dist_info);
	if (!has_record)
		return fail(u, err, CVL_EINVAL, "it has no '%s/RECORD'",
			    u->dist_info);
	ret = check_wheel_version(u, err);
	if (ret)
		return ret;
	ret = sync_record_parse(&u->record, u->record_text.buf,
				u->record_text.len, &rerr);
	if (ret)
		return fail(u, err, CVL_EINVAL, "'%s/RECORD': %s",
			    u->dist_info, rerr.msg);
	/* index RECORD by normalized path */
	u->rsorted = xcalloc(u->record.n ? u->record.n : 1,
			     sizeof(*u->rsorted));
	for (i = 0; i < u->record.n; i++) {
		struct sync_record_entry *re = &u->record.entries[i];

		strbuf_reset(&norm);
		if (normalize_name(re->path, &norm) || !norm.len)
			continue; /* not an entry of this wheel */
		if (strcmp(norm.buf, re->path)) {
			free(re->path);
			re->path = strbuf_detach(&norm, NULL);
		}
		u->rsorted[u->nrsorted++] = re;
	}
	strbuf_release(&norm);
	qsort(u->rsorted, u->nrsorted, sizeof(*u->rsorted), cmp_record);
	return 0;
}

static const struct sync_record_entry *record_find(struct unpack *u,
						   const char *name)
{
	struct sync_record_entry key = { (char *)name, NULL, 0 };
	struct sync_record_entry *kp = &key;
	struct sync_record_entry **found;

	found = bsearch(&kp, u->rsorted, u->nrsorted, sizeof(*u->rsorted),
			cmp_record);
	return found ? *found : NULL;
}

/*
 * Every directory of the tree under `tmp` (which exists), made once
 * before any file: the directory entries and the parents of all entries,
 * sorted, so that a parent (a prefix) comes before its children.
 */
static int make_dirs(struct unpack *u, const char *tmp, struct cvl_error *err)
{
	struct strvec dirs = STRVEC_INIT;
	struct strbuf path = STRBUF_INIT;
	const char *prev = NULL;
	size_t prevlen = 0, i;
	int ret = 0;

	for (i = 0; i < u->n; i++) {
		const char *name = u->e[i].name;
		size_t len = strlen(name);

		if (!u->e[i].dir) {
			while (len && name[len - 1] != '/')
				len--;
			len = len ? len - 1 : 0;
		}
		/* entries of one directory usually come together */
		if (!len || (prev && len == prevlen && !memcmp(prev, name, len)))
			continue;
		prev = name;
		prevlen = len;
		while (len) {
			strvec_pushn(&dirs, name, len);
			while (len && name[len - 1] != '/')
				len--;
			len = len ? len - 1 : 0;
		}
	}
	qsort(dirs.v, dirs.nr, sizeof(*dirs.v), cmp_str);
	strbuf_addf(&path, "%s/", tmp);
	for (i = 0; i < dirs.nr; i++) {
		if (i && !strcmp(dirs.v[i - 1], dirs.v[i]))
			continue;
		strbuf_setlen(&path, strlen(tmp) + 1);
		strbuf_addstr(&path, dirs.v[i]);
		/* EEXIST: names that differ in case on a case-folding disk */
		if (mkdir(path.buf, 0755) && errno != EEXIST) {
			ret = fail(u, err, CVL_EIO, "cannot create '%s': %s",
				   path.buf, strerror(errno));
			break;
		}
	}
	strvec_clear(&dirs);
	strbuf_release(&path);
	return ret;
}

/*
 * libcrypto cannot hash entry `name`: it cannot be loaded (sync_download
 * loads it before it starts unpacking, but a caller may unpack alone), or
 * it failed.
 */
static int hash_failed(struct unpack *u, struct cvl_error *err,
		       const char *name)
{
	struct cvl_error lerr = CVL_ERROR_INIT;
	int rc;

	if (cvl_lib_load(CVL_LIB_CRYPTO, &lerr) == 0)
		return fail(u, err, CVL_EINTERNAL,
			    "cannot hash entry '%s': libcrypto failed", name);
	rc = fail(u, err, CVL_EINTERNAL, "%s", lerr.msg);
	cvl_error_hint(err, "%s", lerr.hint);
	return rc;
}

/* Extract the current entry `e` to `path`, checking it against RECORD. */
static int extract_file(struct unpack *u, struct archive *a,
			const struct wentry *e, const char *path,
			int64_t *total, struct cvl_error *err)
{
	const struct sync_record_entry *re = record_find(u, e->name);
	const EVP_MD *md = NULL;
	EVP_MD_CTX *ctx = NULL;
	char algo[16] = "";
	char buf[65536];
	int64_t written = 0;
	int fd, ret = 0;

	if (re && re->hash) {
		size_t alen = (size_t)(strchr(re->hash, '=') - re->hash);

		if (alen < sizeof(algo))
			memcpy(algo, re->hash, alen);
		algo[alen < sizeof(algo) ? alen : 0] = '\0';
		if (!strcmp(algo, "sha256"))
			md = EVP_sha256();
		else if (!strcmp(algo, "sha384"))
			md = EVP_sha384();
		else if (!strcmp(algo, "sha512"))
			md = EVP_sha512();
		else
			return fail(u, err, CVL_EINVAL,
				    "RECORD gives entry '%s' a hash of an unsupported algorithm ('%s')",
				    e->name, re->hash);
		ctx = EVP_MD_CTX_new();
		if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL)) {
			ret = hash_failed(u, err, e->name);
			goto out;
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  e->mode);
	if (fd < 0) {
		ret = fail(u, err, CVL_EIO, "cannot create '%s': %s", path,
			   strerror(errno));
		goto out;
	}
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
		const char *p = buf;
		size_t left;

		if (n < 0) {
			ret = fail(u, err, CVL_EINVAL, "entry '%s': %s",
				   e->name, archive_error_string(a));
			goto close;
		}
		if (!n)
			break;
		written += n;
		*total += n;
		if ((e->size >= 0 && written > e->size) || *total > MAX_TOTAL) {
			ret = fail(u, err, CVL_ETOOBIG,
				   "entry '%s' is larger than its header says",
				   e->name);
			goto close;
		}
		if (ctx && !EVP_DigestUpdate(ctx, buf, (size_t)n)) {
			ret = hash_failed(u, err, e->name);
			goto close;
		}
		for (left = (size_t)n; left;) {
			ssize_t w = write(fd, p, left);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				ret = fail(u, err, CVL_EIO,
					   "cannot write '%s': %s", path,
					   strerror(errno));
				goto close;
			}
			p += w;
			left -= (size_t)w;
		}
	}
	if (re && re->size >= 0 && re->size != written) {
		ret = fail(u, err, CVL_EHASH,
			   "entry '%s' has %lld bytes, and RECORD says %lld",
			   e->name, (long long)written, (long long)re->size);
		goto close;
	}
	if (ctx) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned int dlen = 0;
		struct strbuf got = STRBUF_INIT;
		size_t wantlen = strlen(re->hash);

		if (!EVP_DigestFinal_ex(ctx, d, &dlen)) {
			ret = hash_failed(u, err, e->name);
			goto close;
		}
		sync_hash_b64(algo, d, dlen, &got);
		while (wantlen && re->hash[wantlen - 1] == '=')
			wantlen--;
		if (got.len != wantlen || memcmp(got.buf, re->hash, wantlen))
			ret = fail(u, err, CVL_EHASH,
				   "entry '%s' does not match its RECORD hash (RECORD: %s, file: %s)",
				   e->name, re->hash, got.buf);
		strbuf_release(&got);
	}
close:
	if (close(fd) && !ret)
		ret = fail(u, err, CVL_EIO, "cannot write '%s': %s", path,
			   strerror(errno));
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* Pass 2: everything into `tmp`, each file checked. */
static int extract(struct unpack *u, const char *tmp, struct cvl_error *err)
{
	struct archive *a;
	struct archive_entry *ae;
	struct strbuf norm = STRBUF_INIT, path = STRBUF_INIT;
	size_t tmplen = strlen(tmp);
	size_t i = 0;
	int64_t total = 0;
	int ret, r;

	ret = make_dirs(u, tmp, err);
	if (!ret)
		ret = open_wheel(u, &a, err);
	if (ret)
		return ret;
	strbuf_addstr(&path, tmp);
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *raw = entry_name(ae);
		const struct wentry *e;

		strbuf_reset(&norm);
		if (!raw || normalize_name(raw, &norm)) {
			ret = fail(u, err, CVL_EINVAL,
				   "the zip changed while it was read");
			goto out;
		}
		if (!norm.len)
			continue;
		if (i >= u->n || strcmp(u->e[i].name, norm.buf)) {
			ret = fail(u, err, CVL_EINVAL,
				   "the zip changed while it was read");
			goto out;
		}
		e = &u->e[i++];
		strbuf_setlen(&path, tmplen);
		strbuf_addch(&path, '/');
		strbuf_addstr(&path, e->name);
		if (e->dir)
			continue; /* made by make_dirs() */
		ret = extract_file(u, a, e, path.buf, &total, err);
		if (ret)
			goto out;
	}
	if (r != ARCHIVE_EOF || i != u->n)
		ret = fail(u, err, CVL_EINVAL, "%s",
			   archive_error_string(a) ? archive_error_string(a)
						   : "the zip changed while it was read");
out:
	archive_read_free(a);
	strbuf_release(&norm);
	strbuf_release(&path);
	return ret;
}

/* Remove the temporary tree; the error that got us here is the one told. */
static void remove_tmp(const char *tmp)
{
	struct cvl_error ignored = CVL_ERROR_INIT;

	if (sync_rm_rf(tmp, &ignored))
		return;
}

int sync_wheel_unpack(const char *whl, const char *dest,
		      struct cvl_error *err)
{
	struct unpack u = { 0 };
	struct strbuf tmp = STRBUF_INIT, parent = STRBUF_INIT;
	const char *slash = strrchr(whl, '/');
	const char *dslash;
	int ret;

	u.whl = whl;
	u.base = slash ? slash + 1 : whl;
	strbuf_init(&u.wheel_meta, 0);
	strbuf_init(&u.record_text, 0);

	ret = list_entries(&u, err);
	if (!ret)
		ret = check_collisions(&u, err);
	if (!ret)
		ret = check_metadata(&u, err);
	if (ret)
		goto out;

	dslash = strrchr(dest, '/');
	if (dslash && dslash != dest) {
		strbuf_add(&parent, dest, (size_t)(dslash - dest));
		ret = sync_mkdir_p(parent.buf, err);
		if (ret)
			goto out;
	}
	strbuf_addf(&tmp, "%s.tmp-XXXXXX", dest);
	if (!mkdtemp(tmp.buf)) {
		ret = cvl_error_set(err, CVL_EIO,
				    "cannot create a directory next to '%s': %s",
				    dest, strerror(errno));
		goto out;
	}
	ret = extract(&u, tmp.buf, err);
	if (!ret && rename(tmp.buf, dest)) {
		struct stat st;

		/* another unpack of the same wheel won: keep its copy */
		if ((errno == EEXIST || errno == ENOTEMPTY) &&
		    !stat(dest, &st) && S_ISDIR(st.st_mode))
			ret = 0;
		else
			ret = cvl_error_set(err, CVL_EIO,
					    "cannot rename '%s' to '%s': %s",
					    tmp.buf, dest, strerror(errno));
		remove_tmp(tmp.buf);
	} else if (ret) {
		remove_tmp(tmp.buf);
	}
out:
	unpack_release(&u);
	strbuf_release(&tmp);
	strbuf_release(&parent);
	return ret;
}

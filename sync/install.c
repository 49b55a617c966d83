/*
 * install.c - installing an unpacked wheel (sync_wheel_unpack's tree in
 * the cache) into a virtual environment, as the wheel spec says.
 *
 * Where files go:
 *   top level (not .dist-info, not .data)  purelib when WHEEL says
 *                                   Root-Is-Purelib: true, else platlib
 *   NAME-VER.data/purelib/...       purelib
 *   NAME-VER.data/platlib/...       platlib
 *   NAME-VER.data/scripts/...       bin/, a first line "#!python..." (also
 *                                   "#!pythonw") replaced by the venv's
 *                                   python as pip does, mode 0755
 *   NAME-VER.data/headers/...       include/site/pythonX.Y/NAME/
 *   NAME-VER.data/data/...          the environment's root
 *   entry_points.txt                console_scripts and gui_scripts as
 *                                   pip's (distlib's) script launchers
 * The dist-info goes next to the top-level files.
 *
 * Order, for a sync killed at any moment: files are placed first (a new
 * one linked, cloned or written at its name directly; one that exists
 * replaced by a temporary name in its directory renamed over it, so it is
 * never written through: a hard link into the cache is replaced, not
 * truncated); then the dist-info is assembled in a temporary directory
 * (".cvlock-tmp-NAME-VER.dist-info.XXXXXX", which sync_installed_scan()
 * ignores) with INSTALLER, direct_url.json and a RECORD listing every
 * installed file with its sha256 and size (RECORD itself without), and
 * renamed into place last.  A killed install leaves files (the last one
 * maybe short) without a dist-info, which the next sync installs over;
 * never a dist-info that claims files that are not there.  Directories
 * are made once each (mkdir, and stat when it was there), so a file in a
 * new environment costs one or two system calls.
 *
 * Link modes.  Files copied verbatim from the cache are cloned
 * (FICLONE: copy-on-write, as safe as a copy), hard-linked or copied.
 * AUTO tries clone, then hard link, then copy, and remembers per pair of
 * file systems (per thread: per sync run) what worked.  Files that are
 * rewritten (scripts, generated launchers, the dist-info) are always
 * written.  The hard-link caveat (uv has the same): an environment file
 * and its cache file are then one inode, so editing an installed file
 * in place (an editor that does not replace the file, `open(..., "w")`)
 * changes the cache and every other environment linked to it; cvlock
 * itself never writes through a link (it renames over it, and uninstall
 * unlinks).  Use --link-mode copy (or clone on btrfs/XFS) to be safe.
 *
 * RECORD's hashes of linked and copied files are the wheel's RECORD's,
 * which sync_wheel_unpack() checked against the bytes; files the wheel's
 * RECORD did not hash are hashed here.
 */
#include "config.h"
#include "sync/sync.h"
#include "sync/internal.h"
#include "sync/wheel_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/fs.h>
#endif

#define MAX_META (64 << 20)
/* shebang lines the kernel reads whole (BINPRM_BUF_SIZE is 256) */
#define SHEBANG_MAX 127

/* ---- link modes --------------------------------------------------------- */

static const char *const link_mode_names[] = {
	[SYNC_LINK_AUTO] = "auto",
	[SYNC_LINK_CLONE] = "clone",
	[SYNC_LINK_HARDLINK] = "hardlink",
	[SYNC_LINK_COPY] = "copy",
};

bool sync_link_mode_parse(const char *s, enum sync_link_mode *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(link_mode_names); i++) {
		if (!strcmp(s, link_mode_names[i])) {
			*out = (enum sync_link_mode)i;
			return true;
		}
	}
	return false;
}

const char *sync_link_mode_name(enum sync_link_mode m)
{
	if ((size_t)m >= ARRAY_SIZE(link_mode_names))
		return "unknown";
	return link_mode_names[m];
}

/* What AUTO found to work between two file systems (this thread). */
struct link_memo {
	dev_t src, dst;
	enum sync_link_mode mode;
};
static _Thread_local struct link_memo memo[8];
static _Thread_local size_t nmemo;

static enum sync_link_mode memo_get(dev_t src, dev_t dst)
{
	size_t i;

	for (i = 0; i < nmemo; i++)
		if (memo[i].src == src && memo[i].dst == dst)
			return memo[i].mode;
	return SYNC_LINK_AUTO;
}

static void memo_set(dev_t src, dev_t dst, enum sync_link_mode mode)
{
	size_t i = nmemo < ARRAY_SIZE(memo) ? nmemo++ : ARRAY_SIZE(memo) - 1;

	memo[i].src = src;
	memo[i].dst = dst;
	memo[i].mode = mode;
}

/* ---- the install -------------------------------------------------------- */

enum item_kind {
	ITEM_LINK,   /* the cache's file as it is */
	ITEM_SCRIPT, /* .data/scripts: shebang rewritten */
	ITEM_WRITE,  /* generated content */
};

struct item {
	enum item_kind kind;
	char *src;     /* cache path (LINK, SCRIPT) */
	char *dest;    /* absolute */
	char *content; /* WRITE */
	size_t len;
	unsigned mode;
	char *hash;    /* known hash (from the wheel's RECORD), or NULL */
	int64_t size;
};

struct known_dir {
	char *path;
	size_t len;
	dev_t dev;
};

struct dirset {
	struct known_dir *slots; /* open addressing, cap a power of 2 */
	size_t cap, n;
};

struct install {
	const struct sync_venv *v;
	const struct sync_install_opts *opts;
	const char *unpacked;
	const char *name, *version;
	char *dist_info;  /* "demo-1.0.dist-info" */
	char *data_dir;   /* "demo-1.0.data", or NULL */
	char *dist_name;  /* "demo", as the dist-info spells it */
	const char *root; /* purelib or platlib: where the dist-info goes */
	struct sync_record wheel_record;
	struct sync_record_entry **rsorted;
	size_t nrsorted;
	struct item *items;
	size_t n, alloc;
	char **placed; /* destinations written, for the rollback */
	size_t nplaced, alloc_placed;
	enum sync_link_mode mode;
	dev_t src_dev; /* of the unpacked tree */
	struct dirset dirs;
};

static void dirset_release(struct dirset *s);

static void install_release(struct install *in)
{
	size_t i;

	free(in->dist_info);
	free(in->data_dir);
	free(in->dist_name);
	sync_record_release(&in->wheel_record);
	free(in->rsorted);
	for (i = 0; i < in->n; i++) {
		free(in->items[i].src);
		free(in->items[i].dest);
		free(in->items[i].content);
		free(in->items[i].hash);
	}
	free(in->items);
	for (i = 0; i < in->nplaced; i++)
		free(in->placed[i]);
	free(in->placed);
	dirset_release(&in->dirs);
}

static int cmp_record(const void *a, const void *b)
{
	const struct sync_record_entry *x = *(struct sync_record_entry *const *)a;
	const struct sync_record_entry *y = *(struct sync_record_entry *const *)b;

	return strcmp(x->path, y->path);
}

static const struct sync_record_entry *record_find(struct install *in,
						   const char *path)
{
	struct sync_record_entry key = { (char *)path, NULL, 0 };
	struct sync_record_entry *kp = &key;
	struct sync_record_entry **found;

	found = bsearch(&kp, in->rsorted, in->nrsorted, sizeof(*in->rsorted),
			cmp_record);
	return found ? *found : NULL;
}

static struct item *add_item(struct install *in, enum item_kind kind,
			     const char *src, const char *dest)
{
	struct item *it;

	ALLOC_GROW(in->items, in->n + 1, in->alloc);
	it = &in->items[in->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->src = src ? xstrdup(src) : NULL;
	it->dest = xstrdup(dest);
	it->size = -1;
	it->mode = 0644;
	return it;
}

/* The top-level .dist-info and .data of the tree; checks the name. */
static int find_dirs(struct install *in, struct cvl_error *err)
{
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	struct dirent *d;
	DIR *dh = opendir(in->unpacked);
	const char *dash;
	int ret = 0;

	if (!dh)
		return cvl_error_set(err, errno == ENOENT ? CVL_ENOTFOUND
							  : CVL_EIO,
				     "cannot read unpacked wheel '%s': %s",
				     in->unpacked, strerror(errno));
	while ((d = readdir(dh))) {
		size_t len = strlen(d->d_name);

		if (len > 10 && !strcmp(d->d_name + len - 10, ".dist-info")) {
			if (in->dist_info) {
				ret = cvl_error_set(err, CVL_EINVAL,
						    "unpacked wheel '%s' has two .dist-info directories",
						    in->unpacked);
				goto out;
			}
			in->dist_info = xstrdup(d->d_name);
		} else if (len > 5 && !strcmp(d->d_name + len - 5, ".data")) {
			if (in->data_dir) {
				ret = cvl_error_set(err, CVL_EINVAL,
						    "unpacked wheel '%s' has two .data directories",
						    in->unpacked);
				goto out;
			}
			in->data_dir = xstrdup(d->d_name);
		}
	}
	if (!in->dist_info) {
		ret = cvl_error_set(err, CVL_EINVAL,
				    "unpacked wheel '%s' has no .dist-info directory",
				    in->unpacked);
		goto out;
	}
	/* NAME-VERSION.dist-info: NAME must be the package's */
	dash = strchr(in->dist_info, '-');
	if (!dash)
		dash = in->dist_info + strlen(in->dist_info) - 10;
	in->dist_name = xmemdup0(in->dist_info,
				 (size_t)(dash - in->dist_info));
	pep_name_canonicalize(in->dist_name, strlen(in->dist_name), &got);
	pep_name_canonicalize(in->name, strlen(in->name), &want);
	if (strcmp(got.buf, want.buf)) {
		ret = cvl_error_set(err, CVL_EINVAL,
				    "the wheel of '%s' holds '%s', the metadata of another project",
				    in->name, in->dist_info);
		goto out;
	}
	if (in->data_dir &&
	    (strlen(in->data_dir) != strlen(in->dist_info) - 5 ||
	     strncmp(in->data_dir, in->dist_info,
		     strlen(in->dist_info) - 10))) {
		ret = cvl_error_set(err, CVL_EINVAL,
				    "the wheel of '%s' has the data directory '%s', which does not match '%s'",
				    in->name, in->data_dir, in->dist_info);
		goto out;
	}
out:
	closedir(dh);
	strbuf_release(&want);
	strbuf_release(&got);
	return ret;
}

/* Root-Is-Purelib from WHEEL, and the wheel's RECORD. */
static int read_metadata(struct install *in, bool *purelib,
			 struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct cvl_error rerr = CVL_ERROR_INIT;
	const char *p;
	size_t i;
	int ret;

	*purelib = true;
	strbuf_addf(&path, "%s/%s/WHEEL", in->unpacked, in->dist_info);
	ret = sync_read_file(path.buf, MAX_META, &text, err);
	if (ret)
		goto out;
	for (p = text.buf; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		static const char key[] = "root-is-purelib:";

		if (len >= sizeof(key) - 1 &&
		    !strncasecmp(p, key, sizeof(key) - 1)) {
			const char *val = p + sizeof(key) - 1;

			while (*val == ' ' || *val == '\t')
				val++;
			*purelib = !strncasecmp(val, "true", 4);
		}
		p += len;
		if (*p)
			p++;
	}

	strbuf_reset(&path);
	strbuf_addf(&path, "%s/%s/RECORD", in->unpacked, in->dist_info);
	ret = sync_read_file(path.buf, MAX_META, &text, err);
	if (ret == -CVL_ENOTFOUND) {
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	if (sync_record_parse(&in->wheel_record, text.buf, text.len, &rerr)) {
		ret = cvl_error_set(err, CVL_EINVAL, "cannot read '%s': %s",
				    path.buf, rerr.msg);
		goto out;
	}
	in->rsorted = xcalloc(in->wheel_record.n ? in->wheel_record.n : 1,
			      sizeof(*in->rsorted));
	for (i = 0; i < in->wheel_record.n; i++)
		in->rsorted[in->nrsorted++] = &in->wheel_record.entries[i];
	qsort(in->rsorted, in->nrsorted, sizeof(*in->rsorted), cmp_record);
out:
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

/* The shebang line (with its "\n") of scripts run by the venv's python. */
static int shebang(struct install *in, struct strbuf *out,
		   struct cvl_error *err)
{
	const char *py = in->v->python;

	if (strlen(py) + 2 <= SHEBANG_MAX && !strpbrk(py, " \t")) {
		strbuf_addf(out, "#!%s\n", py);
		return 0;
	}
	if (strpbrk(py, "'\n\r"))
		return cvl_error_set(err, CVL_EUNSUPPORTED,
				     "cannot write scripts for the python '%s' (a quote or a newline in its path)",
				     py);
	/* distlib's trick: sh runs python, python reads a string */
	strbuf_addf(out, "#!/bin/sh\n'''exec' '%s' \"$0\" \"$@\"\n' '''\n",
		    py);
	return 0;
}

/*
 * Walk `dir` (relative path `rel` inside the unpacked tree) and add
 * every file below it to `dest`/...
 */
static int walk(struct install *in, struct strbuf *src, struct strbuf *dest,
		enum item_kind kind, int depth, struct cvl_error *err)
{
	struct dirent *d;
	DIR *dh;
	size_t slen = src->len, dlen = dest->len;
	int ret = 0;

	if (depth > 256)
		return cvl_error_set(err, CVL_EINVAL,
				     "'%s' is nested too deeply", src->buf);
	dh = opendir(src->buf);
	if (!dh)
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
				     src->buf, strerror(errno));
	while ((d = readdir(dh))) {
		unsigned char type = d->d_type;
		struct stat st;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		strbuf_setlen(src, slen);
		strbuf_addf(src, "/%s", d->d_name);
		strbuf_setlen(dest, dlen);
		strbuf_addf(dest, "/%s", d->d_name);
		if (type == DT_UNKNOWN) {
			if (lstat(src->buf, &st)) {
				ret = cvl_error_set(err, CVL_EIO,
						    "cannot read '%s': %s",
						    src->buf, strerror(errno));
				break;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		if (type == DT_DIR) {
			ret = walk(in, src, dest, kind, depth + 1, err);
			if (ret)
				break;
		} else if (type == DT_REG) {
			add_item(in, kind, src->buf, dest->buf);
		} else {
			ret = cvl_error_set(err, CVL_EINVAL,
					    "'%s' in the unpacked wheel is not a regular file",
					    src->buf);
			break;
		}
	}
	closedir(dh);
	strbuf_setlen(src, slen);
	strbuf_setlen(dest, dlen);
	return ret;
}

static int walk_into(struct install *in, const char *src_rel,
		     const char *dest_dir, enum item_kind kind,
		     struct cvl_error *err)
{
	struct strbuf src = STRBUF_INIT, dest = STRBUF_INIT;
	int ret;

	strbuf_addf(&src, "%s/%s", in->unpacked, src_rel);
	strbuf_addstr(&dest, dest_dir);
	ret = walk(in, &src, &dest, kind, 0, err);
	strbuf_release(&src);
	strbuf_release(&dest);
	return ret;
}

/* The top level (but the dist-info and the data directory) and .data. */
static int collect_files(struct install *in, struct cvl_error *err)
{
	static const struct {
		const char *key;
		enum sync_path path;
		enum item_kind kind;
	} keys[] = {
		{ "purelib", SYNC_PATH_PURELIB, ITEM_LINK },
		{ "platlib", SYNC_PATH_PLATLIB, ITEM_LINK },
		{ "scripts", SYNC_PATH_SCRIPTS, ITEM_SCRIPT },
		{ "headers", SYNC_PATH_INCLUDE, ITEM_LINK },
		{ "data", SYNC_PATH_DATA, ITEM_LINK },
	};
	struct strbuf src = STRBUF_INIT, dest = STRBUF_INIT;
	struct dirent *d;
	DIR *dh;
	int ret = 0;

	dh = opendir(in->unpacked);
	if (!dh)
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
				     in->unpacked, strerror(errno));
	while ((d = readdir(dh)) && !ret) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
		    !strcmp(d->d_name, in->dist_info) ||
		    (in->data_dir && !strcmp(d->d_name, in->data_dir)))
			continue;
		strbuf_reset(&src);
		strbuf_addf(&src, "%s/%s", in->unpacked, d->d_name);
		strbuf_reset(&dest);
		strbuf_addf(&dest, "%s/%s", in->root, d->d_name);
		if (d->d_type == DT_DIR) {
			ret = walk(in, &src, &dest, ITEM_LINK, 0, err);
		} else {
			struct stat st;

			if (lstat(src.buf, &st)) {
				ret = cvl_error_set(err, CVL_EIO,
						    "cannot read '%s': %s",
						    src.buf, strerror(errno));
				continue;
			}
			if (!S_ISREG(st.st_mode)) {
				if (S_ISDIR(st.st_mode))
					ret = walk(in, &src, &dest, ITEM_LINK,
						   0, err);
				else
					ret = cvl_error_set(err, CVL_EINVAL,
							    "'%s' in the unpacked wheel is not a regular file",
							    src.buf);
				continue;
			}
			add_item(in, ITEM_LINK, src.buf, dest.buf);
		}
	}
	closedir(dh);
	if (ret || !in->data_dir)
		goto out;

	strbuf_reset(&src);
	strbuf_addf(&src, "%s/%s", in->unpacked, in->data_dir);
	dh = opendir(src.buf);
	if (!dh) {
		ret = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
				    src.buf, strerror(errno));
		goto out;
	}
	while ((d = readdir(dh)) && !ret) {
		const char *dir = NULL;
		enum item_kind kind = ITEM_LINK;
		size_t k;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		for (k = 0; k < ARRAY_SIZE(keys); k++) {
			if (!strcmp(d->d_name, keys[k].key)) {
				dir = in->v->paths[keys[k].path];
				kind = keys[k].kind;
				break;
			}
		}
		if (k == ARRAY_SIZE(keys)) {
			ret = cvl_error_set(err, CVL_EINVAL,
					    "the wheel of '%s' has '%s/%s', which is not purelib, platlib, scripts, headers or data",
					    in->name, in->data_dir, d->d_name);
			break;
		}
		if (!dir) {
			ret = cvl_error_set(err, CVL_EINVAL,
					    "the environment '%s' has no '%s' directory for '%s/%s'",
					    in->v->dir, d->d_name, in->data_dir,
					    d->d_name);
			break;
		}
		strbuf_reset(&dest);
		strbuf_addstr(&dest, dir);
		if (!strcmp(d->d_name, "headers"))
			strbuf_addf(&dest, "/%s", in->dist_name);
		strbuf_reset(&src);
		strbuf_addf(&src, "%s/%s", in->data_dir, d->d_name);
		ret = walk_into(in, src.buf, dest.buf, kind, err);
	}
	closedir(dh);
out:
	strbuf_release(&src);
	strbuf_release(&dest);
	return ret;
}

static bool is_identifier_char(unsigned char c, bool first)
{
	if (c >= 0x80 || c == '_' || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return !first && c >= '0' && c <= '9';
}

/* "a.b.c": dotted identifiers (what goes into the launcher's source). */
static bool is_dotted(const char *s, size_t len)
{
	bool first = true;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' && !first && i + 1 < len) {
			first = true;
			continue;
		}
		if (!is_identifier_char(c, first))
			return false;
		first = false;
	}
	return true;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
			(*s)[*len - 1] == '\r'))
		(*len)--;
}

/* One "name = module:attr [extras]" line of a scripts section. */
static int add_entry_point(struct install *in, const char *line, size_t len,
			   int lineno, const char *sh, struct cvl_error *err)
{
	const char *eq = memchr(line, '=', len);
	const char *key = line, *val, *colon, *bracket;
	size_t klen, vlen, mlen, alen;
	struct strbuf dest = STRBUF_INIT, body = STRBUF_INIT;
	char *name = NULL, *module = NULL, *attr = NULL;
	size_t i;
	struct item *it;

	if (!eq)
		goto bad;
	klen = (size_t)(eq - line);
	val = eq + 1;
	vlen = len - klen - 1;
	trim(&key, &klen);
	trim(&val, &vlen);
	bracket = memchr(val, '[', vlen);
	if (bracket) {
		vlen = (size_t)(bracket - val);
		trim(&val, &vlen);
	}
	colon = memchr(val, ':', vlen);
	if (!klen || !colon)
		goto bad;
	mlen = (size_t)(colon - val);
	alen = vlen - mlen - 1;
	{
		const char *m = val, *a = colon + 1;

		trim(&m, &mlen);
		trim(&a, &alen);
		if (!is_dotted(m, mlen) || !is_dotted(a, alen))
			goto bad;
		module = xmemdup0(m, mlen);
		attr = xmemdup0(a, alen);
	}
	name = xmemdup0(key, klen);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/') ||
	    strchr(name, '\\'))
		goto bad;
	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] < 0x20)
			goto bad;

	strbuf_addf(&dest, "%s/%s", in->v->paths[SYNC_PATH_SCRIPTS], name);
	/* an entry point replaces a .data script of the same name */
	for (i = 0; i < in->n; i++) {
		if (!strcmp(in->items[i].dest, dest.buf)) {
			in->items[i].dest[0] = '\0';
			break;
		}
	}
	strbuf_addstr(&body, sh);
	strbuf_addf(&body,
		    "# -*- coding: utf-8 -*-\n"
		    "import re\n"
		    "import sys\n"
		    "from %s import %.*s\n"
		    "if __name__ == '__main__':\n"
		    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
		    "    sys.exit(%s())\n",
		    module, (int)strcspn(attr, "."), attr, attr);
	it = add_item(in, ITEM_WRITE, NULL, dest.buf);
	it->mode = 0755;
	it->len = body.len;
	it->content = strbuf_detach(&body, NULL);
	strbuf_release(&dest);
	free(name);
	free(module);
	free(attr);
	return 0;
bad:
	strbuf_release(&dest);
	strbuf_release(&body);
	free(name);
	free(module);
	free(attr);
	return cvl_error_set(err, CVL_EINVAL,
			     "'%s/entry_points.txt' line %d is not 'name = module:function': '%.*s'",
			     in->dist_info, lineno, (int)len, line);
}

/* console_scripts and gui_scripts of entry_points.txt. */
static int collect_entry_points(struct install *in, struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf sh = STRBUF_INIT;
	const char *p;
	bool scripts = false;
	int lineno = 0, ret;

	strbuf_addf(&path, "%s/%s/entry_points.txt", in->unpacked,
		    in->dist_info);
	ret = sync_read_file(path.buf, MAX_META, &text, err);
	if (ret == -CVL_ENOTFOUND) {
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	ret = shebang(in, &sh, err);
	if (ret)
		goto out;
	for (p = text.buf; *p && !ret;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *s = p;
		size_t slen = len;

		lineno++;
		p += len;
		if (*p)
			p++;
		trim(&s, &slen);
		if (!slen || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			scripts = (slen == 17 &&
				   !strncmp(s, "[console_scripts]", 17)) ||
				  (slen == 13 && !strncmp(s, "[gui_scripts]", 13));
			continue;
		}
		if (scripts)
			ret = add_entry_point(in, s, slen, lineno, sh.buf, err);
	}
out:
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&sh);
	return ret;
}

/*
 * The directories known to exist (made or found by this install), with
 * their device: each one is created (or found) with one mkdir() and, when
 * it was already there, one stat(), however many files go into it.
 */
static size_t dirset_slot(const struct dirset *s, const char *path,
			  size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)path[i]) * 1099511628211ULL;
	for (i = (size_t)h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		const struct known_dir *k = &s->slots[i];

		if (!k->path || (k->len == len && !memcmp(k->path, path, len)))
			return i;
	}
}

static void dirset_add(struct dirset *s, const char *path, size_t len,
		       dev_t dev)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct dirset bigger = { NULL, s->cap ? 2 * s->cap : 256, 0 };

		bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
		for (i = 0; i < s->cap; i++) {
			struct known_dir *k = &s->slots[i];

			if (k->path)
				bigger.slots[dirset_slot(&bigger, k->path,
							 k->len)] = *k;
		}
		bigger.n = s->n;
		free(s->slots);
		*s = bigger;
	}
	i = dirset_slot(s, path, len);
	if (s->slots[i].path)
		return;
	s->slots[i].path = xmemdup0(path, len);
	s->slots[i].len = len;
	s->slots[i].dev = dev;
	s->n++;
}

static void dirset_release(struct dirset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->slots[i].path);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/*
 * Make sure the directory `path` (its first `len` bytes) exists, as
 * mkdir -p does, and give its device.  A new directory is on its
 * parent's device; an old one is stat'ed once.
 */
static int ensure_dir(struct install *in, const char *path, size_t len,
		      dev_t *dev, struct cvl_error *err)
{
	struct strbuf dir = STRBUF_INIT;
	struct stat st;
	bool made = false;
	size_t i, plen;
	int ret = 0;

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (in->dirs.cap) {
		i = dirset_slot(&in->dirs, path, len);
		if (in->dirs.slots[i].path) {
			*dev = in->dirs.slots[i].dev;
			return 0;
		}
	}
	strbuf_add(&dir, path, len);
	for (plen = len; plen && path[plen - 1] != '/';)
		plen--;
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	if (!len || (len == 1 && path[0] == '/')) {
		; /* "/" or "": stat'ed below */
	} else if (!mkdir(dir.buf, 0777)) {
		made = true;
	} else if (errno == ENOENT && plen) {
		/* the parent first, then this one */
		ret = ensure_dir(in, path, plen, dev, err);
		if (ret)
			goto out;
		if (!mkdir(dir.buf, 0777)) {
			made = true;
			goto out; /* on its parent's device, in *dev */
		}
		if (errno != EEXIST)
			goto fail;
	} else if (errno != EEXIST) {
		goto fail;
	}
	if (made && plen) {
		/* made here: on its parent's device */
		ret = ensure_dir(in, path, plen, dev, err);
		goto out;
	}
	if (stat(len ? dir.buf : ".", &st))
		goto fail;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		goto fail;
	}
	*dev = st.st_dev;
	goto out;
fail:
	ret = cvl_error_set(err, CVL_EIO, "cannot create directory '%s': %s",
			    dir.buf, strerror(errno));
out:
	if (!ret)
		dirset_add(&in->dirs, path, len, *dev);
	strbuf_release(&dir);
	return ret;
}

/* mkdir -p the parent of `path`; `dev` (may be NULL): its device. */
static int make_parent(struct install *in, const char *path, dev_t *dev,
		       struct cvl_error *err)
{
	const char *slash = strrchr(path, '/');
	dev_t ignored;

	if (!slash || slash == path)
		return 0;
	return ensure_dir(in, path, (size_t)(slash - path),
			  dev ? dev : &ignored, err);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int copy_fd(int from, int to)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			return 0;
		if (write_all(to, buf, (size_t)n))
			return -1;
	}
}

/*
 * Put the cache file `src` at `tmp` by `mode` (CLONE falls back to copy
 * here; AUTO is resolved by the caller).  -1 with errno on failure.
 */
static int place_by(enum sync_link_mode mode, const char *src,
		    const char *tmp, unsigned fmode)
{
	int in_fd, out_fd, ret = 0, saved;

	if (mode == SYNC_LINK_HARDLINK)
		return link(src, tmp);
	in_fd = open(src, O_RDONLY | O_CLOEXEC);
	if (in_fd < 0)
		return -1;
	out_fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fmode);
	if (out_fd < 0) {
		saved = errno;
		close(in_fd);
		errno = saved;
		return -1;
	}
#ifdef FICLONE
	if (mode == SYNC_LINK_CLONE && !ioctl(out_fd, FICLONE, in_fd))
		goto done;
	if (mode == SYNC_LINK_CLONE) {
		ret = -1;
		goto done;
	}
#else
	if (mode == SYNC_LINK_CLONE) {
		errno = EOPNOTSUPP;
		ret = -1;
		goto done;
	}
#endif
	ret = copy_fd(in_fd, out_fd);
done:
	saved = errno;
	if (close(out_fd) && !ret) {
		saved = errno;
		ret = -1;
	}
	close(in_fd);
	if (ret)
		unlink(tmp);
	errno = saved;
	return ret;
}

static bool link_unsupported(int e)
{
	return e == EXDEV || e == EOPNOTSUPP || e == ENOTTY || e == EINVAL ||
	       e == EPERM || e == ENOSYS || e == EMLINK || e == EBADF;
}

/*
 * A cache file to `target` (a new name in a directory on device `ddev`),
 * by the link mode (AUTO: what works).  -1 with errno on failure, EEXIST
 * when `target` exists.
 */
static int place_link(struct install *in, const struct item *it,
		      const char *target, dev_t ddev)
{
	enum sync_link_mode mode = in->mode;
	enum sync_link_mode order[] = { SYNC_LINK_CLONE, SYNC_LINK_HARDLINK,
					SYNC_LINK_COPY };
	size_t i;

	if (mode == SYNC_LINK_CLONE) {
		if (!place_by(SYNC_LINK_CLONE, it->src, target, it->mode))
			return 0;
		if (errno == EEXIST)
			return -1;
		return place_by(SYNC_LINK_COPY, it->src, target, it->mode);
	}
	if (mode != SYNC_LINK_AUTO)
		return place_by(mode, it->src, target, it->mode);

	mode = memo_get(in->src_dev, ddev);
	if (mode != SYNC_LINK_AUTO) {
		if (!place_by(mode, it->src, target, it->mode))
			return 0;
		if (!link_unsupported(errno))
			return -1;
		/* EMLINK on this file and the like: copy this one */
		return place_by(SYNC_LINK_COPY, it->src, target, it->mode);
	}
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (!place_by(order[i], it->src, target, it->mode)) {
			memo_set(in->src_dev, ddev, order[i]);
			return 0;
		}
		if (!link_unsupported(errno))
			return -1;
	}
	return -1;
}

/* The bytes of a .data script, "#!python..." rewritten. */
static int script_content(struct install *in, const char *src,
			  struct strbuf *out, struct cvl_error *err)
{
	struct strbuf text = STRBUF_INIT;
	int ret = sync_read_file(src, (size_t)1 << 30, &text, err);
	const char *eol;

	if (ret)
		goto out;
	if (text.len >= 8 && !memcmp(text.buf, "#!python", 8)) {
		ret = shebang(in, out, err);
		if (ret)
			goto out;
		eol = memchr(text.buf, '\n', text.len);
		if (eol)
			strbuf_add(out, eol + 1,
				   text.len - (size_t)(eol + 1 - text.buf));
	} else {
		strbuf_add(out, text.buf, text.len);
	}
out:
	strbuf_release(&text);
	return ret;
}

static void add_placed(struct install *in, const char *dest)
{
	ALLOC_GROW(in->placed, in->nplaced + 1, in->alloc_placed);
	in->placed[in->nplaced++] = xstrdup(dest);
}

/* Write `len` bytes to `tmp` (mode `mode`). */
static int write_new(const char *tmp, const char *data, size_t len,
		     unsigned mode)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	int saved;

	if (fd < 0)
		return -1;
	if (write_all(fd, data, len)) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (fchmod(fd, mode) || close(fd)) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

/* Hash and size of a file (for files the wheel's RECORD left out). */
static int hash_file(const char *path, struct item *it, struct cvl_error *err)
{
	struct strbuf h = STRBUF_INIT;
	struct stat st;
	void *map = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
				     path, strerror(errno));
	}
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			   fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			return cvl_error_set(err, CVL_EIO,
					     "cannot read '%s': %s", path,
					     strerror(errno));
		}
	}
	sync_record_hash(map ? map : "", (size_t)st.st_size, &h);
	if (map)
		munmap(map, (size_t)st.st_size);
	close(fd);
	free(it->hash);
	it->hash = strbuf_detach(&h, NULL);
	it->size = st.st_size;
	return 0;
}

/* Put `it` at the new name `target`: -1 with errno (EEXIST: it exists). */
static int put(struct install *in, const struct item *it, const char *target,
	       dev_t ddev, const struct strbuf *body)
{
	if (it->kind == ITEM_LINK)
		return place_link(in, it, target, ddev);
	return write_new(target, body->buf, body->len, it->mode);
}

/*
 * Place one item at its destination.  A destination that does not exist
 * yet (a new environment or package: the common case) is made directly,
 * whole by a link or clone, or written (a killed sync may then leave a
 * short file, but no dist-info claims it: the next sync installs the
 * package over it).  An existing one is replaced by a temporary name
 * renamed over it, so that it is always whole and a hard link into the
 * cache is replaced, never written through.
 */
static int place(struct install *in, struct item *it, struct cvl_error *err)
{
	struct strbuf tmp = STRBUF_INIT, body = STRBUF_INIT;
	const char *what = it->dest;
	struct stat st;
	dev_t ddev = 0;
	int ret;

	ret = make_parent(in, it->dest, &ddev, err);
	if (ret)
		goto out;
	if (it->kind == ITEM_SCRIPT) {
		ret = script_content(in, it->src, &body, err);
		if (ret)
			goto out;
		it->mode = 0755;
	} else if (it->kind == ITEM_WRITE) {
		strbuf_add(&body, it->content, it->len);
	}
	if (!put(in, it, it->dest, ddev, &body))
		goto placed;
	if (errno != EEXIST)
		goto fail;
	if (!lstat(it->dest, &st) && S_ISDIR(st.st_mode)) {
		ret = cvl_error_set(err, CVL_EIO,
				    "cannot install '%s': a directory is in the way",
				    it->dest);
		goto out;
	}
	strbuf_addf(&tmp, "%s.cvlock-tmp", it->dest);
	what = tmp.buf;
	if (put(in, it, tmp.buf, ddev, &body)) {
		/* left by a killed sync */
		if (errno != EEXIST || unlink(tmp.buf) ||
		    put(in, it, tmp.buf, ddev, &body))
			goto fail;
	}
	if (rename(tmp.buf, it->dest)) {
		ret = cvl_error_set(err, CVL_EIO, "cannot install '%s': %s",
				    it->dest, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	/* rename() between two links of one file does nothing */
	if (it->kind == ITEM_LINK && !lstat(tmp.buf, &st))
		unlink(tmp.buf);
placed:
	add_placed(in, it->dest);
	if (it->kind == ITEM_LINK) {
		/* the hash the unpack checked, when the wheel gave one */
		const struct sync_record_entry *re =
			record_find(in, it->src + strlen(in->unpacked) + 1);

		if (re && re->hash && !strncmp(re->hash, "sha256=", 7) &&
		    re->size >= 0) {
			free(it->hash);
			it->hash = xstrdup(re->hash);
			it->size = re->size;
		} else {
			ret = hash_file(it->dest, it, err);
		}
	} else {
		struct strbuf h = STRBUF_INIT;

		sync_record_hash(body.buf, body.len, &h);
		free(it->hash);
		it->hash = strbuf_detach(&h, NULL);
		it->size = (int64_t)body.len;
	}
	goto out;
fail:
	if (it->kind == ITEM_LINK)
		ret = cvl_error_set(err, CVL_EIO,
				    "cannot install '%s' from '%s': %s",
				    it->dest, it->src, strerror(errno));
	else
		ret = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
				    what, strerror(errno));
out:
	strbuf_release(&tmp);
	strbuf_release(&body);
	return ret;
}

/*
 * `path` relative to the directory `base` (both absolute and
 * normalized), '/' separated, with ".." where it leaves `base`.
 */
static void relative_to(const char *path, const char *base,
			struct strbuf *out)
{
	size_t i = 0, common = 0;
	const char *b;

	while (base[i] && path[i] == base[i]) {
		i++;
		if (base[i - 1] == '/')
			common = i;
	}
	if (!base[i] && path[i] == '/') {
		/* inside `base` */
		strbuf_addstr(out, path + i + 1);
		return;
	}
	for (b = base + common; *b;) {
		strbuf_addstr(out, "../");
		b += strcspn(b, "/");
		if (*b)
			b++;
	}
	strbuf_addstr(out, path + common);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct sync_record_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* The dist-info, assembled aside and renamed into place. */
static int write_dist_info(struct install *in, struct cvl_error *err)
{
	struct strbuf tmpdir = STRBUF_INIT, path = STRBUF_INIT;
	struct strbuf rel = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf final = STRBUF_INIT, old = STRBUF_INIT;
	struct strbuf root = STRBUF_INIT;
	struct sync_record rec = { 0 };
	size_t i;
	int ret = 0;

	sync_normpath(in->root, &root);
	strbuf_addf(&tmpdir, "%s/.cvlock-tmp-%s.XXXXXX", in->root,
		    in->dist_info);
	if (!mkdtemp(tmpdir.buf)) {
		ret = cvl_error_set(err, CVL_EIO,
				    "cannot create a directory in '%s': %s",
				    in->root, strerror(errno));
		goto out;
	}
	/* RECORD lines of the files placed */
	for (i = 0; i < in->n; i++) {
		struct item *it = &in->items[i];

		if (!it->dest[0])
			continue;
		strbuf_reset(&path);
		sync_normpath(it->dest, &path);
		strbuf_reset(&rel);
		relative_to(path.buf, root.buf, &rel);
		sync_record_add(&rec, rel.buf, it->hash, it->size);
	}
	/* the wheel's dist-info files, copied, but for what we write */
	{
		size_t first = in->n;
		size_t k;

		ret = walk_into(in, in->dist_info, tmpdir.buf, ITEM_LINK, err);
		if (ret)
			goto out;
		for (k = first; k < in->n && !ret; k++) {
			struct item *it = &in->items[k];
			const char *relname = it->dest + tmpdir.len + 1;

			if (!strcmp(relname, "RECORD") ||
			    !strcmp(relname, "INSTALLER") ||
			    !strcmp(relname, "direct_url.json") ||
			    !strcmp(relname, "RECORD.jws") ||
			    !strcmp(relname, "RECORD.p7s")) {
				it->dest[0] = '\0';
				continue;
			}
			strbuf_reset(&text);
			ret = sync_read_file(it->src, MAX_META, &text, err);
			if (ret)
				break;
			strbuf_reset(&path);
			strbuf_addstr(&path, it->dest);
			ret = make_parent(in, path.buf, NULL, err);
			if (ret)
				break;
			if (write_new(path.buf, text.buf, text.len, 0644)) {
				ret = cvl_error_set(err, CVL_EIO,
						    "cannot write '%s': %s",
						    path.buf, strerror(errno));
				break;
			}
			strbuf_reset(&rel);
			sync_record_hash(text.buf, text.len, &rel);
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", in->dist_info, relname);
			sync_record_add(&rec, path.buf, rel.buf,
					(int64_t)text.len);
			it->dest[0] = '\0';
		}
		if (ret)
			goto out;
	}
	/* INSTALLER, direct_url.json, RECORD */
	{
		const char *installer = in->opts && in->opts->installer
						? in->opts->installer
						: "cvlock";
		struct {
			const char *name;
			const char *text;
		} extra[2] = { { "INSTALLER", NULL }, { "direct_url.json", NULL } };
		size_t k;

		strbuf_reset(&text);
		strbuf_addstr(&text, installer);
		if (!text.len || text.buf[text.len - 1] != '\n')
			strbuf_addch(&text, '\n');
		extra[0].text = text.buf;
		extra[1].text = in->opts ? in->opts->direct_url : NULL;
		for (k = 0; k < ARRAY_SIZE(extra); k++) {
			if (!extra[k].text)
				continue;
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", tmpdir.buf, extra[k].name);
			if (write_new(path.buf, extra[k].text,
				      strlen(extra[k].text), 0644)) {
				ret = cvl_error_set(err, CVL_EIO,
						    "cannot write '%s': %s",
						    path.buf, strerror(errno));
				goto out;
			}
			strbuf_reset(&rel);
			sync_record_hash(extra[k].text, strlen(extra[k].text),
					 &rel);
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", in->dist_info,
				    extra[k].name);
			sync_record_add(&rec, path.buf, rel.buf,
					(int64_t)strlen(extra[k].text));
		}
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/RECORD", in->dist_info);
	sync_record_add(&rec, path.buf, NULL, -1);
	qsort(rec.entries, rec.n, sizeof(*rec.entries), cmp_entry);
	strbuf_reset(&text);
	sync_record_format(&rec, &text);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/RECORD", tmpdir.buf);
	if (write_new(path.buf, text.buf, text.len, 0644)) {
		ret = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
				    path.buf, strerror(errno));
		goto out;
	}

	/* into place, last; an old dist-info of the name is replaced */
	strbuf_addf(&final, "%s/%s", in->root, in->dist_info);
	if (rename(tmpdir.buf, final.buf)) {
		if (errno != EEXIST && errno != ENOTEMPTY) {
			ret = cvl_error_set(err, CVL_EIO,
					    "cannot rename '%s' to '%s': %s",
					    tmpdir.buf, final.buf,
					    strerror(errno));
			goto out;
		}
		strbuf_addf(&old, "%s/.cvlock-rm-%s.%ld", in->root,
			    in->dist_info, (long)getpid());
		ret = sync_rm_rf(old.buf, err);
		if (ret)
			goto out;
		if (rename(final.buf, old.buf) ||
		    rename(tmpdir.buf, final.buf)) {
			ret = cvl_error_set(err, CVL_EIO,
					    "cannot replace '%s': %s",
					    final.buf, strerror(errno));
			goto out;
		}
		ret = sync_rm_rf(old.buf, err);
	}
	strbuf_reset(&tmpdir);
out:
	if (tmpdir.len) {
		struct cvl_error ignored = CVL_ERROR_INIT;

		if (sync_rm_rf(tmpdir.buf, &ignored))
			ret = ret ? ret : -CVL_EIO;
	}
	sync_record_release(&rec);
	strbuf_release(&tmpdir);
	strbuf_release(&path);
	strbuf_release(&rel);
	strbuf_release(&text);
	strbuf_release(&final);
	strbuf_release(&old);
	strbuf_release(&root);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Two items with one destination: a wheel that contradicts itself. */
static int check_duplicates(struct install *in, struct cvl_error *err)
{
	char **dests = xcalloc(in->n ? in->n : 1, sizeof(*dests));
	size_t n = 0, i;
	int ret = 0;

	for (i = 0; i < in->n; i++)
		if (in->items[i].dest[0])
			dests[n++] = in->items[i].dest;
	qsort(dests, n, sizeof(*dests), cmp_str);
	for (i = 1; i < n; i++) {
		if (!strcmp(dests[i - 1], dests[i])) {
			ret = cvl_error_set(err, CVL_EINVAL,
					    "the wheel of '%s' installs two files to '%s'",
					    in->name, dests[i]);
			break;
		}
	}
	free(dests);
	return ret;
}

int sync_wheel_install(const struct sync_venv *v, const char *unpacked,
		       const char *name, const char *version,
		       const struct sync_install_opts *opts,
		       struct cvl_error *err)
{
	struct install in = { 0 };
	char *unpacked_copy;
	bool purelib;
	size_t i, len;
	int ret;

	in.v = v;
	in.opts = opts;
	in.unpacked = unpacked_copy = xstrdup(unpacked);
	for (len = strlen(unpacked_copy); len > 1 && unpacked_copy[len - 1] == '/';)
		unpacked_copy[--len] = '\0';
	in.name = name;
	in.version = version;
	in.mode = opts ? opts->link_mode : SYNC_LINK_AUTO;

	ret = find_dirs(&in, err);
	if (!ret)
		ret = read_metadata(&in, &purelib, err);
	if (ret)
		goto out;
	in.root = v->paths[purelib ? SYNC_PATH_PURELIB : SYNC_PATH_PLATLIB];
	if (!in.root) {
		ret = cvl_error_set(err, CVL_EINVAL,
				    "the environment '%s' has no %s directory",
				    v->dir, purelib ? "purelib" : "platlib");
		goto out;
	}
	if (in.mode == SYNC_LINK_AUTO) {
		struct stat st;

		if (stat(in.unpacked, &st)) {
			ret = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
					    in.unpacked, strerror(errno));
			goto out;
		}
		in.src_dev = st.st_dev;
	}
	ret = collect_files(&in, err);
	if (!ret)
		ret = collect_entry_points(&in, err);
	if (!ret)
		ret = check_duplicates(&in, err);
	if (ret)
		goto out;
	for (i = 0; i < in.n && !ret; i++)
		if (in.items[i].dest[0])
			ret = place(&in, &in.items[i], err);
	if (!ret)
		ret = write_dist_info(&in, err);
	if (ret) {
		/* the files placed go again */
		for (i = 0; i < in.nplaced; i++)
			unlink(in.placed[i]);
	}
out:
	install_release(&in);
	free(unpacked_copy);
	return ret;
}

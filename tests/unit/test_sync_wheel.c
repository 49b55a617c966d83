/*
 * test_sync_wheel.c - wheels (sync/wheel.c, sync/install.c).
 *
 * Wheels are built here: well-formed ones with libarchive's zip writer
 * (deflate, a RECORD with real hashes), malicious ones with a small raw
 * zip writer (stored entries, central directory written by hand) for
 * what libarchive will not write: device and FIFO entries, duplicate
 * names, sizes that lie.  Every refused wheel must leave nothing behind:
 * no `dest`, no temporary sibling.
 *
 * Install tests use a virtual environment made by
 * `/usr/bin/python3 -m venv --without-pip` (skipped without it) and
 * check the result with that environment's python: the modules import,
 * the console script runs, the RECORD lists every file with its hash.
 */
#include "config.h"
#include "tests/unit/unit.h"
#include "sync/sync.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#define SYSTEM_PYTHON "/usr/bin/python3"

static char tmpdir[256];

static void setup(void)
{
	unit_tmpdir(tmpdir, sizeof(tmpdir), "wheel");
}

static void teardown(void)
{
	unit_rm_rf(tmpdir);
}

/* ---- building wheels ---------------------------------------------------- */

struct member {
	const char *name;
	const char *data; /* NULL: a directory (or the symlink target) */
	unsigned mode;    /* full st_mode; 0: 0100644 (or 040755) */
	int64_t size;     /* raw writer: the size to declare; -1 real */
};

/* A RECORD for `m` (every file hashed, RECORD itself without). */
static char *make_record(const struct member *m, size_t n,
			 const char *record_name)
{
	struct sync_record r = { 0 };
	struct strbuf out = STRBUF_INIT, h = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!m[i].data || (m[i].mode & 0170000) == 0120000)
			continue;
		strbuf_reset(&h);
		sync_record_hash(m[i].data, strlen(m[i].data), &h);
		sync_record_add(&r, m[i].name, h.buf,
				(int64_t)strlen(m[i].data));
	}
	sync_record_add(&r, record_name, NULL, -1);
	sync_record_format(&r, &out);
	sync_record_release(&r);
	strbuf_release(&h);
	return strbuf_detach(&out, NULL);
}

/* With libarchive's zip writer (deflate). */
static void write_zip(const char *path, const struct member *m, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i;

	ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		unsigned mode = m[i].mode;

		e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		if (!mode)
			mode = m[i].data ? 0100644 : 040755;
		archive_entry_set_mode(e, mode);
		if ((mode & 0170000) == 0120000) {
			archive_entry_set_symlink(e, m[i].data);
			archive_entry_set_size(e, 0);
		} else {
			archive_entry_set_size(e, m[i].data ? strlen(m[i].data)
							    : 0);
		}
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		if (m[i].data && (mode & 0170000) == 0100000)
			ck_assert_int_eq(archive_write_data(a, m[i].data,
							    strlen(m[i].data)),
					 (la_ssize_t)strlen(m[i].data));
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static uint32_t crc32_of(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void put16(struct strbuf *sb, unsigned v)
{
	strbuf_addch(sb, (int)(v & 0xff));
	strbuf_addch(sb, (int)((v >> 8) & 0xff));
}

static void put32(struct strbuf *sb, uint32_t v)
{
	put16(sb, v & 0xffff);
	put16(sb, v >> 16);
}

/* A stored zip written byte by byte, made by "Unix" with m[i].mode. */
static void write_raw_zip(const char *path, const struct member *m, size_t n)
{
	struct strbuf z = STRBUF_INIT, cd = STRBUF_INIT;
	uint32_t *offsets = xcalloc(n, sizeof(*offsets));
	uint32_t cdsize;
	size_t i;
	FILE *f;

	for (i = 0; i < n; i++) {
		const char *d = m[i].data ? m[i].data : "";
		size_t len = strlen(d);
		uint32_t crc = crc32_of(d, len);
		uint32_t size = m[i].size >= 0 ? (uint32_t)m[i].size
					       : (uint32_t)len;
		unsigned mode = m[i].mode ? m[i].mode : 0100644;

		offsets[i] = (uint32_t)z.len;
		put32(&z, 0x04034b50);
		put16(&z, 20);
		put16(&z, 0x800);
		put16(&z, 0);
		put32(&z, 0);
		put32(&z, crc);
		put32(&z, size);
		put32(&z, size);
		put16(&z, (unsigned)strlen(m[i].name));
		put16(&z, 0);
		strbuf_addstr(&z, m[i].name);
		strbuf_add(&z, d, len);

		put32(&cd, 0x02014b50);
		put16(&cd, (3 << 8) | 20);
		put16(&cd, 20);
		put16(&cd, 0x800);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, crc);
		put32(&cd, size);
		put32(&cd, size);
		put16(&cd, (unsigned)strlen(m[i].name));
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, (uint32_t)mode << 16);
		put32(&cd, offsets[i]);
		strbuf_addstr(&cd, m[i].name);
	}
	cdsize = (uint32_t)cd.len;
	put32(&cd, 0x06054b50);
	put16(&cd, 0);
	put16(&cd, 0);
	put16(&cd, (unsigned)n);
	put16(&cd, (unsigned)n);
	put32(&cd, cdsize);
	put32(&cd, (uint32_t)z.len);
	put16(&cd, 0);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(z.buf, 1, z.len, f), z.len);
	ck_assert_uint_eq(fwrite(cd.buf, 1, cd.len, f), cd.len);
	ck_assert_int_eq(fclose(f), 0);
	strbuf_release(&z);
	strbuf_release(&cd);
	free(offsets);
}

static const char WHEEL_TEXT[] =
	"Wheel-Version: 1.0\n"
	"Generator: cvlock-tests\n"
	"Root-Is-Purelib: true\n"
	"Tag: py3-none-any\n";

/*
 * The files of demo 1.0 plus `extra` members, with a RECORD computed
 * over all of them, written with `raw` or libarchive.  Returns the path.
 */
static char *build_wheel(const char *fname, const struct member *extra,
			 size_t nextra, bool raw)
{
	static const struct member base[] = {
		{ "demo/__init__.py", "VALUE = 42\n", 0, -1 },
		{ "demo-1.0.dist-info/METADATA",
		  "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n", 0, -1 },
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
	};
	struct member *m = xcalloc(ARRAY_SIZE(base) + nextra + 1, sizeof(*m));
	struct strbuf path = STRBUF_INIT;
	char *record;
	size_t n = 0, i;

	for (i = 0; i < ARRAY_SIZE(base); i++)
		m[n++] = base[i];
	for (i = 0; i < nextra; i++)
		m[n++] = extra[i];
	record = make_record(m, n, "demo-1.0.dist-info/RECORD");
	m[n].name = "demo-1.0.dist-info/RECORD";
	m[n].data = record;
	m[n].size = -1;
	n++;
	strbuf_addf(&path, "%s/%s", tmpdir, fname);
	if (raw)
		write_raw_zip(path.buf, m, n);
	else
		write_zip(path.buf, m, n);
	free(record);
	free(m);
	return strbuf_detach(&path, NULL);
}

static char *read_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

static void check_file(const char *dir, const char *rel, const char *data,
		       unsigned mode)
{
	struct strbuf p = STRBUF_INIT;
	struct stat st;
	char *got;

	strbuf_addf(&p, "%s/%s", dir, rel);
	ck_assert_msg(lstat(p.buf, &st) == 0, "missing %s", p.buf);
	ck_assert_msg(S_ISREG(st.st_mode), "%s is not a file", p.buf);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s has mode %o",
		      p.buf, st.st_mode & 07777);
	got = read_file(p.buf);
	ck_assert_str_eq(got, data);
	free(got);
	strbuf_release(&p);
}

/* Names in `dir` (sorted, joined by ' '). */
static char *list_dir(const char *dir)
{
	struct strvec names = STRVEC_INIT;
	struct strbuf out = STRBUF_INIT;
	struct dirent *d;
	DIR *dh = opendir(dir);
	size_t i;

	ck_assert_ptr_nonnull(dh);
	while ((d = readdir(dh))) {
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			strvec_push(&names, d->d_name);
	}
	closedir(dh);
	strvec_sort(&names);
	for (i = 0; i < names.nr; i++) {
		if (i)
			strbuf_addch(&out, ' ');
		strbuf_addstr(&out, names.v[i]);
	}
	strvec_clear(&names);
	return strbuf_detach(&out, NULL);
}

/* ---- unpack ------------------------------------------------------------- */

START_TEST(test_unpack_ok)
{
	static const struct member extra[] = {
		{ "demo/tool.sh", "#!/bin/sh\necho hi\n", 0100750, -1 },
		{ "./demo/sub//mod.py", "X = 1\n", 0100600, -1 },
		{ "demo/empty/", NULL, 040755, -1 },
		{ "demo/nothing.txt", "", 0, -1 },
	};
	char *whl = build_wheel("demo-1.0-py3-none-any.whl", extra,
				ARRAY_SIZE(extra), false);
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf dest = STRBUF_INIT;
	struct stat st;
	char *names;

	strbuf_addf(&dest, "%s/cache/unpacked-v1/ab/abcd", tmpdir);
	ck_assert_msg(sync_wheel_unpack(whl, dest.buf, &err) == 0, "%s",
		      err.msg);
	check_file(dest.buf, "demo/__init__.py", "VALUE = 42\n", 0644);
	check_file(dest.buf, "demo/tool.sh", "#!/bin/sh\necho hi\n", 0755);
	check_file(dest.buf, "demo/sub/mod.py", "X = 1\n", 0644);
	check_file(dest.buf, "demo/nothing.txt", "", 0644);
	check_file(dest.buf, "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0644);
	strbuf_addstr(&dest, "/demo/empty");
	ck_assert_int_eq(stat(dest.buf, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	strbuf_reset(&dest);

	/* nothing but the result next to it */
	strbuf_addf(&dest, "%s/cache/unpacked-v1/ab", tmpdir);
	names = list_dir(dest.buf);
	ck_assert_str_eq(names, "abcd");
	free(names);

	/* a second unpack to the same place: the first copy stays */
	strbuf_addstr(&dest, "/abcd");
	ck_assert_msg(sync_wheel_unpack(whl, dest.buf, &err) == 0, "%s",
		      err.msg);
	strbuf_setlen(&dest, dest.len - 5);
	names = list_dir(dest.buf);
	ck_assert_str_eq(names, "abcd");
	free(names);

	strbuf_release(&dest);
	free(whl);
}
END_TEST

/* The wheel is refused with `code` and `msg`, and nothing is written. */
static void refused(const char *whl, int code, const char *msg)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf dest = STRBUF_INIT;
	char *names;
	int ret;

	strbuf_addf(&dest, "%s/out/x", tmpdir);
	ret = sync_wheel_unpack(whl, dest.buf, &err);
	ck_assert_msg(ret == -code, "%s: got %d (%s), want %d", whl, ret,
		      err.msg, -code);
	ck_assert_str_eq(err.msg, msg);
	strbuf_setlen(&dest, dest.len - 2);
	if (access(dest.buf, F_OK) == 0) {
		names = list_dir(dest.buf);
		ck_assert_msg(!*names, "left behind: %s", names);
		free(names);
	}
	strbuf_release(&dest);
}

/* demo 1.0 plus one member `m`, refused with `msg`. */
static void refused_with(const struct member *m, size_t n, bool raw,
			 int code, const char *msg)
{
	char *whl = build_wheel("demo-1.0-py3-none-any.whl", m, n, raw);

	refused(whl, code, msg);
	unlink(whl);
	free(whl);
}

#define PFX "cannot unpack 'demo-1.0-py3-none-any.whl': "

START_TEST(test_unpack_malicious_paths)
{
	static const struct member abs1[] = { { "/etc/evil", "x", 0, -1 } };
	static const struct member abs2[] = { { "C:/evil", "x", 0, -1 } };
	static const struct member dots1[] = { { "../evil", "x", 0, -1 } };
	static const struct member dots2[] = {
		{ "demo/../../evil", "x", 0, -1 } };
	static const struct member dots3[] = { { "demo/..", NULL, 040755, -1 } };
	/* libarchive reads '\\' as '/' */
	static const struct member bslash[] = {
		{ "demo\\..\\..\\evil", "x", 0, -1 } };
	static const struct member ctl[] = { { "demo/a\nb", "x", 0, -1 } };

	refused_with(abs1, 1, true, CVL_EINVAL,
		     PFX "entry '/etc/evil' has an absolute path");
	refused_with(abs2, 1, true, CVL_EINVAL,
		     PFX "entry 'C:/evil' has an absolute path");
	refused_with(dots1, 1, true, CVL_EINVAL,
		     PFX "entry '../evil' has a '..' component");
	refused_with(dots2, 1, false, CVL_EINVAL,
		     PFX "entry 'demo/../../evil' has a '..' component");
	refused_with(dots3, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/../' has a '..' component");
	refused_with(bslash, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/../../evil' has a '..' component");
	refused_with(ctl, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/a\nb' has a control character in its name");
}
END_TEST

START_TEST(test_unpack_malicious_types)
{
	static const struct member link1[] = {
		{ "demo/passwd", "/etc/passwd", 0120777, -1 } };
	static const struct member link2[] = {
		{ "demo/up", "../../..", 0120777, -1 } };
	static const struct member chr[] = { { "demo/tty", "", 020644, -1 } };
	static const struct member blk[] = { { "demo/sda", "", 060644, -1 } };
	static const struct member fifo[] = { { "demo/fifo", "", 010644, -1 } };
	static const struct member sock[] = { { "demo/sock", "", 0140644, -1 } };

	refused_with(link1, 1, false, CVL_EINVAL,
		     PFX "entry 'demo/passwd' is a symbolic link");
	refused_with(link2, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/up' is a symbolic link");
	refused_with(chr, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/tty' is a device, FIFO or socket");
	refused_with(blk, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/sda' is a device, FIFO or socket");
	refused_with(fifo, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/fifo' is a device, FIFO or socket");
	refused_with(sock, 1, true, CVL_EINVAL,
		     PFX "entry 'demo/sock' is a device, FIFO or socket");
}
END_TEST

START_TEST(test_unpack_collisions)
{
	static const struct member dup[] = {
		{ "demo/a.py", "1", 0, -1 }, { "demo/a.py", "2", 0, -1 } };
	static const struct member dot[] = {
		{ "demo/a.py", "1", 0, -1 }, { "./demo/a.py", "2", 0, -1 } };
	static const struct member slashes[] = {
		{ "demo/x/a.py", "1", 0, -1 }, { "demo//x/a.py", "2", 0, -1 } };
	static const struct member cased[] = {
		{ "demo/Readme.txt", "1", 0, -1 },
		{ "demo/README.TXT", "2", 0, -1 } };
	static const struct member filedir[] = {
		{ "demo/x", "1", 0, -1 }, { "demo/x/a.py", "2", 0, -1 } };
	static const struct member filedir2[] = {
		{ "demo/X/", NULL, 040755, -1 }, { "demo/x", "2", 0, -1 } };

	refused_with(dup, 2, true, CVL_EINVAL,
		     PFX "two entries are named 'demo/a.py' (after case folding and normalization)");
	refused_with(dot, 2, true, CVL_EINVAL,
		     PFX "two entries are named 'demo/a.py' (after case folding and normalization)");
	refused_with(slashes, 2, true, CVL_EINVAL,
		     PFX "two entries are named 'demo/x/a.py' (after case folding and normalization)");
	refused_with(cased, 2, false, CVL_EINVAL,
		     PFX "two entries are named 'demo/readme.txt' (after case folding and normalization)");
	refused_with(filedir, 2, true, CVL_EINVAL,
		     PFX "entry 'demo/x' is both a file and a directory");
	refused_with(filedir2, 2, true, CVL_EINVAL,
		     PFX "entry 'demo/x' is both a file and a directory");
}
END_TEST

/* A wheel of exactly these members (no RECORD added). */
static char *raw_wheel(const struct member *m, size_t n)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/demo-1.0-py3-none-any.whl", tmpdir);
	write_raw_zip(path.buf, m, n);
	return strbuf_detach(&path, NULL);
}

static void refused_exact(const struct member *m, size_t n, int code,
			  const char *msg)
{
	char *whl = raw_wheel(m, n);

	refused(whl, code, msg);
	unlink(whl);
	free(whl);
}

START_TEST(test_unpack_metadata)
{
	static const struct member no_wheel[] = {
		{ "demo/__init__.py", "", 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "demo/__init__.py,,\n", 0, -1 },
	};
	static const struct member no_record[] = {
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
	};
	static const struct member no_dist_info[] = {
		{ "demo/__init__.py", "", 0, -1 },
		{ "demo/WHEEL", WHEEL_TEXT, 0, -1 },
	};
	static const struct member two[] = {
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "", 0, -1 },
		{ "evil-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
	};
	static const struct member v2[] = {
		{ "demo-1.0.dist-info/WHEEL", "Wheel-Version: 2.0\n", 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "", 0, -1 },
	};
	static const struct member nover[] = {
		{ "demo-1.0.dist-info/WHEEL", "Root-Is-Purelib: true\n", 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "", 0, -1 },
	};
	static const struct member badrec[] = {
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "a,,\n\"b,,\n", 0, -1 },
	};
	static const struct member md5[] = {
		{ "demo/a.py", "", 0, -1 },
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "demo/a.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0\n",
		  0, -1 },
	};
	/* libarchive wants the declared size; three of them pass 8 GiB */
	static const struct member bomb[] = {
		{ "demo/a", "", 0, 0xfffffff0 },
		{ "demo/b", "", 0, 0xfffffff0 },
		{ "demo/c", "", 0, 0xfffffff0 },
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "", 0, -1 },
	};

	refused_exact(no_wheel, 2, CVL_EINVAL,
		      PFX "it has no 'demo-1.0.dist-info/WHEEL'");
	refused_exact(no_record, 1, CVL_EINVAL,
		      PFX "it has no 'demo-1.0.dist-info/RECORD'");
	refused_exact(no_dist_info, 2, CVL_EINVAL,
		      PFX "it has no .dist-info directory");
	refused_exact(two, 3, CVL_EINVAL,
		      PFX "it has 2 .dist-info directories ('demo-1.0.dist-info', 'evil-1.0.dist-info')");
	refused_exact(v2, 2, CVL_EUNSUPPORTED,
		      PFX "Wheel-Version 2 is not supported (cvlock reads 1.x)");
	refused_exact(nover, 2, CVL_EINVAL,
		      PFX "'demo-1.0.dist-info/WHEEL' has no Wheel-Version");
	refused_exact(badrec, 2, CVL_EINVAL,
		      PFX "'demo-1.0.dist-info/RECORD': RECORD line 2 has a quote that is never closed");
	refused_exact(md5, 3, CVL_EINVAL,
		      PFX "RECORD gives entry 'demo/a.py' a hash of an unsupported algorithm ('md5=1B2M2Y8AsgTpgAmY7PhCfg')");
	refused_exact(bomb, 5, CVL_ETOOBIG,
		      PFX "more than 8589934592 bytes uncompressed");
}
END_TEST

START_TEST(test_unpack_record_mismatch)
{
	static const struct member hash[] = {
		{ "demo/a.py", "print('evil')\n", 0, -1 },
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo-1.0.dist-info/RECORD",
		  "demo/a.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,14\n"
		  "demo-1.0.dist-info/RECORD,,\n", 0, -1 },
	};
	static const struct member size[] = {
		{ "demo/a.py", "print('evil')\n", 0, -1 },
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo-1.0.dist-info/RECORD", "./demo/a.py,,13\n", 0, -1 },
	};
	/* a padded hash, a RECORD path spelled with "./": accepted */
	static const struct member padded[] = {
		{ "demo/a.py", "", 0, -1 },
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo-1.0.dist-info/RECORD",
		  "./demo/a.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=,0\n",
		  0, -1 },
	};
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf dest = STRBUF_INIT;
	char *whl;

	refused_exact(hash, 3, CVL_EHASH,
		      PFX "entry 'demo/a.py' does not match its RECORD hash "
		      "(RECORD: sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU, "
		      "file: sha256=YTVDUwG_AVK4EAohr9VHGODmZ1JL_jL5oXxnavFEsoo)");
	refused_exact(size, 3, CVL_EHASH,
		      PFX "entry 'demo/a.py' has 14 bytes, and RECORD says 13");
	whl = raw_wheel(padded, 3);
	strbuf_addf(&dest, "%s/ok", tmpdir);
	ck_assert_msg(sync_wheel_unpack(whl, dest.buf, &err) == 0, "%s",
		      err.msg);
	strbuf_release(&dest);
	free(whl);
}
END_TEST

START_TEST(test_unpack_not_a_wheel)
{
	struct strbuf p = STRBUF_INIT, msg = STRBUF_INIT;
	FILE *f;

	strbuf_addf(&p, "%s/missing.whl", tmpdir);
	strbuf_addstr(&msg,
		      "cannot unpack 'missing.whl': No such file or directory");
	refused(p.buf, CVL_ENOTFOUND, msg.buf);

	/* not a zip */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/text.whl", tmpdir);
	f = fopen(p.buf, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not a zip file\n", f);
	ck_assert_int_eq(fclose(f), 0);
	refused(p.buf, CVL_EINVAL,
		"cannot unpack 'text.whl': not a zip file: no end of central directory record");
	strbuf_release(&p);
	strbuf_release(&msg);
}
END_TEST

/* ---- install ------------------------------------------------------------ */

static bool have_python(void)
{
	return access(SYSTEM_PYTHON, X_OK) == 0;
}

/* Run a shell command; its stdout (and exit status in *status). */
static char *run(const char *cmd, int *status)
{
	struct strbuf out = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *p = popen(cmd, "r");
	int st;

	ck_assert_ptr_nonnull(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_add(&out, buf, n);
	st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return strbuf_detach(&out, NULL);
}

static char *run_ok(const char *cmd)
{
	int status;
	char *out = run(cmd, &status);

	ck_assert_msg(status == 0, "'%s' exited with %d: %s", cmd, status,
		      out);
	return out;
}

/*
 * A venv made by `python3 -m venv --without-pip` at tmpdir/venv, with
 * struct sync_venv filled from its own sysconfig.
 */
static void make_venv(struct sync_venv *v)
{
	struct strbuf cmd = STRBUF_INIT, sb = STRBUF_INIT;
	char *out, *line, *next;
	int i;

	memset(v, 0, sizeof(*v));
	strbuf_addf(&sb, "%s/venv", tmpdir);
	v->dir = strbuf_detach(&sb, NULL);
	strbuf_addf(&cmd, "%s -m venv --without-pip %s", SYSTEM_PYTHON,
		    v->dir);
	free(run_ok(cmd.buf));
	strbuf_addf(&sb, "%s/bin/python", v->dir);
	v->python = strbuf_detach(&sb, NULL);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd,
		    "%s -I -c \"import sysconfig, sys; p = sysconfig.get_paths(); "
		    "print(p['purelib']); print(p['platlib']); print(p['scripts']); "
		    "print(p['data']); print(sys.prefix + '/include/site/python%%d.%%d' %% sys.version_info[:2])\"",
		    v->python);
	out = run_ok(cmd.buf);
	line = out;
	for (i = 0; i < SYNC_NPATHS; i++) {
		next = strchr(line, '\n');
		ck_assert_ptr_nonnull(next);
		*next = '\0';
		v->paths[i] = xstrdup(line);
		line = next + 1;
	}
	free(out);
	strbuf_release(&cmd);
}

static void release_venv(struct sync_venv *v)
{
	int i;

	free(v->dir);
	free(v->python);
	for (i = 0; i < SYNC_NPATHS; i++)
		free(v->paths[i]);
	free(v->home);
}

static const char DEMO_INIT[] =
	"VALUE = 42\n"
	"def main():\n"
	"    print('demo main', VALUE)\n"
	"    return 0\n";
static const char DEMO_SCRIPT[] =
	"#!python -u\n"
	"import demo\n"
	"print('script', demo.VALUE)\n";
static const char ENTRY_POINTS[] =
	"[console_scripts]\n"
	"demo = demo:main\n"
	"demo-nested = demo.cli:App.run [extra]\n"
	"\n"
	"[gui_scripts]\n"
	"demo-gui = demo.cli:gui\n"
	"[demo.plugins]\n"
	"not-a-script = os:system\n";

/* demo 1.0 with every kind of file; unpacked into the cache. */
static char *unpacked_demo(const char *entry_points, bool purelib)
{
	const struct member m[] = {
		{ "demo/__init__.py", DEMO_INIT, 0, -1 },
		{ "demo/cli.py",
		  "class App:\n"
		  "    @staticmethod\n"
		  "    def run():\n"
		  "        print('nested')\n"
		  "def gui():\n"
		  "    return 3\n", 0, -1 },
		{ "demo-1.0.data/scripts/demo-script", DEMO_SCRIPT, 0100755,
		  -1 },
		{ "demo-1.0.data/scripts/plain.sh", "#!/bin/sh\necho plain\n",
		  0100644, -1 },
		{ "demo-1.0.data/purelib/demo_pure.py", "PURE = 1\n", 0, -1 },
		{ "demo-1.0.data/platlib/demo_plat.py", "PLAT = 2\n", 0, -1 },
		{ "demo-1.0.data/headers/demo.h", "int demo;\n", 0, -1 },
		{ "demo-1.0.data/data/share/demo/readme.txt", "hello\n", 0, -1 },
		{ "demo-1.0.dist-info/METADATA",
		  "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n", 0, -1 },
		{ "demo-1.0.dist-info/WHEEL",
		  purelib ? WHEEL_TEXT
			  : "Wheel-Version: 1.0\nRoot-Is-Purelib: false\n"
			    "Tag: cp311-cp311-linux_x86_64\n", 0, -1 },
		{ "demo-1.0.dist-info/entry_points.txt", entry_points, 0, -1 },
		{ "demo-1.0.dist-info/licenses/LICENSE", "MIT\n", 0, -1 },
		{ "demo-1.0.dist-info/INSTALLER", "pip\n", 0, -1 },
	};
	struct member all[ARRAY_SIZE(m) + 1];
	struct strbuf whl = STRBUF_INIT, dest = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	char *record;
	size_t n = ARRAY_SIZE(m);

	memcpy(all, m, sizeof(m));
	if (!entry_points)
		all[10] = all[--n];
	record = make_record(all, n, "demo-1.0.dist-info/RECORD");
	all[n].name = "demo-1.0.dist-info/RECORD";
	all[n].data = record;
	all[n].mode = 0;
	all[n].size = -1;
	strbuf_addf(&whl, "%s/demo-1.0-py3-none-any.whl", tmpdir);
	write_zip(whl.buf, all, n + 1);
	free(record);
	strbuf_addf(&dest, "%s/cache/unpacked-v1/de/demo%s", tmpdir,
		    purelib ? "" : "-plat");
	ck_assert_msg(sync_wheel_unpack(whl.buf, dest.buf, &err) == 0, "%s",
		      err.msg);
	strbuf_release(&whl);
	return strbuf_detach(&dest, NULL);
}

/*
 * Check the RECORD with the environment's own python (csv, hashlib):
 * every listed file exists with that size and hash, RECORD itself is
 * listed without one, and every file under the given directories is
 * listed (but the venv's own python links and activation scripts).
 * Prints the number of entries.
 */
static const char CHECK_RECORD_PY[] =
	"import base64, csv, hashlib, os, sys\n"
	"sp, di = sys.argv[1], sys.argv[2]\n"
	"rows = list(csv.reader(open(os.path.join(sp, di, 'RECORD'), newline='')))\n"
	"listed = set()\n"
	"for path, h, size in rows:\n"
	"    full = os.path.normpath(os.path.join(sp, path))\n"
	"    listed.add(full)\n"
	"    if path == di + '/RECORD':\n"
	"        assert h == '' and size == '', (path, h, size)\n"
	"        continue\n"
	"    data = open(full, 'rb').read()\n"
	"    d = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()\n"
	"    assert h == 'sha256=' + d, (path, h, d)\n"
	"    assert int(size) == len(data), (path, size)\n"
	"for top in sys.argv[3:]:\n"
	"    for dp, dn, fn in os.walk(top):\n"
	"        for f in fn:\n"
	"            full = os.path.normpath(os.path.join(dp, f))\n"
	"            if '__pycache__' in full or os.path.islink(full) or \\\n"
	"                    f.lower().startswith('activate'):\n"
	"                continue  # the venv's own\n"
	"            assert full in listed, full\n"
	"print(len(rows))\n";

static char *check_record(const struct sync_venv *v, const char *sp,
			  const char *extra_dirs)
{
	struct strbuf path = STRBUF_INIT, cmd = STRBUF_INIT;
	FILE *f;
	char *out;

	strbuf_addf(&path, "%s/check_record.py", tmpdir);
	f = fopen(path.buf, "w");
	ck_assert_ptr_nonnull(f);
	fputs(CHECK_RECORD_PY, f);
	ck_assert_int_eq(fclose(f), 0);
	strbuf_addf(&cmd, "%s -I %s %s demo-1.0.dist-info %s 2>&1", v->python,
		    path.buf, sp, extra_dirs);
	out = run_ok(cmd.buf);
	strbuf_release(&path);
	strbuf_release(&cmd);
	return out;
}

/* No temporary file or directory anywhere in the environment. */
static void check_no_leftovers(const char *dir)
{
	struct strbuf cmd = STRBUF_INIT;
	char *out;

	strbuf_addf(&cmd, "find %s -name '*cvlock-tmp*' -o -name '.cvlock-rm*'",
		    dir);
	out = run_ok(cmd.buf);
	ck_assert_msg(!*out, "left behind: %s", out);
	free(out);
	strbuf_release(&cmd);
}

static void install_ok(const struct sync_venv *v, const char *unpacked,
		       enum sync_link_mode mode, const char *direct_url)
{
	struct sync_install_opts opts = { mode, NULL, direct_url };
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_msg(sync_wheel_install(v, unpacked, "demo", "1.0", &opts,
					 &err) == 0, "%s", err.msg);
}

START_TEST(test_install)
{
	struct sync_venv v;
	struct strbuf cmd = STRBUF_INIT, p = STRBUF_INIT;
	char *unpacked, *out;
	struct stat st;

	if (!have_python())
		return;
	make_venv(&v);
	unpacked = unpacked_demo(ENTRY_POINTS, true);
	install_ok(&v, unpacked, SYNC_LINK_AUTO,
		   "{\"url\": \"https://example.org/demo-1.0-py3-none-any.whl\"}");

	/* the modules import, with the environment's python */
	strbuf_addf(&cmd,
		    "%s -c \"import demo, demo_pure, demo_plat, importlib.metadata as m; "
		    "print(demo.VALUE, demo_pure.PURE, demo_plat.PLAT, m.version('demo'), "
		    "len(m.files('demo')), m.distribution('demo').read_text('INSTALLER'))\"",
		    v.python);
	out = run_ok(cmd.buf);
	ck_assert_str_eq(out, "42 1 2 1.0 18 cvlock\n\n");
	free(out);

	/* console scripts, a nested attribute, a gui script, .data scripts */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/demo", v.dir);
	out = run_ok(cmd.buf);
	ck_assert_str_eq(out, "demo main 42\n");
	free(out);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/demo-nested", v.dir);
	out = run_ok(cmd.buf);
	ck_assert_str_eq(out, "nested\n");
	free(out);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/demo-gui", v.dir);
	{
		int status;

		out = run(cmd.buf, &status);
		ck_assert_int_eq(status, 3);
		free(out);
	}
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/demo-script", v.dir);
	out = run_ok(cmd.buf);
	ck_assert_str_eq(out, "script 42\n");
	free(out);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/plain.sh", v.dir);
	out = run_ok(cmd.buf);
	ck_assert_str_eq(out, "plain\n");
	free(out);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/not-a-script", v.dir);
	ck_assert_int_ne(access(cmd.buf, F_OK), 0);

	/* the shebang, pip's launcher, modes */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/bin/demo-script", v.dir);
	out = read_file(p.buf);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "#!%s\nimport demo\nprint('script', demo.VALUE)\n",
		    v.python);
	ck_assert_str_eq(out, cmd.buf);
	free(out);
	ck_assert_int_eq(stat(p.buf, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0755);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/bin/demo", v.dir);
	out = read_file(p.buf);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd,
		    "#!%s\n"
		    "# -*- coding: utf-8 -*-\n"
		    "import re\n"
		    "import sys\n"
		    "from demo import main\n"
		    "if __name__ == '__main__':\n"
		    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
		    "    sys.exit(main())\n",
		    v.python);
	ck_assert_str_eq(out, cmd.buf);
	free(out);
	ck_assert_int_eq(stat(p.buf, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0755);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/demo/__init__.py", v.paths[SYNC_PATH_PURELIB]);
	ck_assert_int_eq(stat(p.buf, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);

	/* headers and data */
	check_file(v.dir, "include/site/python3.11/demo/demo.h", "int demo;\n",
		   0644);
	check_file(v.dir, "share/demo/readme.txt", "hello\n", 0644);

	/* the dist-info: INSTALLER and direct_url.json ours, RECORD whole */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/demo-1.0.dist-info", v.paths[SYNC_PATH_PURELIB]);
	check_file(p.buf, "INSTALLER", "cvlock\n", 0644);
	check_file(p.buf, "direct_url.json",
		   "{\"url\": \"https://example.org/demo-1.0-py3-none-any.whl\"}",
		   0644);
	check_file(p.buf, "licenses/LICENSE", "MIT\n", 0644);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin %s/include %s/share", v.dir, v.dir, v.dir);
	out = check_record(&v, v.paths[SYNC_PATH_PURELIB], cmd.buf);
	ck_assert_str_eq(out, "18\n");
	free(out);
	check_no_leftovers(v.dir);

	/* installing again over it (a reinstall): the same result */
	install_ok(&v, unpacked, SYNC_LINK_COPY, NULL);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/demo-1.0.dist-info/direct_url.json",
		    v.paths[SYNC_PATH_PURELIB]);
	ck_assert_int_ne(access(p.buf, F_OK), 0);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin %s/include %s/share", v.dir, v.dir, v.dir);
	out = check_record(&v, v.paths[SYNC_PATH_PURELIB], cmd.buf);
	ck_assert_str_eq(out, "17\n");
	free(out);
	check_no_leftovers(v.dir);

	free(unpacked);
	release_venv(&v);
	strbuf_release(&cmd);
	strbuf_release(&p);
}
END_TEST

static ino_t inode_of(const char *path)
{
	struct stat st;

	ck_assert_msg(stat(path, &st) == 0, "missing %s", path);
	return st.st_ino;
}

START_TEST(test_install_link_modes)
{
	static const enum sync_link_mode modes[] = {
		SYNC_LINK_HARDLINK, SYNC_LINK_COPY, SYNC_LINK_CLONE,
		SYNC_LINK_AUTO,
	};
	struct sync_venv v;
	struct strbuf inst = STRBUF_INIT, cache = STRBUF_INIT;
	struct strbuf script = STRBUF_INIT;
	char *unpacked, *got;
	size_t i;
	enum sync_link_mode m;

	ck_assert(sync_link_mode_parse("clone", &m) && m == SYNC_LINK_CLONE);
	ck_assert(sync_link_mode_parse("hardlink", &m) &&
		  m == SYNC_LINK_HARDLINK);
	ck_assert(sync_link_mode_parse("copy", &m) && m == SYNC_LINK_COPY);
	ck_assert(sync_link_mode_parse("auto", &m) && m == SYNC_LINK_AUTO);
	ck_assert(!sync_link_mode_parse("symlink", &m));
	ck_assert_str_eq(sync_link_mode_name(SYNC_LINK_HARDLINK), "hardlink");
	if (!have_python())
		return;
	make_venv(&v);
	unpacked = unpacked_demo(NULL, true);
	strbuf_addf(&inst, "%s/demo/__init__.py", v.paths[SYNC_PATH_PURELIB]);
	strbuf_addf(&cache, "%s/demo/__init__.py", unpacked);
	strbuf_addf(&script, "%s/bin/demo-script", v.dir);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		install_ok(&v, unpacked, modes[i], NULL);
		got = read_file(inst.buf);
		ck_assert_str_eq(got, DEMO_INIT);
		free(got);
		if (modes[i] == SYNC_LINK_HARDLINK)
			ck_assert(inode_of(inst.buf) == inode_of(cache.buf));
		if (modes[i] == SYNC_LINK_COPY || modes[i] == SYNC_LINK_CLONE)
			ck_assert(inode_of(inst.buf) != inode_of(cache.buf));
		/* a rewritten script is never a link to the cache */
		got = read_file(script.buf);
		ck_assert(!strncmp(got, "#!/", 3));
		free(got);
		check_no_leftovers(v.dir);
	}
	/* the cache is untouched by the rewrite of the shebang */
	strbuf_reset(&cache);
	strbuf_addf(&cache, "%s/demo-1.0.data/scripts/demo-script", unpacked);
	got = read_file(cache.buf);
	ck_assert_str_eq(got, DEMO_SCRIPT);
	free(got);
	free(unpacked);
	release_venv(&v);
	strbuf_release(&inst);
	strbuf_release(&cache);
	strbuf_release(&script);
}
END_TEST

/* Root-Is-Purelib: false into a platlib of its own: RECORD's "../" paths. */
START_TEST(test_install_platlib_root)
{
	struct sync_venv v;
	struct strbuf plat = STRBUF_INIT, cmd = STRBUF_INIT;
	char *unpacked, *out;

	if (!have_python())
		return;
	make_venv(&v);
	unpacked = unpacked_demo(NULL, false);
	strbuf_addf(&plat, "%s/lib/plat/site-packages", v.dir);
	free(v.paths[SYNC_PATH_PLATLIB]);
	v.paths[SYNC_PATH_PLATLIB] = strbuf_detach(&plat, NULL);
	install_ok(&v, unpacked, SYNC_LINK_AUTO, NULL);
	strbuf_addf(&plat, "%s/demo-1.0.dist-info", v.paths[SYNC_PATH_PLATLIB]);
	ck_assert_int_eq(access(plat.buf, F_OK), 0);
	check_file(v.paths[SYNC_PATH_PLATLIB], "demo/__init__.py", DEMO_INIT,
		   0644);
	check_file(v.paths[SYNC_PATH_PLATLIB], "demo_plat.py", "PLAT = 2\n",
		   0644);
	check_file(v.paths[SYNC_PATH_PURELIB], "demo_pure.py", "PURE = 1\n",
		   0644);
	strbuf_addf(&cmd, "%s %s/bin", v.paths[SYNC_PATH_PURELIB], v.dir);
	out = check_record(&v, v.paths[SYNC_PATH_PLATLIB], cmd.buf);
	ck_assert_str_eq(out, "13\n");
	free(out);
	/* and the RECORD spells them relative to platlib */
	strbuf_reset(&plat);
	strbuf_addf(&plat, "%s/demo-1.0.dist-info/RECORD",
		    v.paths[SYNC_PATH_PLATLIB]);
	out = read_file(plat.buf);
	ck_assert_msg(strstr(out, "\n../../python3.11/site-packages/demo_pure.py,sha256=") != NULL,
		      "%s", out);
	ck_assert_msg(!strncmp(out, "../../../bin/demo-script,sha256=", 32),
		      "%s", out);
	free(out);
	free(unpacked);
	release_venv(&v);
	strbuf_release(&plat);
	strbuf_release(&cmd);
}
END_TEST

/* Nothing but what was there, after a failed install. */
static void install_fails(const struct sync_venv *v, const char *unpacked,
			  const char *name, int code, const char *msg)
{
	struct sync_install_opts opts = { SYNC_LINK_AUTO, NULL, NULL };
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf p = STRBUF_INIT;

	ck_assert_int_eq(sync_wheel_install(v, unpacked, name, "1.0", &opts,
					    &err), -code);
	ck_assert_str_eq(err.msg, msg);
	strbuf_addf(&p, "%s/demo/__init__.py", v->paths[SYNC_PATH_PURELIB]);
	ck_assert_int_ne(access(p.buf, F_OK), 0);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/demo-1.0.dist-info", v->paths[SYNC_PATH_PURELIB]);
	ck_assert_int_ne(access(p.buf, F_OK), 0);
	check_no_leftovers(v->dir);
	strbuf_release(&p);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * New files are made at their names directly; existing ones are replaced
 * through a temporary name, which a sync killed while replacing them may
 * have left behind (next to the file, which is still there).
 */
START_TEST(test_install_over_leftovers)
{
	struct sync_venv v;
	struct strbuf p = STRBUF_INIT;
	char *unpacked;
	ino_t before;

	if (!have_python())
		return;
	make_venv(&v);
	unpacked = unpacked_demo(NULL, true);
	strbuf_addf(&p, "%s/demo", v.paths[SYNC_PATH_PURELIB]);
	ck_assert_int_eq(mkdir(p.buf, 0755), 0);
	strbuf_addstr(&p, "/__init__.py");
	write_file(p.buf, "stale = 1\n");
	before = inode_of(p.buf);
	strbuf_addstr(&p, ".cvlock-tmp");
	write_file(p.buf, "left by a killed sync\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/bin/demo-script", v.dir);
	write_file(p.buf, "stale\n");
	strbuf_addstr(&p, ".cvlock-tmp");
	write_file(p.buf, "junk\n");

	install_ok(&v, unpacked, SYNC_LINK_AUTO, NULL);
	check_file(v.paths[SYNC_PATH_PURELIB], "demo/__init__.py", DEMO_INIT,
		   0644);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/demo/__init__.py", v.paths[SYNC_PATH_PURELIB]);
	ck_assert(inode_of(p.buf) != before); /* replaced, not written to */
	check_no_leftovers(v.dir);

	/* again, over its own links to the cache: nothing left either */
	install_ok(&v, unpacked, SYNC_LINK_AUTO, NULL);
	check_file(v.paths[SYNC_PATH_PURELIB], "demo/__init__.py", DEMO_INIT,
		   0644);
	check_no_leftovers(v.dir);

	unit_rm_rf(unpacked);
	free(unpacked);
	release_venv(&v);
	strbuf_release(&p);
}
END_TEST

START_TEST(test_install_failures)
{
	static const char *const bad_eps[] = {
		"[console_scripts]\nevil = os:system('rm -rf /')\n",
		"[console_scripts]\nevil = os\n",
		"[console_scripts]\n../evil = demo:main\n",
		"[gui_scripts]\nevil = demo:main;import os\n",
		"[console_scripts]\nevil\n",
	};
	struct sync_venv v;
	struct strbuf msg = STRBUF_INIT, p = STRBUF_INIT;
	char *unpacked;
	size_t i;

	if (!have_python())
		return;
	make_venv(&v);
	for (i = 0; i < ARRAY_SIZE(bad_eps); i++) {
		const char *line = strchr(bad_eps[i], '\n') + 1;

		unpacked = unpacked_demo(bad_eps[i], true);
		strbuf_reset(&msg);
		strbuf_addf(&msg,
			    "'demo-1.0.dist-info/entry_points.txt' line 2 is not 'name = module:function': '%.*s'",
			    (int)(strlen(line) - 1), line);
		install_fails(&v, unpacked, "demo", CVL_EINVAL, msg.buf);
		unit_rm_rf(unpacked);
		free(unpacked);
	}

	unpacked = unpacked_demo(NULL, true);
	install_fails(&v, unpacked, "other", CVL_EINVAL,
		      "the wheel of 'other' holds 'demo-1.0.dist-info', the metadata of another project");

	/* a directory in the way of a later file: the placed ones go */
	strbuf_addf(&p, "%s/bin/demo-script", v.dir);
	ck_assert_int_eq(mkdir(p.buf, 0755), 0);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "cannot install '%s': a directory is in the way",
		    p.buf);
	install_fails(&v, unpacked, "Demo", CVL_EIO, msg.buf);
	ck_assert_int_eq(rmdir(p.buf), 0);
	install_ok(&v, unpacked, SYNC_LINK_AUTO, NULL);

	free(unpacked);
	release_venv(&v);
	strbuf_release(&msg);
	strbuf_release(&p);
}
END_TEST

/*
 * sync_download with opts.unpack: every wheel unpacked by the worker
 * threads as it arrives (or from the cache); one whose RECORD lies is
 * downloaded but not unpacked, and sync_unpack_cached says why.
 */
START_TEST(test_download_and_unpack)
{
	enum { NW = 6 };
	static const struct member lie[] = {
		{ "demo-1.0.dist-info/WHEEL", WHEEL_TEXT, 0, -1 },
		{ "demo/__init__.py", "VALUE = 42\n", 0, -1 },
		{ "demo-1.0.dist-info/RECORD",
		  "demo/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,11\n",
		  0, -1 },
	};
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_download_opts o;
	struct sync_download_stats st;
	struct sync_fetch f[NW + 1];
	char hex[NW + 1][65], name[NW + 1][64], *url[NW + 1];
	struct strbuf cache = STRBUF_INIT, p = STRBUF_INIT;
	int round;
	size_t i;

	memset(f, 0, sizeof(f));
	for (i = 0; i <= NW; i++) {
		struct member m = { "demo/n.py", NULL, 0, -1 };
		char data[32];
		char *whl;
		struct strbuf u = STRBUF_INIT, body = STRBUF_INIT;
		int fd;

		snprintf(data, sizeof(data), "N = %zu\n", i);
		m.data = data;
		/* raw_wheel() writes demo-1.0-py3-none-any.whl */
		snprintf(name[i], sizeof(name[i]), "demo-1.%zu-py3-none-any.whl",
			 i < NW ? i + 1 : 0);
		whl = i < NW ? build_wheel(name[i], &m, 1, false)
			     : raw_wheel(lie, ARRAY_SIZE(lie));
		fd = open(whl, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		for (;;) {
			char buf[4096];
			ssize_t r = read(fd, buf, sizeof(buf));

			ck_assert_int_ge(r, 0);
			if (!r)
				break;
			strbuf_add(&body, buf, (size_t)r);
		}
		close(fd);
		sha256_hex(body.buf, body.len, hex[i]);
		ck_assert_int_eq(url_from_path(whl, &u, &err), 0);
		url[i] = strbuf_detach(&u, NULL);
		f[i].name = "demo";
		f[i].filename = name[i];
		f[i].url = url[i];
		f[i].sha256 = hex[i];
		f[i].size = (int64_t)body.len;
		strbuf_release(&body);
		free(whl);
	}
	strbuf_addf(&cache, "%s/cache", tmpdir);
	memset(&o, 0, sizeof(o));
	o.cache_dir = cache.buf;
	o.unpack = true;
	o.jobs = 3;
	/* downloaded and unpacked, then both from the cache */
	for (round = 0; round < 2; round++) {
		ck_assert_msg(sync_download(f, NW + 1, &o, &st, &err) == 0,
			      "%s", err.msg);
		ck_assert_uint_eq(round ? st.cached : st.downloaded, NW + 1);
		for (i = 0; i < NW; i++) {
			char *text;

			strbuf_reset(&p);
			sync_cache_unpacked_path(cache.buf, hex[i], &p);
			ck_assert_ptr_nonnull(f[i].unpacked);
			ck_assert_str_eq(f[i].unpacked, p.buf);
			strbuf_addstr(&p, "/demo/n.py");
			text = read_file(p.buf);
			ck_assert_int_eq(strtol(text + 4, NULL, 10), (long)i);
			free(text);
		}
		ck_assert_int_eq(f[NW].rc, 0);
		ck_assert_ptr_nonnull(f[NW].wheel);
		ck_assert_ptr_null(f[NW].unpacked);
		strbuf_reset(&p);
		ck_assert_int_eq(sync_unpack_cached(cache.buf, hex[NW],
						    f[NW].wheel, &p, &err),
				 -CVL_EHASH);
		ck_assert(strstr(err.msg, "does not match its RECORD hash"));
		for (i = 0; i <= NW; i++)
			sync_fetch_release(&f[i]);
	}

	/* a download that fails: its error, no unpacked tree for it */
	f[0].sha256 = hex[1];
	o.jobs = 0;
	ck_assert_int_eq(sync_download(f, 1, &o, &st, &err), -CVL_EHASH);
	ck_assert_ptr_null(f[0].unpacked);
	sync_fetch_release(&f[0]);

	for (i = 0; i <= NW; i++)
		free(url[i]);
	strbuf_release(&cache);
	strbuf_release(&p);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

Suite *suite_sync_wheel(void)
{
	Suite *s = suite_create("sync_wheel");
	TCase *tc = tcase_create("unpack");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_unpack_ok);
	tcase_add_test(tc, test_unpack_malicious_paths);
	tcase_add_test(tc, test_unpack_malicious_types);
	tcase_add_test(tc, test_unpack_collisions);
	tcase_add_test(tc, test_unpack_metadata);
	tcase_add_test(tc, test_unpack_record_mismatch);
	tcase_add_test(tc, test_unpack_not_a_wheel);
	tcase_add_test(tc, test_download_and_unpack);
	suite_add_tcase(s, tc);

	tc = tcase_create("install");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_install);
	tcase_add_test(tc, test_install_link_modes);
	tcase_add_test(tc, test_install_platlib_root);
	tcase_add_test(tc, test_install_failures);
	tcase_add_test(tc, test_install_over_leftovers);
	suite_add_tcase(s, tc);
	return s;
}

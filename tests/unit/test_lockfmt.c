/*
 * test_lockfmt.c - pylock.toml (lockfmt/): the writer byte for byte,
 * determinism whatever the order a model was built in, round trips, the
 * reader on lockfiles of other tools and on broken ones (every problem
 * with its position), credential stripping, atomic writes.
 *
 * Expected files live in tests/data/lockfmt/.  They were produced by the
 * writer and reviewed by hand; LOCKFMT_REGEN=1 rewrites them (then review
 * the diff).
 */
#include "tests/unit/unit.h"
#include "lockfmt/lockfmt.h"

#include <sys/stat.h>
#include <unistd.h>

static const char *data_path(const char *name)
{
	static char buf[4096];
	const char *top = getenv("top_srcdir");

	snprintf(buf, sizeof(buf), "%s/tests/data/lockfmt/%s", top ? top : ".",
		 name);
	return buf;
}

static void read_data(const char *name, struct strbuf *out)
{
	FILE *f = fopen(data_path(name), "rb");
	char chunk[4096];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", data_path(name));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(out, chunk, n);
	fclose(f);
}

/* Compare `got` with a data file (or rewrite it under LOCKFMT_REGEN). */
static void expect_file(const char *name, const struct strbuf *got)
{
	struct strbuf want = STRBUF_INIT;

	if (getenv("LOCKFMT_REGEN")) {
		FILE *f = fopen(data_path(name), "wb");

		ck_assert(f != NULL);
		fwrite(got->buf, 1, got->len, f);
		fclose(f);
	}
	read_data(name, &want);
	ck_assert_msg(got->len == want.len && !memcmp(got->buf, want.buf, got->len),
		      "%s differs; got:\n%s", name, got->buf);
	strbuf_release(&want);
}

static void hash_of(const char *s, char hex[65])
{
	sha256_hex(s, strlen(s), hex);
}

static void add_wheel(struct lock_package *p, const char *name,
		      const char *url, uint64_t size, const char *time)
{
	struct lock_file_entry *w = lock_package_add_wheel(p);
	char hex[65];

	lock_set_str(&w->name, name);
	lock_set_str(&w->url, url);
	lock_set_str(&w->upload_time, time);
	w->has_size = true;
	w->size = size;
	hash_of(name, hex);
	lock_entry_set_hash(w, "sha256", hex);
}

/*
 * The same lockfile built in two different orders: packages, wheels,
 * dependencies, hashes, options and string arrays all reversed.
 */
static void build_model(struct lock_file *lf, bool reversed)
{
	struct lock_package *p;
	struct lock_file_entry *sd;
	char hex[65];
	int step, i;

	lock_file_init(lf);
	if (!reversed) {
		strvec_push(&lf->environments, "sys_platform == \"linux\"");
		strvec_push(&lf->environments, "sys_platform == \"darwin\"");
	} else {
		/* Spelled differently: written the same. */
		strvec_push(&lf->environments, "sys_platform=='darwin'");
		strvec_push(&lf->environments, "sys_platform == \"linux\"");
		strvec_push(&lf->environments, "sys_platform == 'linux'");
	}
	lock_set_str(&lf->requires_python, reversed ? " >= 3.11" : ">=3.11");
	strvec_push(&lf->extras, "socks");
	strvec_push(&lf->dependency_groups, "dev");
	strvec_push(&lf->default_groups, "dev");
	lock_set_str(&lf->inputs_hash,
		     "sha256:0000000000000000000000000000000000000000000000000000000000000001");
	if (reversed) {
		strvec_push(&lf->requirements, "urllib3[socks]; python_version >= \"3.11\"");
		strvec_push(&lf->requirements, "requests>=2");
	} else {
		strvec_push(&lf->requirements, "requests>=2");
		strvec_push(&lf->requirements, "urllib3[socks]; python_version >= \"3.11\"");
	}
	if (reversed) {
		lock_file_set_option(lf, "resolution", "highest");
		lock_file_set_option(lf, "prerelease", "if-necessary");
	} else {
		lock_file_set_option(lf, "prerelease", "if-necessary");
		lock_file_set_option(lf, "resolution", "highest");
	}

	for (step = 0; step < 5; step++) {
		i = reversed ? 4 - step : step;
		switch (i) {
		case 0:
			p = lock_file_add_package(lf, "Requests", "2.32.3");
			lock_set_str(&p->requires_python, ">=3.8");
			lock_set_str(&p->index, "https://user:s3cret@pypi.example/simple");
			if (reversed) {
				lock_package_add_dep(p, "urllib3", NULL);
				lock_package_add_dep(p, "idna", NULL);
				lock_package_add_dep(p, "numpy", "1.9.0");
			} else {
				lock_package_add_dep(p, "numpy", "1.9.0");
				lock_package_add_dep(p, "idna", NULL);
				lock_package_add_dep(p, "urllib3", NULL);
			}
			sd = lock_package_sdist(p);
			lock_set_str(&sd->name, "requests-2.32.3.tar.gz");
			lock_set_str(&sd->url, "https://token@files.example/requests-2.32.3.tar.gz");
			sd->has_size = true;
			sd->size = 131218;
			hash_of("requests-sdist", hex);
			if (reversed) {
				lock_entry_set_hash(sd, "SHA256", hex);
				lock_entry_set_hash(sd, "md5", "0123456789ABCDEF0123456789ABCDEF");
			} else {
				lock_entry_set_hash(sd, "md5", "0123456789abcdef0123456789abcdef");
				lock_entry_set_hash(sd, "sha256", hex);
			}
			add_wheel(p, "requests-2.32.3-py3-none-any.whl",
				  "https://files.example/requests-2.32.3-py3-none-any.whl",
				  64928, "2024-05-29T15:37:47.027Z");
			break;
		case 1:
			p = lock_file_add_package(lf, "idna", "3.10");
			p->has_dependencies = true;
			add_wheel(p, "idna-3.10-py3-none-any.whl",
				  "https://files.example/idna-3.10-py3-none-any.whl",
				  70442, NULL);
			break;
		case 2:
			p = lock_file_add_package(lf, "urllib3", "2.2.3");
			lock_set_str(&p->marker, reversed ? "'socks' in extras"
							  : "\"socks\" in extras");
			if (reversed) {
				add_wheel(p, "urllib3-2.2.3-py3-none-any.whl",
					  "https://files.example/urllib3-2.2.3-py3-none-any.whl",
					  126338, NULL);
				add_wheel(p, "urllib3-2.2.3-cp311-cp311-manylinux_2_17_x86_64.whl",
					  "https://files.example/urllib3-2.2.3-cp311-cp311-manylinux_2_17_x86_64.whl",
					  200000, NULL);
			} else {
				add_wheel(p, "urllib3-2.2.3-cp311-cp311-manylinux_2_17_x86_64.whl",
					  "https://files.example/urllib3-2.2.3-cp311-cp311-manylinux_2_17_x86_64.whl",
					  200000, NULL);
				add_wheel(p, "urllib3-2.2.3-py3-none-any.whl",
					  "https://files.example/urllib3-2.2.3-py3-none-any.whl",
					  126338, NULL);
			}
			break;
		case 3:
			/* 1.10.0 sorts after 1.9.0 (PEP 440, not bytes). */
			p = lock_file_add_package(lf, "numpy", "1.10.0");
			lock_set_str(&p->marker, "python_version >= \"3.12\"");
			add_wheel(p, "numpy-1.10.0-py3-none-any.whl",
				  "https://files.example/numpy-1.10.0-py3-none-any.whl",
				  10, NULL);
			break;
		case 4:
			p = lock_file_add_package(lf, "numpy", "1.9.0");
			lock_set_str(&p->marker, "python_version < \"3.12\"");
			add_wheel(p, "numpy-1.9.0-py3-none-any.whl",
				  "https://files.example/numpy-1.9.0-py3-none-any.whl",
				  9, NULL);
			break;
		}
	}
}

static void write_ok(const struct lock_file *lf, struct strbuf *out)
{
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_msg(lock_write(lf, out, &err) == 0, "%s", err.msg);
}

START_TEST(write_expected)
{
	struct lock_file lf;
	struct strbuf out = STRBUF_INIT;

	build_model(&lf, false);
	write_ok(&lf, &out);
	expect_file("basic.expected.toml", &out);
	/* Credentials never reach the file. */
	ck_assert_ptr_null(strstr(out.buf, "s3cret"));
	ck_assert_ptr_null(strstr(out.buf, "token@"));
	ck_assert_ptr_null(strchr(out.buf, '\r'));
	lock_file_release(&lf);
	strbuf_release(&out);
}
END_TEST

START_TEST(write_deterministic)
{
	struct lock_file a, b;
	struct strbuf oa = STRBUF_INIT, ob = STRBUF_INIT;

	build_model(&a, false);
	build_model(&b, true);
	write_ok(&a, &oa);
	write_ok(&b, &ob);
	ck_assert_str_eq(oa.buf, ob.buf);
	/* Writing twice gives the same bytes too. */
	strbuf_reset(&ob);
	write_ok(&a, &ob);
	ck_assert_str_eq(oa.buf, ob.buf);
	lock_file_release(&a);
	lock_file_release(&b);
	strbuf_release(&oa);
	strbuf_release(&ob);
}
END_TEST

/* Read `text`, expecting no error; write it back into `out`. */
static void read_write(const char *text, size_t len, struct strbuf *out,
		       struct strbuf *diag_text)
{
	struct lock_file lf;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf dt = STRBUF_INIT;

	lock_file_init(&lf);
	lock_diags_format(&d, "pylock.toml", &dt);
	if (lock_read(&lf, text, len, &d, &err)) {
		lock_diags_format(&d, "pylock.toml", &dt);
		ck_abort_msg("read failed: %s", dt.buf);
	}
	if (diag_text)
		lock_diags_format(&d, "pylock.toml", diag_text);
	write_ok(&lf, out);
	lock_diags_release(&d);
	lock_file_release(&lf);
	strbuf_release(&dt);
}

START_TEST(round_trip)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, diags = STRBUF_INIT;

	read_data("basic.expected.toml", &in);
	read_write(in.buf, in.len, &out, &diags);
	ck_assert_str_eq(diags.buf, "");
	ck_assert_uint_eq(in.len, out.len);
	ck_assert_str_eq(in.buf, out.buf);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&diags);
}
END_TEST

/*
 * Lockfiles other tools write: each must read without error, with the
 * warnings in NAME.diags, and rewrite into NAME.cvlock.toml, which must
 * itself read back and rewrite to the same bytes.
 */
static const char *const foreign[] = {
	"pep751-example", "pip-lock", "uv-export", "pdm-export", "sources",
};

START_TEST(read_foreign)
{
	const char *base = foreign[_i];
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, again = STRBUF_INIT;
	struct strbuf diags = STRBUF_INIT, name = STRBUF_INIT;

	strbuf_addf(&name, "%s.toml", base);
	read_data(name.buf, &in);
	read_write(in.buf, in.len, &out, &diags);
	strbuf_reset(&name);
	strbuf_addf(&name, "%s.diags", base);
	expect_file(name.buf, &diags);
	strbuf_reset(&name);
	strbuf_addf(&name, "%s.cvlock.toml", base);
	expect_file(name.buf, &out);
	read_write(out.buf, out.len, &again, NULL);
	ck_assert_str_eq(out.buf, again.buf);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&again);
	strbuf_release(&diags);
	strbuf_release(&name);
}
END_TEST

/* Broken lockfiles: every problem, with its position, in NAME.diags. */
static const char *const broken[] = {
	"invalid-fields", "invalid-sources", "invalid-major", "invalid-syntax",
	"invalid-duplicates",
};

START_TEST(read_invalid)
{
	const char *base = broken[_i];
	struct strbuf in = STRBUF_INIT, diags = STRBUF_INIT, name = STRBUF_INIT;
	struct lock_file lf;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	strbuf_addf(&name, "%s.toml", base);
	read_data(name.buf, &in);
	lock_file_init(&lf);
	ck_assert_int_eq(lock_read(&lf, in.buf, in.len, &d, &err), -CVL_EINVAL);
	ck_assert_int_eq(err.code, CVL_EINVAL);
	ck_assert_int_gt(err.line, 0);
	ck_assert_uint_gt(d.nerrors, 0);
	/* err is the first error listed. */
	lock_diags_format(&d, "pylock.toml", &diags);
	strbuf_reset(&name);
	strbuf_addf(&name, "%s.diags", base);
	expect_file(name.buf, &diags);
	lock_diags_release(&d);
	lock_file_release(&lf);
	strbuf_release(&in);
	strbuf_release(&diags);
	strbuf_release(&name);
}
END_TEST

START_TEST(minor_version_warns)
{
	static const char text[] =
		"lock-version = \"1.7\"\ncreated-by = \"x\"\npackages = []\n";
	struct lock_file lf;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;

	lock_file_init(&lf);
	ck_assert_int_eq(lock_read(&lf, text, strlen(text), &d, &err), 0);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_uint_eq(d.nwarnings, 1);
	lock_diags_format(&d, "pylock.toml", &sb);
	ck_assert_str_eq(sb.buf,
			 "pylock.toml:1:16: warning: unknown minor lock-version '1.7': read as 1.0\n");
	lock_diags_release(&d);
	lock_file_release(&lf);
	strbuf_release(&sb);
}
END_TEST

/* Every prefix of a valid lockfile reads or fails cleanly, never crashes. */
START_TEST(truncated)
{
	struct strbuf in = STRBUF_INIT;
	size_t len, failed = 0;

	read_data("basic.expected.toml", &in);
	for (len = 0; len < in.len; len++) {
		struct lock_file lf;
		struct lock_diags d = LOCK_DIAGS_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		char *copy = xmemdup0(in.buf, len);

		lock_file_init(&lf);
		if (lock_read(&lf, copy, len, &d, &err)) {
			failed++;
			ck_assert_uint_gt(d.nerrors, 0);
			ck_assert_int_gt(err.line, 0);
			ck_assert_str_ne(err.msg, "");
		}
		lock_diags_release(&d);
		lock_file_release(&lf);
		free(copy);
	}
	/* Most cuts break a string, a table or a required key. */
	ck_assert_uint_gt(failed, in.len / 2);
	strbuf_release(&in);
}
END_TEST

START_TEST(rewrite_newer_minor)
{
	static const char text[] =
		"lock-version = \"1.3\"\ncreated-by = \"x\"\npackages = []\n";
	struct strbuf out = STRBUF_INIT;

	read_write(text, strlen(text), &out, NULL);
	ck_assert_str_eq(out.buf,
			 "lock-version = \"1.0\"\n"
			 "extras = []\n"
			 "dependency-groups = []\n"
			 "default-groups = []\n"
			 "created-by = \"x\"\n"
			 "packages = []\n");
	strbuf_release(&out);
}
END_TEST

START_TEST(filename_from_url)
{
	struct lock_file_entry f;
	struct strbuf sb = STRBUF_INIT;

	memset(&f, 0, sizeof(f));
	lock_set_str(&f.url, "https://h/p/foo%2Bbar-1.0.tar.gz#sha256=00");
	ck_assert(lock_entry_filename(&f, &sb));
	ck_assert_str_eq(sb.buf, "foo+bar-1.0.tar.gz");
	strbuf_reset(&sb);
	lock_set_str(&f.url, "https://h/p/a%00b.whl");
	ck_assert(lock_entry_filename(&f, &sb));
	ck_assert_str_eq(sb.buf, "a%00b.whl");
	strbuf_reset(&sb);
	lock_set_str(&f.url, "https://h/p/");
	ck_assert(!lock_entry_filename(&f, &sb));
	lock_set_str(&f.url, NULL);
	lock_set_str(&f.path, "dist/x%41-1.0.tar.gz");
	ck_assert(lock_entry_filename(&f, &sb));
	ck_assert_str_eq(sb.buf, "x%41-1.0.tar.gz");
	free(f.path);
	strbuf_release(&sb);
}
END_TEST

START_TEST(control_characters_quoted)
{
	static const char text[] =
		"lock-version = \"1.0\"\ncreated-by = \"x\"\n\"a\\nb\" = 1\n"
		"packages = [{name = \"a\\tb\", version = \"1\", directory = {path = \".\"}}]\n";
	struct lock_file lf;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;

	lock_file_init(&lf);
	ck_assert_int_eq(lock_read(&lf, text, strlen(text), &d, &err), -CVL_EINVAL);
	lock_diags_format(&d, "pylock.toml", &sb);
	ck_assert_str_eq(sb.buf,
			 "pylock.toml:3:1: warning: unknown key 'a\\x0ab' in the lockfile (ignored)\n"
			 "pylock.toml:4:21: invalid package name 'a\\x09b'\n");
	lock_diags_release(&d);
	lock_file_release(&lf);
	strbuf_release(&sb);
}
END_TEST

START_TEST(write_refuses)
{
	struct lock_file lf;
	struct lock_package *p;
	struct lock_file_entry *w;
	struct strbuf out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	lock_file_init(&lf);
	p = lock_file_add_package(&lf, "a", "1");
	w = lock_package_add_wheel(p);
	lock_set_str(&w->name, "a-1-py3-none-any.whl");
	lock_set_str(&w->path, "/home/me/wheels/a-1-py3-none-any.whl");
	lock_entry_set_hash(w, "sha256", "00");
	ck_assert_int_eq(lock_write(&lf, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "refusing to write absolute path '/home/me/wheels/a-1-py3-none-any.whl' to a lockfile");
	ck_assert_uint_eq(out.len, 0);

	lock_set_str(&w->path, "wheels/a-1-py3-none-any.whl");
	lock_set_str(&w->upload_time, "yesterday");
	ck_assert_int_eq(lock_write(&lf, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid upload-time 'yesterday': expected an offset date-time such as 2025-01-25T11:30:10Z");

	lock_set_str(&w->upload_time, NULL);
	w->nhashes = 0;
	free(w->hashes[0].algo);
	free(w->hashes[0].value);
	ck_assert_int_eq(lock_write(&lf, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "file 'a-1-py3-none-any.whl' of package 'a' has no hash");

	lock_entry_set_hash(w, "sha256", "00");
	lock_package_sdist(p);
	lock_file_release(&lf);
	lock_file_init(&lf);
	p = lock_file_add_package(&lf, "b", "1");
	ck_assert_int_eq(lock_write(&lf, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "package 'b' must have exactly one source (vcs, directory, archive, or sdist and wheels), not 0");
	ck_assert_uint_eq(out.len, 0);
	lock_file_release(&lf);
	strbuf_release(&out);
}
END_TEST

START_TEST(model_helpers)
{
	struct lock_file lf;
	struct lock_package *p;
	struct lock_file_entry *w;
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0;

	lock_file_init(&lf);
	ck_assert_str_eq(lf.lock_version, "1.0");
	ck_assert_str_eq(lf.created_by, "cvlock");
	p = lock_file_add_package(&lf, "Foo_Bar", "1.0");
	ck_assert_str_eq(p->name, "foo-bar");
	ck_assert_ptr_eq(lock_file_find(&lf, "FOO.bar", &pos), &lf.packages[0]);
	ck_assert_ptr_null(lock_file_find(&lf, "baz", NULL));
	w = lock_package_add_wheel(p);
	lock_set_str(&w->url, "https://h/x/foo_bar-1.0-py3-none-any.whl?x=1#sha256=0");
	ck_assert(lock_entry_filename(w, &sb));
	ck_assert_str_eq(sb.buf, "foo_bar-1.0-py3-none-any.whl");
	lock_file_set_option(&lf, "a", "1");
	lock_file_set_option(&lf, "a", "2");
	ck_assert_uint_eq(lf.noptions, 1);
	ck_assert_str_eq(lock_file_get_option(&lf, "a"), "2");
	ck_assert_ptr_null(lock_file_get_option(&lf, "b"));
	lock_file_release(&lf);
	strbuf_release(&sb);
}
END_TEST

START_TEST(filename_valid)
{
	ck_assert(lock_filename_is_valid("pylock.toml"));
	ck_assert(lock_filename_is_valid("pylock.dev.toml"));
	ck_assert(!lock_filename_is_valid("pylock.a.b.toml"));
	ck_assert(!lock_filename_is_valid("pylock..toml"));
	ck_assert(!lock_filename_is_valid("lock.toml"));
}
END_TEST

START_TEST(atomic_write)
{
	char dir[] = "/tmp/cvl-lockfmt-XXXXXX";
	struct strbuf path = STRBUF_INIT, lock = STRBUF_INIT, got = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	char buf[64];
	struct stat st;
	FILE *f;
	size_t n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	strbuf_addf(&path, "%s/pylock.toml", dir);
	strbuf_addf(&lock, "%s/pylock.toml.lock", dir);
	ck_assert_int_eq(atomic_write_file(path.buf, "one\n", 4, &err), 0);
	ck_assert_int_eq(atomic_write_file(path.buf, "two\n", 4, &err), 0);
	f = fopen(path.buf, "rb");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_uint_eq(n, 4);
	ck_assert(!memcmp(buf, "two\n", 4));
	ck_assert_int_ne(access(lock.buf, F_OK), 0);
	/* The mode of the replaced file is kept. */
	ck_assert_int_eq(chmod(path.buf, 0640), 0);
	ck_assert_int_eq(atomic_write_file(path.buf, "two\n", 4, &err), 0);
	ck_assert_int_eq(stat(path.buf, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);

	/* Someone else holds the lock: fail, touch nothing. */
	f = fopen(lock.buf, "wb");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(atomic_write_file(path.buf, "three\n", 6, &err),
			 -CVL_EIO);
	ck_assert_int_eq(err.code, CVL_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg, "pylock.toml.lock"));
	ck_assert_ptr_nonnull(strstr(err.hint, "another cvlock"));
	ck_assert_int_eq(access(lock.buf, F_OK), 0);
	f = fopen(path.buf, "rb");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_uint_eq(n, 4);
	unlink(lock.buf);

	/* A directory that does not exist. */
	strbuf_reset(&got);
	strbuf_addf(&got, "%s/no/such/pylock.toml", dir);
	ck_assert_int_eq(atomic_write_file(got.buf, "x", 1, &err), -CVL_EIO);
	unlink(path.buf);
	ck_assert_int_eq(rmdir(dir), 0);
	strbuf_release(&path);
	strbuf_release(&lock);
	strbuf_release(&got);
}
END_TEST

Suite *suite_lockfmt(void)
{
	Suite *s = suite_create("lockfmt");
	TCase *tc = tcase_create("lockfmt");

	tcase_add_test(tc, write_expected);
	tcase_add_test(tc, write_deterministic);
	tcase_add_test(tc, round_trip);
	tcase_add_loop_test(tc, read_foreign, 0, (int)ARRAY_SIZE(foreign));
	tcase_add_loop_test(tc, read_invalid, 0, (int)ARRAY_SIZE(broken));
	tcase_add_test(tc, minor_version_warns);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, rewrite_newer_minor);
	tcase_add_test(tc, filename_from_url);
	tcase_add_test(tc, control_characters_quoted);
	tcase_add_test(tc, write_refuses);
	tcase_add_test(tc, model_helpers);
	tcase_add_test(tc, filename_valid);
	tcase_add_test(tc, atomic_write);
	suite_add_tcase(s, tc);
	return s;
}

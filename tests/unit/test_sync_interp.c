/*
 * test_sync_interp.c - probing Python interpreters (sync/interp.c): the
 * real /usr/bin/python3 checked against what it prints itself, the cache
 * (a hit spawns nothing; a changed interpreter file is probed again; a
 * "#!" wrapper is never cached),
 * failing fake interpreters (shell scripts) with their exact messages, and
 * tags derived from hand-written probe documents for other platforms.
 */
#include "config.h"
#include "tests/unit/unit.h"
#include "sync/sync.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SYSTEM_PYTHON "/usr/bin/python3"

static char tmpdir[256];

static void setup(void)
{
	unit_tmpdir(tmpdir, sizeof(tmpdir), "interp");
}

static void teardown(void)
{
	unit_rm_rf(tmpdir);
}

static bool have_system_python(void)
{
	return access(SYSTEM_PYTHON, X_OK) == 0;
}

/* Write an executable shell script `name` in tmpdir; returns its path. */
static char *write_script(const char *name, const char *body)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f;

	strbuf_addf(&path, "%s/%s", tmpdir, name);
	f = fopen(path.buf, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path.buf, 0755), 0);
	return strbuf_detach(&path, NULL);
}

/* The first line that `python -I -c code` prints (independently of cvlock). */
static char *python_says(const char *code)
{
	struct strbuf cmd = STRBUF_INIT;
	char line[4096];
	FILE *p;
	size_t n;

	strbuf_addf(&cmd, "%s -I -c '%s'", SYSTEM_PYTHON, code);
	p = popen(cmd.buf, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
	ck_assert_int_eq(pclose(p), 0);
	n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	strbuf_release(&cmd);
	return xstrdup(line);
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		if (c == '\n')
			n++;
	fclose(f);
	return n;
}

/* ---- the real interpreter --------------------------------------------- */

START_TEST(test_probe_system_python)
{
	static const struct {
		enum pep_env_var var;
		const char *code;
	} checks[] = {
		{ PEP_ENV_PYTHON_VERSION,
		  "import platform; print(\".\".join(platform.python_version_tuple()[:2]))" },
		{ PEP_ENV_PYTHON_FULL_VERSION,
		  "import platform; print(platform.python_version())" },
		{ PEP_ENV_SYS_PLATFORM, "import sys; print(sys.platform)" },
		{ PEP_ENV_OS_NAME, "import os; print(os.name)" },
		{ PEP_ENV_PLATFORM_MACHINE,
		  "import platform; print(platform.machine())" },
		{ PEP_ENV_PLATFORM_SYSTEM,
		  "import platform; print(platform.system())" },
		{ PEP_ENV_PLATFORM_RELEASE,
		  "import platform; print(platform.release())" },
		{ PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION,
		  "import platform; print(platform.python_implementation())" },
		{ PEP_ENV_IMPLEMENTATION_NAME,
		  "import sys; print(sys.implementation.name)" },
	};
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct pep_env env;
	struct pep_marker *m;
	char *s, *real;
	size_t i;
	bool result;

	if (!have_system_python())
		return;
	sync_interp_init(&in);
	ck_assert_int_eq(sync_interp_probe(SYSTEM_PYTHON, NULL, &in, &err), 0);
	ck_assert(!in.from_cache);
	real = realpath(SYSTEM_PYTHON, NULL);
	ck_assert_str_eq(in.path, real);
	free(real);

	s = python_says("import sys; print(\"%d.%d.%d\" % sys.version_info[:3])");
	{
		char mine[64];

		snprintf(mine, sizeof(mine), "%d.%d.%d", in.version[0],
			 in.version[1], in.version[2]);
		ck_assert_str_eq(mine, s);
	}
	free(s);
	for (i = 0; i < ARRAY_SIZE(checks); i++) {
		s = python_says(checks[i].code);
		ck_assert_ptr_nonnull(in.markers[checks[i].var]);
		ck_assert_str_eq(in.markers[checks[i].var], s);
		free(s);
	}
	ck_assert_ptr_null(in.markers[PEP_ENV_EXTRA]);
	s = python_says("import sys; print(sys.prefix)");
	ck_assert_str_eq(in.prefix, s);
	free(s);
	s = python_says("import sys; print(repr(sys.abiflags))");
	{
		struct strbuf q = STRBUF_INIT;

		strbuf_addf(&q, "'%s'", in.abiflags);
		ck_assert_str_eq(q.buf, s);
		strbuf_release(&q);
	}
	free(s);
	s = python_says("import sysconfig; print(sysconfig.get_platform())");
	ck_assert_str_eq(in.sysconfig_platform, s);
	free(s);
	s = python_says("import sysconfig; print(sysconfig.get_paths()[\"purelib\"])");
	ck_assert_str_eq(in.paths[SYNC_PATH_PURELIB], s);
	free(s);

	/* A virtual environment's scheme keeps {base} for the venv's directory. */
	{
		struct strbuf want = STRBUF_INIT;

		strbuf_addf(&want, "{base}/lib/python%d.%d/site-packages",
			    in.version[0], in.version[1]);
		ck_assert_str_eq(in.venv_paths[SYNC_PATH_PURELIB], want.buf);
		strbuf_reset(&want);
		strbuf_addf(&want, "{platbase}/lib/python%d.%d/site-packages",
			    in.version[0], in.version[1]);
		ck_assert_str_eq(in.venv_paths[SYNC_PATH_PLATLIB], want.buf);
		ck_assert_str_eq(in.venv_paths[SYNC_PATH_SCRIPTS], "{base}/bin");

		/* ... substituted for a given environment */
		strbuf_reset(&want);
		ck_assert(sync_interp_venv_path(&in, SYNC_PATH_PLATLIB,
						"/srv/app/.venv", &want));
		{
			char exp[128];

			snprintf(exp, sizeof(exp),
				 "/srv/app/.venv/lib/python%d.%d/site-packages",
				 in.version[0], in.version[1]);
			ck_assert_str_eq(want.buf, exp);
		}
		strbuf_reset(&want);
		ck_assert(sync_interp_venv_path(&in, SYNC_PATH_INCLUDE,
						"/srv/app/.venv", &want));
		ck_assert_str_eq(want.buf, in.venv_paths[SYNC_PATH_INCLUDE]);
		ck_assert_ptr_null(strstr(want.buf, "{"));
		strbuf_release(&want);
	}

	/* The marker environment evaluates. */
	sync_interp_env(&in, &env);
	ck_assert_int_eq(pep_marker_parse(&m, "python_version >= \"3.8\" and os_name == \"posix\"",
					  strlen("python_version >= \"3.8\" and os_name == \"posix\""),
					  &err), 0);
	ck_assert_int_eq(pep_marker_evaluate(m, &env, &result, &err), 0);
	ck_assert(result);
	pep_marker_free(m);
	sync_interp_release(&in);
}
END_TEST

/*
 * On glibc x86_64 or aarch64, the tags are those of the target
 * "manylinux_2_<glibc minor>_<machine>" for the same CPython version.
 */
START_TEST(test_system_python_tags)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strvec tags = STRVEC_INIT, want = STRVEC_INIT;
	struct pep_target t;
	char *glibc;
	int major, minor;
	size_t i;

	if (!have_system_python())
		return;
	glibc = python_says("import os; print(os.confstr(\"CS_GNU_LIBC_VERSION\") or \"none\")");
	sync_interp_init(&in);
	ck_assert_int_eq(sync_interp_probe(SYSTEM_PYTHON, NULL, &in, &err), 0);
	ck_assert_int_eq(sync_interp_tags(&in, &tags, &err), 0);
	ck_assert_uint_gt(tags.nr, 100);
	if (sscanf(glibc, "glibc %d.%d", &major, &minor) != 2 ||
	    strcmp(in.implementation, "cpython") || in.is_32bit ||
	    (strcmp(in.markers[PEP_ENV_PLATFORM_MACHINE], "x86_64") &&
	     strcmp(in.markers[PEP_ENV_PLATFORM_MACHINE], "aarch64")) ||
	    *in.abiflags) {
		free(glibc);
		strvec_clear(&tags);
		sync_interp_release(&in);
		return;
	}
	ck_assert_str_eq(in.libc, "glibc");
	ck_assert_int_eq(in.libc_version[0], major);
	ck_assert_int_eq(in.libc_version[1], minor);
	memset(&t, 0, sizeof(t));
	memcpy(t.implementation, "cp", 3);
	t.python[0] = in.version[0];
	t.python[1] = in.version[1];
	snprintf(t.platform, sizeof(t.platform), "manylinux_%d_%d_%s", major,
		 minor, in.markers[PEP_ENV_PLATFORM_MACHINE]);
	ck_assert_int_eq(pep_target_tags(&t, &want, &err), 0);
	ck_assert_uint_eq(tags.nr, want.nr);
	for (i = 0; i < tags.nr; i++)
		ck_assert_str_eq(tags.v[i], want.v[i]);
	{
		char first[128];

		snprintf(first, sizeof(first), "cp%d%d-cp%d%d-manylinux_%d_%d_%s",
			 in.version[0], in.version[1], in.version[0],
			 in.version[1], major, minor,
			 in.markers[PEP_ENV_PLATFORM_MACHINE]);
		ck_assert_str_eq(tags.v[0], first);
	}
	ck_assert_str_eq(tags.v[tags.nr - 1], "py30-none-any");
	free(glibc);
	strvec_clear(&tags);
	strvec_clear(&want);
	sync_interp_release(&in);
}
END_TEST

/* ---- the cache ------------------------------------------------------- */

/* Copy a file (the interpreter binary) to `dst`, executable. */
static void copy_file(const char *src, const char *dst)
{
	char buf[65536];
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	ck_assert_int_ge(in, 0);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	ck_assert_int_eq(close(out), 0);
}

/* Files in <cache>/interpreters-v1 (a lock file left behind counts). */
static size_t cache_entries(const char *cache, bool corrupt)
{
	struct strbuf dir = STRBUF_INIT;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	strbuf_addf(&dir, "%s/interpreters-v1", cache);
	d = opendir(dir.buf);
	if (!d) {
		strbuf_release(&dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct strbuf f = STRBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		ck_assert_ptr_nonnull(strstr(de->d_name, ".json"));
		ck_assert_uint_eq(strlen(de->d_name), 64 + 5);
		n++;
		if (corrupt) {
			FILE *fp;

			strbuf_addf(&f, "%s/%s", dir.buf, de->d_name);
			fp = fopen(f.buf, "w");
			ck_assert_ptr_nonnull(fp);
			fputs("{\"interpreter\": 1", fp);
			fclose(fp);
		}
		strbuf_release(&f);
	}
	closedir(d);
	strbuf_release(&dir);
	return n;
}

START_TEST(test_cache_hit_and_invalidation)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf py = STRBUF_INIT, cache = STRBUF_INIT;
	struct timespec times[2];
	char *real, *version;

	if (!have_system_python())
		return;
	/* A copy of the real binary, whose mtime the test may change. */
	real = realpath(SYSTEM_PYTHON, NULL);
	ck_assert_ptr_nonnull(real);
	strbuf_addf(&py, "%s/python3", tmpdir);
	copy_file(real, py.buf);
	free(real);
	strbuf_addf(&cache, "%s/cache", tmpdir);
	version = python_says("import platform; print(platform.python_version())");

	sync_interp_init(&in);
	ck_assert_int_eq(sync_interp_probe(py.buf, cache.buf, &in, &err), 0);
	ck_assert(!in.from_cache);
	real = realpath(py.buf, NULL);
	ck_assert_str_eq(in.path, real);
	ck_assert_str_eq(in.executable, real);
	strbuf_reset(&py);
	strbuf_addstr(&py, real);
	free(real);
	ck_assert_uint_eq(cache_entries(cache.buf, false), 1);

	/* Second probe: from the cache (nothing spawned), the same answer. */
	ck_assert_int_eq(sync_interp_probe(py.buf, cache.buf, &in, &err), 0);
	ck_assert(in.from_cache);
	ck_assert_str_eq(in.path, py.buf);
	ck_assert_str_eq(in.markers[PEP_ENV_PYTHON_FULL_VERSION], version);
	ck_assert_ptr_nonnull(in.venv_paths[SYNC_PATH_PURELIB]);
	ck_assert_uint_eq(cache_entries(cache.buf, false), 1);

	/* A new mtime (a reinstalled interpreter): probed again. */
	clock_gettime(CLOCK_REALTIME, &times[0]);
	times[0].tv_sec += 100;
	times[1] = times[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, py.buf, times, 0), 0);
	ck_assert_int_eq(sync_interp_probe(py.buf, cache.buf, &in, &err), 0);
	ck_assert(!in.from_cache);
	ck_assert_uint_eq(cache_entries(cache.buf, false), 2);
	ck_assert_int_eq(sync_interp_probe(py.buf, cache.buf, &in, &err), 0);
	ck_assert(in.from_cache);

	/* A corrupt entry is a miss, not an error, and is rewritten. */
	ck_assert_uint_eq(cache_entries(cache.buf, true), 2);
	ck_assert_int_eq(sync_interp_probe(py.buf, cache.buf, &in, &err), 0);
	ck_assert(!in.from_cache);
	ck_assert_int_eq(sync_interp_probe(py.buf, cache.buf, &in, &err), 0);
	ck_assert(in.from_cache);

	/* Without a cache directory, every probe runs. */
	ck_assert_int_eq(sync_interp_probe(py.buf, NULL, &in, &err), 0);
	ck_assert(!in.from_cache);

	free(version);
	sync_interp_release(&in);
	strbuf_release(&py);
	strbuf_release(&cache);
}
END_TEST

/* A "#!" wrapper (a pyenv shim) may run another interpreter each time. */
START_TEST(test_wrapper_never_cached)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf log = STRBUF_INIT, body = STRBUF_INIT, cache = STRBUF_INIT;
	char *py, *real;

	if (!have_system_python())
		return;
	strbuf_addf(&log, "%s/runs.log", tmpdir);
	strbuf_addf(&body, "echo run >>'%s'\nexec " SYSTEM_PYTHON " \"$@\"\n",
		    log.buf);
	py = write_script("python", body.buf);
	strbuf_addf(&cache, "%s/cache", tmpdir);

	sync_interp_init(&in);
	ck_assert_int_eq(sync_interp_probe(py, cache.buf, &in, &err), 0);
	ck_assert(!in.from_cache);
	ck_assert_uint_eq(count_lines(log.buf), 1);
	real = realpath(py, NULL);
	ck_assert_str_eq(in.path, real);
	free(real);
	ck_assert_int_eq(sync_interp_probe(py, cache.buf, &in, &err), 0);
	ck_assert(!in.from_cache);
	ck_assert_uint_eq(count_lines(log.buf), 2);
	ck_assert_uint_eq(cache_entries(cache.buf, false), 0);

	sync_interp_release(&in);
	free(py);
	strbuf_release(&log);
	strbuf_release(&body);
	strbuf_release(&cache);
}
END_TEST

/* ---- failures ---------------------------------------------------------- */

#define HINT "use --python PATH, or --python-version and --platform to resolve without an interpreter"

START_TEST(test_not_found)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf path = STRBUF_INIT, want = STRBUF_INIT;

	sync_interp_init(&in);
	strbuf_addf(&path, "%s/python9", tmpdir);
	ck_assert_int_eq(sync_interp_probe(path.buf, NULL, &in, &err),
			 -CVL_ENOTFOUND);
	strbuf_addf(&want, "cannot run python interpreter '%s': No such file or directory",
		    path.buf);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert_str_eq(err.hint, HINT);
	ck_assert_ptr_null(in.path);

	cvl_error_clear(&err);
	ck_assert_int_eq(sync_interp_probe("cvlock-no-such-python9", NULL, &in,
					   &err), -CVL_ENOTFOUND);
	ck_assert_str_eq(err.msg, "cannot run python interpreter 'cvlock-no-such-python9': not found on PATH");
	ck_assert_str_eq(err.hint, HINT);

	cvl_error_clear(&err);
	ck_assert_int_eq(sync_interp_probe(tmpdir, NULL, &in, &err), -CVL_EIO);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot run python interpreter '%s': Is a directory",
		    tmpdir);
	ck_assert_str_eq(err.msg, want.buf);
	strbuf_release(&path);
	strbuf_release(&want);
	sync_interp_release(&in);
}
END_TEST

START_TEST(test_bad_output)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf want = STRBUF_INIT;
	char *py;

	sync_interp_init(&in);
	py = write_script("bad", "echo hello world\n");
	ck_assert_int_eq(sync_interp_probe(py, NULL, &in, &err), -CVL_EIO);
	strbuf_addf(&want, "unexpected output from python interpreter '%s': expected JSON, got 'hello world'",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	free(py);

	cvl_error_clear(&err);
	py = write_script("empty", "exit 0\n");
	ck_assert_int_eq(sync_interp_probe(py, NULL, &in, &err), -CVL_EIO);
	strbuf_reset(&want);
	strbuf_addf(&want, "unexpected output from python interpreter '%s': expected JSON, got nothing",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	free(py);

	/* Valid JSON, but not a probe. */
	cvl_error_clear(&err);
	py = write_script("other", "echo '{\"cvlock_probe\": 1}'\n");
	ck_assert_int_eq(sync_interp_probe(py, NULL, &in, &err), -CVL_EIO);
	strbuf_reset(&want);
	strbuf_addf(&want, "unexpected output from python interpreter '%s': expected an object for 'markers'",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert_ptr_null(in.path);
	free(py);

	/* A failing interpreter: its last line of stderr says why. */
	cvl_error_clear(&err);
	py = write_script("fail", "echo 'Traceback (most recent call last):' >&2\n"
			  "echo '  File x' >&2\necho 'SyntaxError: invalid syntax' >&2\nexit 1\n");
	ck_assert_int_eq(sync_interp_probe(py, NULL, &in, &err), -CVL_EIO);
	strbuf_reset(&want);
	strbuf_addf(&want, "python interpreter '%s' failed (exit status 1: SyntaxError: invalid syntax)",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert_str_eq(err.hint, HINT);
	free(py);

	/* A usage error (Python 2 knows no -I): its first line. */
	cvl_error_clear(&err);
	py = write_script("py2", "echo 'Unknown option: -I' >&2\necho 'usage: python2.7 [option] ...' >&2\n"
			  "echo \"Try 'python -h' for more information.\" >&2\nexit 2\n");
	ck_assert_int_eq(sync_interp_probe(py, NULL, &in, &err), -CVL_EIO);
	strbuf_reset(&want);
	strbuf_addf(&want, "python interpreter '%s' failed (exit status 2: Unknown option: -I)",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	free(py);

	/* Output beyond the cap is refused, not buffered without end. */
	cvl_error_clear(&err);
	py = write_script("flood", "head -c 2000000 /dev/zero\n");
	ck_assert_int_eq(sync_interp_probe(py, NULL, &in, &err), -CVL_EIO);
	strbuf_reset(&want);
	strbuf_addf(&want, "unexpected output from python interpreter '%s': more than 1048576 bytes",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	free(py);
	strbuf_release(&want);
	sync_interp_release(&in);
}
END_TEST

START_TEST(test_timeout)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf want = STRBUF_INIT;
	struct sync_probe_opts opts = { NULL, NULL, 300 };
	struct timespec t0, t1;
	char *py;

	sync_interp_init(&in);
	/* The sleep is a grandchild: the whole process group is killed. */
	py = write_script("slow", "sleep 20\necho '{}'\n");
	opts.python = py;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(sync_interp_probe_opts(&opts, &in, &err), -CVL_EIO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5);
	strbuf_addf(&want, "python interpreter '%s' did not answer within 1 s",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert_str_eq(err.hint, HINT);

	/* Closing stdout early does not end the wait: exiting does. */
	free(py);
	cvl_error_clear(&err);
	py = write_script("daemon", "exec >&- 2>&-\nsleep 20\n");
	opts.python = py;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(sync_interp_probe_opts(&opts, &in, &err), -CVL_EIO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5);
	strbuf_reset(&want);
	strbuf_addf(&want, "python interpreter '%s' did not answer within 1 s",
		    py);
	ck_assert_str_eq(err.msg, want.buf);
	free(py);
	strbuf_release(&want);
	sync_interp_release(&in);
}
END_TEST

/* ---- tags from hand-written probe documents ---------------------------- */

struct doc {
	const char *impl;         /* sys.implementation.name */
	int major, minor, micro;
	const char *sys_platform;
	const char *machine;
	const char *sysconfig_platform;
	const char *libc;         /* JSON: null or ["glibc", "2.36"] */
	const char *mac;
	const char *extra;        /* more JSON members, each with a leading comma */
};

static void make_doc(const struct doc *d, struct strbuf *out)
{
	static const char *const paths =
		"{\"purelib\": \"/p\", \"platlib\": \"/p\", \"scripts\": \"/b\", "
		"\"data\": \"/\", \"include\": \"/i\"}";

	strbuf_addf(out,
		    "{\"cvlock_probe\": 1, \"markers\": {"
		    "\"implementation_name\": \"%s\", \"implementation_version\": \"%d.%d.%d\", "
		    "\"os_name\": \"%s\", \"platform_machine\": \"%s\", "
		    "\"platform_release\": \"\", \"platform_system\": \"\", "
		    "\"platform_version\": \"\", \"python_full_version\": \"%d.%d.%d\", "
		    "\"platform_python_implementation\": \"x\", "
		    "\"python_version\": \"%d.%d\", \"sys_platform\": \"%s\"}, "
		    "\"version_info\": [%d, %d, %d], \"implementation\": \"%s\", "
		    "\"sysconfig_platform\": \"%s\", "
		    "\"libc\": %s, \"mac_version\": \"%s\", "
		    "\"has_refcount\": false, \"has_debug_ext\": false, "
		    "\"prefix\": \"/usr\", \"base_prefix\": \"/usr\", "
		    "\"paths\": %s, \"venv_paths\": %s%s}",
		    d->impl, d->major, d->minor, d->micro,
		    strcmp(d->sys_platform, "win32") ? "posix" : "nt", d->machine,
		    d->major, d->minor, d->micro, d->major, d->minor,
		    d->sys_platform, d->major, d->minor, d->micro, d->impl,
		    d->sysconfig_platform, d->libc, d->mac, paths, paths,
		    d->extra);
}

static void doc_tags(const struct doc *d, struct strvec *tags)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf text = STRBUF_INIT;
	int r;

	make_doc(d, &text);
	sync_interp_init(&in);
	r = sync_interp_parse(&in, "python", text.buf, text.len, &err);
	if (r)
		ck_abort_msg("%s", err.msg);
	/* is_32bit and gil_disabled are required: each doc's `extra` has them */
	r = sync_interp_tags(&in, tags, &err);
	if (r)
		ck_abort_msg("%s", err.msg);
	sync_interp_release(&in);
	strbuf_release(&text);
}

static void target_tags(const char *impl, int minor, const char *plat,
			struct strvec *out)
{
	struct pep_target t;
	struct cvl_error err = CVL_ERROR_INIT;

	memset(&t, 0, sizeof(t));
	memcpy(t.implementation, impl, strlen(impl) + 1);
	t.python[0] = 3;
	t.python[1] = minor;
	memcpy(t.platform, plat, strlen(plat) + 1);
	ck_assert_int_eq(pep_target_tags(&t, out, &err), 0);
}

static void assert_same(const struct strvec *a, const struct strvec *b)
{
	size_t i;

	ck_assert_uint_eq(a->nr, b->nr);
	for (i = 0; i < a->nr; i++)
		ck_assert_str_eq(a->v[i], b->v[i]);
}

static bool has_tag(const struct strvec *tags, const char *tag)
{
	size_t i;

	for (i = 0; i < tags->nr; i++)
		if (!strcmp(tags->v[i], tag))
			return true;
	return false;
}

#define PLAIN_CP ", \"is_32bit\": false, \"gil_disabled\": false, \"abiflags\": \"\", \"py_debug\": 0"

START_TEST(test_tags_glibc_is_target)
{
	struct doc d = { "cpython", 3, 12, 4, "linux", "aarch64", "linux-aarch64",
			 "[\"glibc\", \"2.31\"]", "", PLAIN_CP };
	struct strvec got = STRVEC_INIT, want = STRVEC_INIT;

	doc_tags(&d, &got);
	target_tags("cp", 12, "manylinux_2_31_aarch64", &want);
	assert_same(&got, &want);
	ck_assert_str_eq(got.v[0], "cp312-cp312-manylinux_2_31_aarch64");
	strvec_clear(&got);
	strvec_clear(&want);
}
END_TEST

START_TEST(test_tags_musl_mac_windows)
{
	struct doc musl = { "cpython", 3, 12, 0, "linux", "x86_64", "linux-x86_64",
			    "[\"musl\", \"1.2\"]", "", PLAIN_CP };
	struct doc mac = { "cpython", 3, 11, 9, "darwin", "arm64",
			   "macosx-11.0-arm64", "null", "14.5", PLAIN_CP };
	struct doc win = { "cpython", 3, 13, 1, "win32", "AMD64", "win-amd64",
			   "null", "", ", \"is_32bit\": false, \"gil_disabled\": false, \"py_debug\": null" };
	struct strvec got = STRVEC_INIT, want = STRVEC_INIT;

	doc_tags(&musl, &got);
	target_tags("cp", 12, "musllinux_1_2_x86_64", &want);
	assert_same(&got, &want);
	ck_assert_str_eq(got.v[0], "cp312-cp312-musllinux_1_2_x86_64");
	ck_assert_str_eq(got.v[3], "cp312-cp312-linux_x86_64");
	strvec_clear(&got);
	strvec_clear(&want);

	doc_tags(&mac, &got);
	target_tags("cp", 11, "macosx_14_5_arm64", &want);
	assert_same(&got, &want);
	ck_assert_str_eq(got.v[0], "cp311-cp311-macosx_14_0_arm64");
	strvec_clear(&got);
	strvec_clear(&want);

	doc_tags(&win, &got);
	target_tags("cp", 13, "win_amd64", &want);
	assert_same(&got, &want);
	ck_assert_str_eq(got.v[0], "cp313-cp313-win_amd64");
	strvec_clear(&got);
	strvec_clear(&want);
}
END_TEST

START_TEST(test_tags_abis)
{
	/* 32-bit interpreter on a 64-bit kernel: i686 */
	struct doc i686 = { "cpython", 3, 11, 0, "linux", "x86_64", "linux-x86_64",
			    "[\"glibc\", \"2.17\"]", "",
			    ", \"is_32bit\": true, \"gil_disabled\": false, \"py_debug\": 0" };
	/* free-threaded 3.13: cp313t, no abi3 */
	struct doc ft = { "cpython", 3, 13, 0, "linux", "x86_64", "linux-x86_64",
			  "[\"glibc\", \"2.36\"]", "",
			  ", \"is_32bit\": false, \"gil_disabled\": true, \"abiflags\": \"t\", \"py_debug\": 0" };
	/* debug build: cp312d first, then cp312 */
	struct doc dbg = { "cpython", 3, 12, 0, "linux", "x86_64", "linux-x86_64",
			   "null", "",
			   ", \"is_32bit\": false, \"gil_disabled\": false, \"abiflags\": \"d\", \"py_debug\": 1" };
	/* 3.7 with pymalloc (WITH_PYMALLOC unknown counts as on): cp37m */
	struct doc py37 = { "cpython", 3, 7, 16, "linux", "x86_64", "linux-x86_64",
			    "[\"glibc\", \"2.28\"]", "", PLAIN_CP };
	/* PyPy: the ABI from EXT_SUFFIX */
	struct doc pypy = { "pypy", 3, 10, 14, "linux", "x86_64", "linux-x86_64",
			    "[\"glibc\", \"2.36\"]", "",
			    ", \"is_32bit\": false, \"gil_disabled\": false, \"py_debug\": 0, "
			    "\"ext_suffix\": \".pypy310-pp73-x86_64-linux-gnu.so\", "
			    "\"py_version_nodot\": \"310\"" };
	/* a platform pep/ has no target for */
	struct doc bsd = { "cpython", 3, 11, 0, "freebsd14", "amd64",
			   "freebsd-14.0-RELEASE-amd64", "null", "", PLAIN_CP };
	struct strvec got = STRVEC_INIT, want = STRVEC_INIT;

	doc_tags(&i686, &got);
	target_tags("cp", 11, "manylinux_2_17_i686", &want);
	assert_same(&got, &want);
	ck_assert_str_eq(got.v[0], "cp311-cp311-manylinux_2_17_i686");
	strvec_clear(&got);
	strvec_clear(&want);

	doc_tags(&ft, &got);
	ck_assert_str_eq(got.v[0], "cp313-cp313t-manylinux_2_36_x86_64");
	ck_assert(!has_tag(&got, "cp313-abi3-manylinux_2_36_x86_64"));
	ck_assert(!has_tag(&got, "cp313-cp313-manylinux_2_36_x86_64"));
	ck_assert(has_tag(&got, "py313-none-any"));
	strvec_clear(&got);

	doc_tags(&py37, &got);
	ck_assert_str_eq(got.v[0], "cp37-cp37m-manylinux_2_28_x86_64");
	ck_assert(!has_tag(&got, "cp37-cp37-manylinux_2_28_x86_64"));
	ck_assert(has_tag(&got, "cp37-abi3-manylinux_2_28_x86_64"));
	strvec_clear(&got);

	doc_tags(&dbg, &got);
	ck_assert_str_eq(got.v[0], "cp312-cp312d-linux_x86_64");
	ck_assert_str_eq(got.v[1], "cp312-cp312-linux_x86_64");
	ck_assert_str_eq(got.v[2], "cp312-abi3-linux_x86_64");
	strvec_clear(&got);

	doc_tags(&pypy, &got);
	target_tags("pp", 10, "manylinux_2_36_x86_64", &want);
	assert_same(&got, &want);
	ck_assert_str_eq(got.v[0], "pp310-pypy310_pp73-manylinux_2_36_x86_64");
	strvec_clear(&got);
	strvec_clear(&want);

	doc_tags(&bsd, &got);
	ck_assert_str_eq(got.v[0], "cp311-cp311-freebsd_14_0_release_amd64");
	ck_assert_str_eq(got.v[1], "cp311-abi3-freebsd_14_0_release_amd64");
	ck_assert_str_eq(got.v[got.nr - 1], "py30-none-any");
	strvec_clear(&got);
}
END_TEST

START_TEST(test_parse_errors)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct doc d = { "cpython", 3, 12, 0, "linux", "x86_64", "linux-x86_64",
			 "[\"glibc\", \"2.36\"]", "", "" };
	struct strbuf text = STRBUF_INIT;

	sync_interp_init(&in);
	/* is_32bit missing */
	make_doc(&d, &text);
	ck_assert_int_eq(sync_interp_parse(&in, "py", text.buf, text.len, &err),
			 -CVL_EIO);
	ck_assert_str_eq(err.msg, "unexpected output from python interpreter 'py': expected true or false for 'is_32bit'");
	ck_assert_ptr_null(in.path);

	cvl_error_clear(&err);
	ck_assert_int_eq(sync_interp_parse(&in, "py", "[1]", 3, &err), -CVL_EIO);
	ck_assert_str_eq(err.msg, "unexpected output from python interpreter 'py': expected a JSON object");

	cvl_error_clear(&err);
	ck_assert_int_eq(sync_interp_parse(&in, "py", "{\"cvlock_probe\": 2}", 19,
					   &err), -CVL_EIO);
	ck_assert_str_eq(err.msg, "unexpected output from python interpreter 'py': expected 'cvlock_probe': 1");

	cvl_error_clear(&err);
	ck_assert_int_eq(sync_interp_parse(&in, "py", "\x01\x02 not json\nmore", 18,
					   &err), -CVL_EIO);
	ck_assert_str_eq(err.msg, "unexpected output from python interpreter 'py': expected JSON, got '\\x01\\x02 not json'");

	/* With gil_disabled, the same document parses. */
	strbuf_reset(&text);
	d.extra = ", \"is_32bit\": false, \"gil_disabled\": false";
	make_doc(&d, &text);
	ck_assert_int_eq(sync_interp_parse(&in, "py", text.buf, text.len, &err), 0);
	ck_assert_str_eq(in.path, "py");
	ck_assert_str_eq(in.abiflags, "");
	ck_assert_int_eq(in.py_debug, -1);
	ck_assert_str_eq(in.libc, "glibc");
	ck_assert_int_eq(in.libc_version[1], 36);
	strbuf_release(&text);
	sync_interp_release(&in);
}
END_TEST

Suite *suite_sync_interp(void)
{
	Suite *s = suite_create("sync_interp");
	TCase *tc = tcase_create("interp");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_probe_system_python);
	tcase_add_test(tc, test_system_python_tags);
	tcase_add_test(tc, test_cache_hit_and_invalidation);
	tcase_add_test(tc, test_wrapper_never_cached);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_bad_output);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_tags_glibc_is_target);
	tcase_add_test(tc, test_tags_musl_mac_windows);
	tcase_add_test(tc, test_tags_abis);
	tcase_add_test(tc, test_parse_errors);
	suite_add_tcase(s, tc);
	return s;
}

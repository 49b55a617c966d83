/*
 * test_sync_plan.c - the plan (sync/plan.c): the lock checked against
 * the interpreter, packages selected by marker with extras and groups,
 * the wheel chosen by tag priority, the comparison with installed
 * dist-infos (install, upgrade, downgrade, keep, reinstall when WHEEL
 * disagrees, or RECORD with SYNC_PLAN_VERIFY, remove, --inexact); and downloads (sync/download.c)
 * from file:// URLs and relative paths into the sha256-keyed cache, with
 * wrong hashes and sizes refused and nothing cached for them.
 */
#include "config.h"
#include "tests/unit/unit.h"
#include "sync/sync.h"
#include "lockfmt/lockfmt.h"
#include "index/index.h"

#include <sys/stat.h>
#include <unistd.h>

/* A Linux CPython 3.11 interpreter, as a probe would describe it. */
static void fake_interp(struct sync_interp *in)
{
	static const char *const m[PEP_ENV_NSTRVARS] = {
		[PEP_ENV_IMPLEMENTATION_NAME] = "cpython",
		[PEP_ENV_IMPLEMENTATION_VERSION] = "3.11.7",
		[PEP_ENV_OS_NAME] = "posix",
		[PEP_ENV_PLATFORM_MACHINE] = "x86_64",
		[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION] = "CPython",
		[PEP_ENV_PLATFORM_RELEASE] = "6.1.0",
		[PEP_ENV_PLATFORM_SYSTEM] = "Linux",
		[PEP_ENV_PLATFORM_VERSION] = "#1 SMP",
		[PEP_ENV_PYTHON_FULL_VERSION] = "3.11.7",
		[PEP_ENV_PYTHON_VERSION] = "3.11",
		[PEP_ENV_SYS_PLATFORM] = "linux",
	};
	size_t i;

	sync_interp_init(in);
	in->path = xstrdup("/usr/bin/python3.11");
	in->version[0] = 3;
	in->version[1] = 11;
	in->version[2] = 7;
	for (i = 0; i < PEP_ENV_NSTRVARS; i++)
		if (m[i])
			in->markers[i] = xstrdup(m[i]);
}

static void fake_tags(struct strvec *tags)
{
	strvec_push(tags, "cp311-cp311-manylinux_2_17_x86_64");
	strvec_push(tags, "cp311-abi3-manylinux_2_17_x86_64");
	strvec_push(tags, "cp311-none-any");
	strvec_push(tags, "py3-none-any");
}

static void add_wheel(struct lock_package *p, const char *fn, const char *sha)
{
	struct lock_file_entry *w = lock_package_add_wheel(p);
	struct strbuf url = STRBUF_INIT;

	lock_set_str(&w->name, fn);
	strbuf_addf(&url, "https://files.example/%s", fn);
	lock_set_str(&w->url, url.buf);
	lock_entry_set_hash(w, "sha256", sha);
	strbuf_release(&url);
}

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* alpha 1.0 (two wheels), beta 2.0 ('fast' extra), gamma 3.0 ('dev' group) */
static void fake_lock(struct lock_file *lf)
{
	struct lock_package *p;

	lock_file_init(lf);
	strvec_push(&lf->extras, "fast");
	strvec_push(&lf->dependency_groups, "dev");
	strvec_push(&lf->default_groups, "dev");
	p = lock_file_add_package(lf, "alpha", "1.0");
	add_wheel(p, "alpha-1.0-py3-none-any.whl", SHA_A);
	add_wheel(p, "alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", SHA_B);
	add_wheel(p, "alpha-1.0-cp312-cp312-win_amd64.whl", SHA_A);
	p = lock_file_add_package(lf, "beta", "2.0");
	lock_set_str(&p->marker, "'fast' in extras");
	add_wheel(p, "beta-2.0-py3-none-any.whl", SHA_A);
	p = lock_file_add_package(lf, "gamma", "3.0");
	lock_set_str(&p->marker, "'dev' in dependency_groups and sys_platform == 'linux'");
	add_wheel(p, "gamma-3.0-py3-none-any.whl", SHA_A);
}

static const struct sync_plan_item *item(const struct sync_plan *plan,
					 const char *name)
{
	size_t i;

	for (i = 0; i < plan->n; i++)
		if (!strcmp(plan->items[i].name, name))
			return &plan->items[i];
	return NULL;
}

START_TEST(test_select_and_choose)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_interp in;
	struct strvec tags = STRVEC_INIT;
	struct lock_file lf;
	struct sync_plan plan;
	struct sync_plan_opts o;
	const char *extras[] = { "FAST" };
	const struct sync_plan_item *it;

	fake_interp(&in);
	fake_tags(&tags);
	fake_lock(&lf);
	memset(&o, 0, sizeof(o));

	/* default: no extra, the default group */
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err), 0);
	ck_assert_uint_eq(plan.n, 2);
	ck_assert_uint_eq(plan.nselected, 2);
	ck_assert_uint_eq(plan.counts[SYNC_INSTALL], 2);
	it = item(&plan, "alpha");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->action, SYNC_INSTALL);
	/* the manylinux wheel ranks before py3-none-any */
	ck_assert_str_eq(it->wheel_name, "alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl");
	ck_assert_str_eq(it->sha256, SHA_B);
	ck_assert_ptr_nonnull(item(&plan, "gamma"));
	ck_assert_ptr_null(item(&plan, "beta"));
	ck_assert(!sync_plan_is_noop(&plan));
	sync_plan_release(&plan);

	/* an extra (any spelling), no default groups */
	o.extras = extras;
	o.nextras = 1;
	o.flags = SYNC_PLAN_NO_DEFAULT_GROUPS;
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err), 0);
	ck_assert_uint_eq(plan.n, 2);
	ck_assert_ptr_nonnull(item(&plan, "beta"));
	ck_assert_ptr_null(item(&plan, "gamma"));
	sync_plan_release(&plan);

	/* all extras, and the group again */
	memset(&o, 0, sizeof(o));
	o.flags = SYNC_PLAN_ALL_EXTRAS;
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err), 0);
	ck_assert_uint_eq(plan.n, 3);
	/* sorted by name */
	ck_assert_str_eq(plan.items[0].name, "alpha");
	ck_assert_str_eq(plan.items[1].name, "beta");
	ck_assert_str_eq(plan.items[2].name, "gamma");
	sync_plan_release(&plan);

	lock_file_release(&lf);
	strvec_clear(&tags);
	sync_interp_release(&in);
}
END_TEST

START_TEST(test_errors)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_interp in;
	struct strvec tags = STRVEC_INIT;
	struct lock_file lf;
	struct lock_package *p;
	struct sync_plan plan;
	struct sync_plan_opts o;
	const char *bad[] = { "nope" };

	fake_interp(&in);
	fake_tags(&tags);
	memset(&o, 0, sizeof(o));

	/* requires-python */
	fake_lock(&lf);
	lock_set_str(&lf.requires_python, "==3.12.*");
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "'pylock.toml' requires Python ==3.12.*, and '/usr/bin/python3.11' is Python 3.11.7");
	ck_assert(err.hint[0]);
	lock_set_str(&lf.requires_python, ">=3.8");
	ck_assert_int_eq(sync_plan_check_python(&lf, &in, NULL, &err), 0);

	/* environments */
	strvec_push(&lf.environments, "sys_platform == 'win32'");
	ck_assert_int_eq(sync_plan_check_python(&lf, &in, "x.toml", &err),
			 -CVL_EINVAL);
	ck_assert(strstr(err.msg, "'x.toml' is locked for other environments"));
	strvec_push(&lf.environments, "sys_platform == 'linux'");
	ck_assert_int_eq(sync_plan_check_python(&lf, &in, "x.toml", &err), 0);

	/* an unknown extra */
	o.extras = bad;
	o.nextras = 1;
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err),
			 -CVL_EUSAGE);
	ck_assert_str_eq(err.msg, "extra 'nope' is not in 'pylock.toml'");
	ck_assert_str_eq(err.hint, "the lock has: 'fast'");
	o.nextras = 0;
	o.groups = bad;
	o.ngroups = 1;
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err),
			 -CVL_EUSAGE);
	o.ngroups = 0;
	lock_file_release(&lf);

	/* no wheel for this interpreter */
	lock_file_init(&lf);
	p = lock_file_add_package(&lf, "win", "1.0");
	add_wheel(p, "win-1.0-cp311-cp311-win_amd64.whl", SHA_A);
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err),
			 -CVL_EINVAL);
	ck_assert(strstr(err.msg, "no wheel of 'win' 1.0 in 'pylock.toml' fits"));
	lock_file_release(&lf);

	/* only an sdist */
	lock_file_init(&lf);
	p = lock_file_add_package(&lf, "src", "1.0");
	lock_set_str(&lock_package_sdist(p)->name, "src-1.0.tar.gz");
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err),
			 -CVL_EUNSUPPORTED);
	ck_assert(strstr(err.msg, "has only a source distribution"));
	lock_file_release(&lf);

	/* two entries of one name selected */
	lock_file_init(&lf);
	p = lock_file_add_package(&lf, "dup", "1.0");
	add_wheel(p, "dup-1.0-py3-none-any.whl", SHA_A);
	p = lock_file_add_package(&lf, "dup", "2.0");
	lock_set_str(&p->marker, "os_name == 'posix'");
	add_wheel(p, "dup-2.0-py3-none-any.whl", SHA_A);
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, NULL, &o, &err),
			 -CVL_EINVAL);
	ck_assert(strstr(err.msg, "lists 'dup' twice"));
	lock_file_release(&lf);

	strvec_clear(&tags);
	sync_interp_release(&in);
}
END_TEST

/* ---- against installed dist-infos ------------------------------------- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/*
 * A dist-info NAME-VERSION in `site` with one module file and a RECORD
 * (its hash right), and a WHEEL with Tag `tag`.
 */
static void fake_dist(const char *site, const char *name, const char *version,
		      const char *tag, struct sync_installed *si)
{
	struct strbuf p = STRBUF_INIT, rec = STRBUF_INIT, h = STRBUF_INIT;
	struct sync_dist *d;
	const char *body = "x = 1\n";

	strbuf_addf(&p, "%s/%s", site, name);
	mkdir(p.buf, 0755);
	strbuf_addstr(&p, "/__init__.py");
	write_file(p.buf, body);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/%s-%s.dist-info", site, name, version);
	mkdir(p.buf, 0755);
	sync_record_hash(body, strlen(body), &h);
	strbuf_addf(&rec, "%s/__init__.py,%s,%zu\n%s-%s.dist-info/RECORD,,\n",
		    name, h.buf, strlen(body), name, version);
	strbuf_addstr(&p, "/RECORD");
	write_file(p.buf, rec.buf);
	strbuf_setlen(&p, p.len - 6);
	strbuf_addstr(&p, "WHEEL");
	strbuf_reset(&rec);
	strbuf_addf(&rec, "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: %s\n",
		    tag);
	write_file(p.buf, rec.buf);
	strbuf_setlen(&p, p.len - 6);

	ALLOC_GROW(si->dists, si->n + 1, si->alloc);
	d = &si->dists[si->n++];
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(name);
	d->version = xstrdup(version);
	d->dist_info = strbuf_detach(&p, NULL);
	d->has_record = true;
	strbuf_release(&rec);
	strbuf_release(&h);
}

static void release_fake_installed(struct sync_installed *si)
{
	size_t i;

	for (i = 0; i < si->n; i++) {
		free(si->dists[i].name);
		free(si->dists[i].version);
		free(si->dists[i].dist_info);
	}
	free(si->dists);
	memset(si, 0, sizeof(*si));
}

START_TEST(test_against_installed)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_interp in;
	struct strvec tags = STRVEC_INIT;
	struct sync_installed si = { NULL, 0, 0 };
	struct lock_file lf;
	struct lock_package *p;
	struct sync_plan plan;
	struct sync_plan_opts o;
	const struct sync_plan_item *it;
	char site[4096];
	struct strbuf path = STRBUF_INIT;

	fake_interp(&in);
	fake_tags(&tags);
	memset(&o, 0, sizeof(o));
	unit_tmpdir(site, sizeof(site), "plan");

	lock_file_init(&lf);
	p = lock_file_add_package(&lf, "keep", "1.0");
	add_wheel(p, "keep-1.0-py3-none-any.whl", SHA_A);
	p = lock_file_add_package(&lf, "up", "2.0");
	add_wheel(p, "up-2.0-py3-none-any.whl", SHA_A);
	p = lock_file_add_package(&lf, "down", "1.0");
	add_wheel(p, "down-1.0-py3-none-any.whl", SHA_A);
	p = lock_file_add_package(&lf, "damaged", "1.0");
	add_wheel(p, "damaged-1.0-py3-none-any.whl", SHA_A);
	p = lock_file_add_package(&lf, "edited", "1.0");
	add_wheel(p, "edited-1.0-py3-none-any.whl", SHA_A);
	p = lock_file_add_package(&lf, "rebuilt", "1.0");
	add_wheel(p, "rebuilt-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", SHA_A);
	p = lock_file_add_package(&lf, "new", "1.0");
	add_wheel(p, "new-1.0-py3-none-any.whl", SHA_A);

	/* sorted by name, as sync_installed_scan leaves them */
	fake_dist(site, "damaged", "1.0", "py3-none-any", &si);
	fake_dist(site, "down", "1.1", "py3-none-any", &si);
	fake_dist(site, "edited", "1.0", "py3-none-any", &si);
	fake_dist(site, "extra", "5.0", "py3-none-any", &si);
	fake_dist(site, "keep", "1.0.0", "py3-none-any", &si);
	fake_dist(site, "rebuilt", "1.0", "py3-none-any", &si);
	fake_dist(site, "up", "1.0", "py3-none-any", &si);
	strbuf_addf(&path, "%s/damaged/__init__.py", site);
	unlink(path.buf);
	/* the same size, other bytes: only a hash check sees it */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/edited/__init__.py", site);
	write_file(path.buf, "x = 2\n");

	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, &si, &o, &err), 0);
	ck_assert_uint_eq(plan.nselected, 7);
	ck_assert_uint_eq(plan.n, 8);
	ck_assert_int_eq(item(&plan, "keep")->action, SYNC_KEEP);
	ck_assert_int_eq(item(&plan, "up")->action, SYNC_UPGRADE);
	ck_assert_int_eq(item(&plan, "down")->action, SYNC_DOWNGRADE);
	ck_assert_int_eq(item(&plan, "new")->action, SYNC_INSTALL);
	/* a present dist-info is trusted: its files are not even stat'ed */
	ck_assert_int_eq(item(&plan, "edited")->action, SYNC_KEEP);
	ck_assert_int_eq(item(&plan, "damaged")->action, SYNC_KEEP);
	it = item(&plan, "rebuilt");
	ck_assert_int_eq(it->action, SYNC_REINSTALL);
	ck_assert_str_eq(it->reason, "another build of it is installed");
	it = item(&plan, "extra");
	ck_assert_int_eq(it->action, SYNC_REMOVE);
	ck_assert_ptr_null(it->version);
	ck_assert_str_eq(it->installed[0]->version, "5.0");
	ck_assert_uint_eq(plan.counts[SYNC_KEEP], 3);
	sync_plan_release(&plan);

	/* --check, --verify: every file; --inexact: keep the extra one */
	o.flags = SYNC_PLAN_VERIFY | SYNC_PLAN_INEXACT;
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, &si, &o, &err), 0);
	ck_assert_uint_eq(plan.n, 7);
	it = item(&plan, "damaged");
	ck_assert_int_eq(it->action, SYNC_REINSTALL);
	ck_assert_str_eq(it->reason, "'damaged/__init__.py' is missing");
	ck_assert_uint_eq(it->ninstalled, 1);
	ck_assert_int_eq(item(&plan, "keep")->action, SYNC_KEEP);
	it = item(&plan, "edited");
	ck_assert_int_eq(it->action, SYNC_REINSTALL);
	ck_assert_str_eq(it->reason, "'edited/__init__.py' has changed");
	ck_assert_ptr_null(item(&plan, "extra"));
	sync_plan_release(&plan);

	/* two dist-infos of one name: reinstall, both uninstalled */
	fake_dist(site, "keep", "0.9", "py3-none-any", &si);
	{
		struct sync_dist t = si.dists[si.n - 1];

		memmove(&si.dists[5], &si.dists[4],
			(si.n - 5) * sizeof(*si.dists));
		si.dists[4] = t;
	}
	ck_assert_int_eq(sync_plan_build(&plan, &lf, &in, &tags, &si, &o, &err), 0);
	it = item(&plan, "keep");
	ck_assert_int_eq(it->action, SYNC_REINSTALL);
	ck_assert_uint_eq(it->ninstalled, 2);
	sync_plan_release(&plan);

	release_fake_installed(&si);
	lock_file_release(&lf);
	strvec_clear(&tags);
	sync_interp_release(&in);
	strbuf_release(&path);
	unit_rm_rf(site);
}
END_TEST

/* ---- downloads --------------------------------------------------------- */

START_TEST(test_download)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_download_opts o;
	struct sync_download_stats st;
	struct sync_fetch f[2];
	char dir[4096], hex[65];
	struct strbuf p = STRBUF_INIT, url = STRBUF_INIT, cached = STRBUF_INIT;
	const char *data = "not really a zip, but bytes with a hash\n";
	const char *zeros = "0000000000000000000000000000000000000000000000000000000000000000";
	struct stat sb;

	unit_tmpdir(dir, sizeof(dir), "download");
	sha256_hex(data, strlen(data), hex);
	strbuf_addf(&p, "%s/files", dir);
	mkdir(p.buf, 0755);
	strbuf_addstr(&p, "/w-1.0-py3-none-any.whl");
	write_file(p.buf, data);
	ck_assert_int_eq(url_from_path(p.buf, &url, &err), 0);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/cache", dir);

	memset(&o, 0, sizeof(o));
	o.cache_dir = p.buf;
	o.base_dir = dir;
	memset(f, 0, sizeof(f));
	/* one by file:// URL, one by a path relative to base_dir */
	f[0].name = "w";
	f[0].filename = "w-1.0-py3-none-any.whl";
	f[0].url = url.buf;
	f[0].sha256 = hex;
	f[0].size = (int64_t)strlen(data);
	f[1] = f[0];
	f[1].url = NULL;
	f[1].path = "files/w-1.0-py3-none-any.whl";
	f[1].size = -1;
	ck_assert_int_eq(sync_download(f, 2, &o, &st, &err), 0);
	ck_assert_uint_eq(st.downloaded, 2);
	sync_cache_wheel_path(p.buf, hex, &cached);
	ck_assert_str_eq(f[0].wheel, cached.buf);
	ck_assert_int_eq(stat(cached.buf, &sb), 0);
	ck_assert_int_eq(sb.st_size, (off_t)strlen(data));
	sync_fetch_release(&f[0]);
	sync_fetch_release(&f[1]);

	/* now a cache hit, without any request, even --offline */
	o.offline = true;
	f[0].url = "https://unreachable.invalid/w-1.0-py3-none-any.whl";
	ck_assert_int_eq(sync_download(f, 1, &o, &st, &err), 0);
	ck_assert_uint_eq(st.cached, 1);
	ck_assert_uint_eq(st.downloaded, 0);
	sync_fetch_release(&f[0]);
	o.offline = false;

	/* a wrong hash: CVL_EHASH naming both, nothing cached */
	f[0].url = url.buf;
	f[0].sha256 = zeros;
	ck_assert_int_eq(sync_download(f, 1, &o, &st, &err), -CVL_EHASH);
	ck_assert(strstr(err.msg, "hash mismatch for 'w-1.0-py3-none-any.whl': expected sha256 0000"));
	ck_assert(strstr(err.msg, hex));
	ck_assert_ptr_null(f[0].wheel);
	strbuf_reset(&cached);
	sync_cache_wheel_path(p.buf, zeros, &cached);
	ck_assert_int_ne(stat(cached.buf, &sb), 0);

	/* a size other than the lock's: longer, and shorter */
	f[0].sha256 = hex;
	f[0].size = 5;
	ck_assert_int_eq(sync_download(f, 1, &o, &st, &err), -CVL_EHASH);
	ck_assert(strstr(err.msg, "size mismatch for 'w-1.0-py3-none-any.whl'"));
	f[0].size = 500;
	ck_assert_int_eq(sync_download(f, 1, &o, &st, &err), -CVL_EHASH);
	ck_assert(strstr(err.msg, "the lock says 500 bytes"));

	/* a missing file (of a hash not in the cache) */
	f[0].sha256 = zeros;
	f[0].size = -1;
	f[0].url = NULL;
	f[0].path = "files/missing.whl";
	ck_assert_int_lt(sync_download(f, 1, &o, &st, &err), 0);
	ck_assert_int_eq(f[0].rc, -CVL_ENOTFOUND);

	strbuf_release(&p);
	strbuf_release(&url);
	strbuf_release(&cached);
	unit_rm_rf(dir);
}
END_TEST

/* ---- leftovers of killed syncs ------------------------------------------ */

START_TEST(test_remove_leftovers)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	struct strbuf p = STRBUF_INIT;
	char site[4096];
	size_t n = 99;
	struct stat st;
	const char *names[] = { ".cvlock-tmp-eps-1.0.dist-info.Ab12Cd",
				".cvlock-rm-gamma-1.0.dist-info.42", "keep",
				".cvlock-sync.lock" };
	size_t i;

	unit_tmpdir(site, sizeof(site), "leftovers");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", site, names[i]);
		ck_assert_int_eq(mkdir(p.buf, 0755), 0);
		strbuf_addstr(&p, "/RECORD");
		write_file(p.buf, "x,,\n");
	}
	sync_venv_init(&v);
	v.paths[SYNC_PATH_PURELIB] = xstrdup(site);
	v.paths[SYNC_PATH_PLATLIB] = xstrdup(site);
	ck_assert_int_eq(sync_remove_leftovers(&v, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", site, names[i]);
		ck_assert_int_eq(stat(p.buf, &st) == 0, i >= 2);
	}
	ck_assert_int_eq(sync_remove_leftovers(&v, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	sync_venv_release(&v);
	strbuf_release(&p);
	unit_rm_rf(site);
}
END_TEST

Suite *suite_sync_plan(void)
{
	Suite *s = suite_create("sync_plan");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_select_and_choose);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_against_installed);
	tcase_add_test(tc, test_download);
	tcase_add_test(tc, test_remove_leftovers);
	suite_add_tcase(s, tc);
	return s;
}

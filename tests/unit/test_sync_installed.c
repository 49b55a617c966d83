/*
 * test_sync_installed.c - installed distributions (sync/installed.c) and
 * their removal (sync/uninstall.c): dist-infos of every shape read or
 * skipped, sorted, found; a wheel installed by pip 23 (console script,
 * .data scripts and data, a subpackage, bytecode compiled by pip and by
 * an import) removed by sync_dist_uninstall() to the byte, with pip's own
 * `list` agreeing and nothing else touched; RECORD paths that lead out of
 * the environment (.., absolute, through a symbolic link) left alone; a
 * repeated (resumed) uninstall; a missing or broken RECORD.
 */
#include "config.h"
#include "tests/unit/unit.h"
#include "sync/sync.h"
#include "sync/internal.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYSTEM_PYTHON "/usr/bin/python3"
#define PIP_PYTHON "/root/.pyenv/versions/3.11.7/bin/python3.11"

static char tmpdir[256];

static void setup(void)
{
	unit_tmpdir(tmpdir, sizeof(tmpdir), "installed");
}

static void teardown(void)
{
	unit_rm_rf(tmpdir);
}

static bool have(const char *path)
{
	return access(path, X_OK) == 0;
}

static int run(const char *cmd, struct strbuf *out)
{
	char buf[4096];
	size_t n;
	FILE *p = popen(cmd, "r");
	int st;

	ck_assert_ptr_nonnull(p);
	strbuf_reset(out);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_add(out, buf, n);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

/* Write `text` to DIR/REL, creating the directories on the way. */
static void put(const char *dir, const char *rel, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	char *slash;
	FILE *f;

	strbuf_addf(&sb, "%s/%s", dir, rel);
	slash = strrchr(sb.buf, '/');
	*slash = '\0';
	ck_assert_int_eq(sync_mkdir_p(sb.buf, NULL), 0);
	*slash = '/';
	f = fopen(sb.buf, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	strbuf_release(&sb);
}

static bool there(const char *dir, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	bool ok;

	strbuf_addf(&sb, "%s/%s", dir, rel);
	ok = !lstat(sb.buf, &st);
	strbuf_release(&sb);
	return ok;
}

/* Every path below `root` with its type, sorted, one a line. */
static void list_tree(const char *root, const char *rel, struct strvec *out)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	DIR *d;

	strbuf_addf(&path, "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(path.buf);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		struct strbuf sub = STRBUF_INIT, full = STRBUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		strbuf_addf(&full, "%s/%s", root, sub.buf);
		ck_assert_int_eq(lstat(full.buf, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			strvec_pushf(out, "%s/", sub.buf);
			list_tree(root, sub.buf, out);
		} else {
			strvec_pushf(out, "%s %lld", sub.buf,
				     (long long)st.st_size);
		}
		strbuf_release(&sub);
		strbuf_release(&full);
	}
	closedir(d);
	strbuf_release(&path);
}

static char *tree_text(const char *root)
{
	struct strvec sv = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	list_tree(root, "", &sv);
	strvec_sort(&sv);
	for (i = 0; i < sv.nr; i++)
		strbuf_addf(&sb, "%s\n", sv.v[i]);
	strvec_clear(&sv);
	return strbuf_detach(&sb, NULL);
}

/*
 * A fake environment in tmpdir/env: its venv fields only (nothing runs
 * in it), site-packages at lib/python3.11/site-packages.
 */
static void fake_venv(struct sync_venv *v)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sync_venv_init(v);
	strbuf_addf(&sb, "%s/env", tmpdir);
	v->dir = strbuf_detach(&sb, NULL);
	strbuf_addf(&sb, "%s/lib/python3.11/site-packages", v->dir);
	v->paths[SYNC_PATH_PURELIB] = xstrdup(sb.buf);
	v->paths[SYNC_PATH_PLATLIB] = strbuf_detach(&sb, NULL);
	strbuf_addf(&sb, "%s/bin", v->dir);
	v->paths[SYNC_PATH_SCRIPTS] = strbuf_detach(&sb, NULL);
	v->paths[SYNC_PATH_DATA] = xstrdup(v->dir);
	strbuf_addf(&sb, "%s/include/site/python3.11", v->dir);
	v->paths[SYNC_PATH_INCLUDE] = strbuf_detach(&sb, NULL);
	strbuf_addf(&sb, "%s/bin/python", v->dir);
	v->python = strbuf_detach(&sb, NULL);
	for (i = 0; i < SYNC_NPATHS; i++)
		if (i != SYNC_PATH_INCLUDE)
			ck_assert_int_eq(sync_mkdir_p(v->paths[i], NULL), 0);
	strbuf_release(&sb);
}

/* ---- the scan ---------------------------------------------------------- */

START_TEST(scan_shapes)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_installed si = { NULL, 0, 0 };
	struct strbuf big = STRBUF_INIT, sb = STRBUF_INIT;
	const struct sync_dist *d;
	struct sync_venv v;
	const char *sp;
	pid_t dead;
	int st;

	fake_venv(&v);
	sp = v.paths[SYNC_PATH_PURELIB];

	/* nothing installed */
	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_uint_eq(si.n, 0);

	put(sp, "Foo_Bar-1.0.dist-info/METADATA",
	    "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\nSummary: x\n\n"
	    "Name: not-this\nVersion: 9\n");
	put(sp, "Foo_Bar-1.0.dist-info/INSTALLER", "pip  \n");
	put(sp, "Foo_Bar-1.0.dist-info/RECORD", "foo_bar/__init__.py,,\n");
	put(sp, "Foo_Bar-1.0.dist-info/direct_url.json",
	    "{\"url\": \"file:///tmp/foo_bar-1.0-py3-none-any.whl\", \"archive_info\": {}}");
	/* CRLF, a byte-order mark, odd case, no final newline, no Metadata-Version */
	put(sp, "zeta.pkg-2.0rc1.dist-info/METADATA",
	    "\xef\xbb\xbfname:   Zeta.Pkg  \r\nVERSION:2.0rc1");
	/* two of one name (both listed), in purelib */
	put(sp, "dup-1.0.dist-info/METADATA", "Name: dup\nVersion: 1.0\n");
	put(sp, "dup-2.0.dist-info/METADATA", "Name: DUP\nVersion: 2.0\n");
	put(sp, "dup-2.0.dist-info/INSTALLER", "cvlock\n");
	/* Version after 100 KiB of folded Description */
	strbuf_addstr(&big, "Metadata-Version: 1.1\nName: big\nDescription: start\n");
	while (big.len < 100 * 1024)
		strbuf_addstr(&big, "        a folded description line, long enough\n");
	strbuf_addstr(&big, "Version: 3.1\n\nbody\n");
	put(sp, "big-3.1.dist-info/METADATA", big.buf);
	/* skipped: no Version, no METADATA, a file, not a dist-info, temporary */
	put(sp, "noversion-1.0.dist-info/METADATA", "Name: noversion\n\nVersion: 1.0\n");
	put(sp, "nometa-1.0.dist-info/RECORD", "");
	put(sp, "file-1.0.dist-info", "");
	put(sp, "pkg/METADATA", "Name: pkg\nVersion: 1\n");
	put(sp, "egg-1.0.egg-info/PKG-INFO", "Name: egg\nVersion: 1.0\n");
	put(sp, ".cvlock-tmp-new-1.0.dist-info.AbCdEf/METADATA",
	    "Name: new\nVersion: 1.0\n");
	put(sp, ".dist-info/METADATA", "Name: dot\nVersion: 1.0\n");
	/* a removal left by a killed process goes; one of a live process stays */
	dead = fork();
	ck_assert_int_ge(dead, 0);
	if (!dead)
		_exit(0);
	ck_assert_int_eq(waitpid(dead, &st, 0), dead);
	strbuf_addf(&sb, ".cvlock-rm-gone-1.0.dist-info.%ld/METADATA", (long)dead);
	put(sp, sb.buf, "Name: gone\nVersion: 1.0\n");
	strbuf_reset(&sb);
	strbuf_addf(&sb, ".cvlock-rm-busy-1.0.dist-info.%ld/METADATA", (long)getppid());
	put(sp, sb.buf, "Name: busy\nVersion: 1.0\n");

	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_uint_eq(si.n, 5);
	ck_assert_str_eq(si.dists[0].name, "big");
	ck_assert_str_eq(si.dists[0].version, "3.1");
	ck_assert_str_eq(si.dists[1].name, "dup");
	ck_assert_str_eq(si.dists[1].version, "1.0");
	ck_assert_ptr_null(si.dists[1].installer);
	ck_assert(!si.dists[1].has_record);
	ck_assert_str_eq(si.dists[2].name, "dup");
	ck_assert_str_eq(si.dists[2].version, "2.0");
	ck_assert_str_eq(si.dists[2].installer, "cvlock");
	ck_assert_str_eq(si.dists[3].name, "foo-bar");
	ck_assert_str_eq(si.dists[3].version, "1.0");
	ck_assert_str_eq(si.dists[3].installer, "pip");
	ck_assert(si.dists[3].has_record);
	ck_assert_str_eq(si.dists[3].direct_url,
			 "{\"url\": \"file:///tmp/foo_bar-1.0-py3-none-any.whl\", \"archive_info\": {}}");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/Foo_Bar-1.0.dist-info", sp);
	ck_assert_str_eq(si.dists[3].dist_info, sb.buf);
	ck_assert_ptr_null(si.dists[0].direct_url);
	ck_assert_str_eq(si.dists[4].name, "zeta-pkg");
	ck_assert_str_eq(si.dists[4].version, "2.0rc1");

	d = sync_installed_find(&si, "dup");
	ck_assert_ptr_eq(d, &si.dists[1]);
	ck_assert_ptr_eq(sync_installed_find(&si, "zeta-pkg"), &si.dists[4]);
	ck_assert_ptr_eq(sync_installed_find(&si, "big"), &si.dists[0]);
	ck_assert_ptr_null(sync_installed_find(&si, "foo"));
	ck_assert_ptr_null(sync_installed_find(&si, "zz"));
	ck_assert_ptr_null(sync_installed_find(&si, "a"));

	strbuf_reset(&sb);
	strbuf_addf(&sb, ".cvlock-rm-gone-1.0.dist-info.%ld", (long)dead);
	ck_assert(!there(sp, sb.buf));
	strbuf_reset(&sb);
	strbuf_addf(&sb, ".cvlock-rm-busy-1.0.dist-info.%ld", (long)getppid());
	ck_assert(there(sp, sb.buf));

	/* platlib elsewhere is scanned too, and a lib64 alias only once */
	free(v.paths[SYNC_PATH_PLATLIB]);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/lib64", v.dir);
	ck_assert_int_eq(symlink("lib", sb.buf), 0);
	strbuf_addstr(&sb, "/python3.11/site-packages");
	v.paths[SYNC_PATH_PLATLIB] = strbuf_detach(&sb, NULL);
	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_uint_eq(si.n, 5);
	free(v.paths[SYNC_PATH_PLATLIB]);
	strbuf_addf(&sb, "%s/platlib", v.dir);
	v.paths[SYNC_PATH_PLATLIB] = strbuf_detach(&sb, NULL);
	put(v.paths[SYNC_PATH_PLATLIB], "alpha-0.1.dist-info/METADATA",
	    "Name: alpha\nVersion: 0.1\n");
	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_uint_eq(si.n, 6);
	ck_assert_str_eq(si.dists[0].name, "alpha");

	sync_installed_release(&si);
	ck_assert_uint_eq(si.n, 0);
	sync_venv_release(&v);
	strbuf_release(&big);
	strbuf_release(&sb);
}
END_TEST

/* ---- uninstall --------------------------------------------------------- */

/* Build tmpdir/demo_pkg-1.0-py3-none-any.whl with Python's zipfile. */
static void build_wheel(void)
{
	static const char script[] =
		"import base64, hashlib, sys, zipfile\n"
		"files = {\n"
		" 'demo_pkg/__init__.py': 'from demo_pkg.sub import mod\\nVALUE = 42\\n',\n"
		" 'demo_pkg/sub/__init__.py': '',\n"
		" 'demo_pkg/sub/mod.py': 'def main():\\n    print(\"demo ok\")\\n',\n"
		" 'demo_pkg/data/table.txt': 'x\\n',\n"
		" 'demo_pkg-1.0.data/scripts/demo-tool': '#!python\\nprint(1)\\n',\n"
		" 'demo_pkg-1.0.data/data/share/demo/readme.txt': 'shared\\n',\n"
		" 'demo_pkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: demo-pkg\\nVersion: 1.0\\n',\n"
		" 'demo_pkg-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: test\\n"
		"Root-Is-Purelib: true\\nTag: py3-none-any\\n',\n"
		" 'demo_pkg-1.0.dist-info/entry_points.txt': '[console_scripts]\\ndemo = demo_pkg.sub.mod:main\\n',\n"
		"}\n"
		"record = []\n"
		"with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
		"    for name, text in files.items():\n"
		"        data = text.encode()\n"
		"        z.writestr(name, data)\n"
		"        h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()\n"
		"        record.append('%s,sha256=%s,%d' % (name, h, len(data)))\n"
		"    record.append('demo_pkg-1.0.dist-info/RECORD,,')\n"
		"    z.writestr('demo_pkg-1.0.dist-info/RECORD', '\\n'.join(record) + '\\n')\n";
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;

	put(tmpdir, "mkwheel.py", script);
	strbuf_addf(&cmd, "%s %s/mkwheel.py %s/demo_pkg-1.0-py3-none-any.whl",
		    SYSTEM_PYTHON, tmpdir, tmpdir);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	strbuf_release(&cmd);
	strbuf_release(&out);
}

/*
 * pip 23 installs the wheel into a real environment; an import compiles
 * more bytecode; a file of the user's lies in the package's directory.
 * The uninstall leaves the tree as it was before pip, but for that file.
 */
START_TEST(uninstall_what_pip_installed)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_installed si = { NULL, 0, 0 };
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT, sb = STRBUF_INIT;
	struct sync_interp in;
	struct sync_venv v;
	const struct sync_dist *d;
	char *before, *after;
	const char *sp;

	if (!have(SYSTEM_PYTHON) || !have(PIP_PYTHON))
		return;
	build_wheel();
	sync_interp_init(&in);
	sync_venv_init(&v);
	ck_assert_msg(sync_interp_probe(SYSTEM_PYTHON, NULL, &in, &err) == 0,
		      "%s", err.msg);
	strbuf_addf(&sb, "%s/env", tmpdir);
	ck_assert_msg(sync_venv_open(&in, sb.buf, SYNC_VENV_CREATE, &v, &err) == 0,
		      "%s", err.msg);
	sp = v.paths[SYNC_PATH_PURELIB];
	/* another distribution, which must stay */
	put(sp, "other/__init__.py", "");
	put(sp, "other-2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: other\nVersion: 2.0\n");
	put(sp, "other-2.0.dist-info/RECORD", "other/__init__.py,,\nother-2.0.dist-info/RECORD,,\n");
	before = tree_text(v.dir);

	strbuf_addf(&cmd, "%s -m pip --python %s/bin/python install --no-index --no-deps "
		    "--disable-pip-version-check -q %s/demo_pkg-1.0-py3-none-any.whl 2>&1",
		    PIP_PYTHON, v.dir, tmpdir);
	ck_assert_msg(run(cmd.buf, &out) == 0, "%s", out.buf);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/demo && env -u PYTHONDONTWRITEBYTECODE %s/bin/python -O -c 'import demo_pkg; print(demo_pkg.VALUE)'",
		    v.dir, v.dir);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	ck_assert_str_eq(out.buf, "demo ok\n42\n");
	ck_assert(there(v.dir, "bin/demo-tool"));
	ck_assert(there(v.dir, "share/demo/readme.txt"));
	ck_assert(there(sp, "demo_pkg/sub/__pycache__/mod.cpython-311.opt-1.pyc"));
	put(sp, "demo_pkg/notes.txt", "mine\n");

	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	d = sync_installed_find(&si, "demo-pkg");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->version, "1.0");
	ck_assert_str_eq(d->installer, "pip");
	ck_assert_ptr_nonnull(d->direct_url);
	ck_assert(d->has_record);
	ck_assert_msg(sync_dist_uninstall(&v, d, &err) == 0, "%s", err.msg);

	after = tree_text(v.dir);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, before);
	/* the user's file and the directory that holds it stay */
	ck_assert_ptr_nonnull(strstr(after, "lib/python3.11/site-packages/demo_pkg/\n"
				     "lib/python3.11/site-packages/demo_pkg/notes.txt 5\n"));
	strbuf_reset(&cmd);
	strbuf_addstr(&cmd, after);
	{
		const char *cut = strstr(cmd.buf, "lib/python3.11/site-packages/demo_pkg/\n");
		const char *end = strstr(cmd.buf, "notes.txt 5\n") + strlen("notes.txt 5\n");
		struct strbuf rest = STRBUF_INIT;

		strbuf_add(&rest, cmd.buf, (size_t)(cut - cmd.buf));
		strbuf_addstr(&rest, end);
		ck_assert_str_eq(rest.buf, before);
		strbuf_release(&rest);
	}

	/* pip agrees: only `other` is left */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s -m pip --python %s/bin/python list --format freeze "
		    "--disable-pip-version-check 2>/dev/null", PIP_PYTHON, v.dir);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	ck_assert_str_eq(out.buf, "other==2.0\n");
	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_uint_eq(si.n, 1);

	free(before);
	free(after);
	sync_installed_release(&si);
	sync_venv_release(&v);
	sync_interp_release(&in);
	strbuf_release(&cmd);
	strbuf_release(&out);
	strbuf_release(&sb);
}
END_TEST

/* RECORD paths that lead out of the environment are left alone. */
START_TEST(uninstall_stays_inside)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_installed si = { NULL, 0, 0 };
	struct strbuf rec = STRBUF_INIT, sb = STRBUF_INIT;
	struct sync_venv v;
	char *outside;
	const char *sp;

	fake_venv(&v);
	sp = v.paths[SYNC_PATH_PURELIB];
	outside = xstrdup(tmpdir);
	put(outside, "victim.txt", "x");
	put(outside, "dir/victim.py", "x");
	put(outside, "dir/__pycache__/victim.cpython-311.pyc", "x");
	strbuf_addf(&sb, "%s/evil", sp);
	{
		struct strbuf target = STRBUF_INIT;

		strbuf_addf(&target, "%s/dir", outside);
		ck_assert_int_eq(symlink(target.buf, sb.buf), 0);
		strbuf_release(&target);
	}
	/* a listed link is removed, not what it points to */
	put(outside, "victim2.txt", "x");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/victim2.txt", outside);
	{
		struct strbuf link = STRBUF_INIT;

		strbuf_addf(&link, "%s/bad-link.txt", sp);
		ck_assert_int_eq(symlink(sb.buf, link.buf), 0);
		strbuf_release(&link);
	}
	/* a listed directory is removed only when it is empty */
	put(sp, "bad/keep/user.txt", "");
	put(sp, "bad/__init__.py", "");
	put(sp, "bad/mod.py", "");
	put(sp, "bad/__pycache__/mod.cpython-311.pyc", "");
	put(sp, "bad/__pycache__/mod.cpython-311.opt-1.pyc", "");
	put(sp, "bad/__pycache__/mod.pypy39.pyc", "");
	/* not compiled from bad/mod.py: another module's, and not a cache tag */
	put(sp, "bad/__pycache__/mod.x.cpython-311.pyc", "");
	put(sp, "bad/__pycache__/mod.pyc", "");
	put(sp, "bad/__pycache__/modx.cpython-311.pyc", "");
	put(v.dir, "bin/bad-tool", "");
	put(sp, "bad-1.0.dist-info/METADATA", "Name: bad\nVersion: 1.0\n");
	strbuf_addstr(&rec, "bad/__init__.py,,\nbad/mod.py,,\nbad-link.txt,,\nbad/keep,,\n");
	strbuf_addstr(&rec, "../../../bin/bad-tool,,\n");
	strbuf_addstr(&rec, "../../../../victim.txt,,\n");
	strbuf_addstr(&rec, "../../../../../../../../../victim.txt,,\n");
	strbuf_addf(&rec, "%s/victim.txt,,\n", outside);
	strbuf_addstr(&rec, "evil/victim.py,,\n");
	strbuf_addstr(&rec, "evil/../evil/victim.py,,\n");
	strbuf_addstr(&rec, "../../..,,\n");
	strbuf_addstr(&rec, ".,,\n");
	strbuf_addstr(&rec, "missing/file.py,,\n");
	strbuf_addstr(&rec, "bad-1.0.dist-info/METADATA,,\nbad-1.0.dist-info/RECORD,,\n");
	put(sp, "bad-1.0.dist-info/RECORD", rec.buf);

	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_uint_eq(si.n, 1);
	ck_assert_msg(sync_dist_uninstall(&v, &si.dists[0], &err) == 0, "%s",
		      err.msg);
	ck_assert(there(outside, "victim.txt"));
	ck_assert(there(outside, "dir/victim.py"));
	ck_assert(there(outside, "dir/__pycache__/victim.cpython-311.pyc"));
	ck_assert(there(sp, "evil"));
	ck_assert(there(outside, "victim2.txt"));
	ck_assert(!there(sp, "bad-link.txt"));
	ck_assert(there(sp, "bad/keep/user.txt"));
	ck_assert(!there(sp, "bad/__init__.py"));
	ck_assert(!there(sp, "bad/mod.py"));
	ck_assert(!there(sp, "bad/__pycache__/mod.cpython-311.pyc"));
	ck_assert(!there(sp, "bad/__pycache__/mod.cpython-311.opt-1.pyc"));
	ck_assert(!there(sp, "bad/__pycache__/mod.pypy39.pyc"));
	ck_assert(there(sp, "bad/__pycache__/mod.x.cpython-311.pyc"));
	ck_assert(there(sp, "bad/__pycache__/mod.pyc"));
	ck_assert(there(sp, "bad/__pycache__/modx.cpython-311.pyc"));
	ck_assert(!there(v.dir, "bin/bad-tool"));
	ck_assert(there(v.dir, "bin"));
	ck_assert(there(sp, ""));
	ck_assert(!there(sp, "bad-1.0.dist-info"));
	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_uint_eq(si.n, 0);

	free(outside);
	sync_installed_release(&si);
	sync_venv_release(&v);
	strbuf_release(&rec);
	strbuf_release(&sb);
}
END_TEST

/*
 * An uninstall killed before its end: the dist-info is still there, some
 * of its files are not.  Running it again finishes it; empty directories
 * go up to, not including, site-packages and bin.
 */
START_TEST(uninstall_resumed_and_refused)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_installed si = { NULL, 0, 0 };
	struct sync_venv v;
	struct strbuf sb = STRBUF_INIT;
	const char *sp;

	fake_venv(&v);
	sp = v.paths[SYNC_PATH_PURELIB];
	put(sp, "pkg/a/b/c.py", "");
	put(sp, "pkg/a/d.py", "");
	put(sp, "pkg-1.0.dist-info/METADATA", "Name: pkg\nVersion: 1.0\n");
	put(sp, "pkg-1.0.dist-info/RECORD",
	    "pkg/a/b/c.py,sha256=x,0\npkg/a/d.py,,\n\"pkg/gone.py\",,\r\n"
	    "pkg-1.0.dist-info/RECORD,,\n");
	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_int_eq(sync_dist_uninstall(&v, &si.dists[0], &err), 0);
	ck_assert(!there(sp, "pkg"));
	ck_assert(there(sp, ""));
	ck_assert(!there(sp, "pkg-1.0.dist-info"));
	/* once more: the dist-info is gone, nothing to do */
	ck_assert_int_eq(sync_dist_uninstall(&v, &si.dists[0], &err), -CVL_EINVAL);

	/* no RECORD */
	put(sp, "norec-1.0.dist-info/METADATA", "Name: norec\nVersion: 1.0\n");
	ck_assert_int_eq(sync_installed_scan(&v, &si, &err), 0);
	ck_assert_int_eq(sync_dist_uninstall(&v, &si.dists[0], &err), -CVL_EINVAL);
	strbuf_addf(&sb, "cannot uninstall norec 1.0: '%s/norec-1.0.dist-info' has no RECORD",
		    sp);
	ck_assert_str_eq(err.msg, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "remove '%s/norec-1.0.dist-info' and the package's files by hand, "
		    "or recreate the environment", sp);
	ck_assert_str_eq(err.hint, sb.buf);
	ck_assert(there(sp, "norec-1.0.dist-info/METADATA"));

	/* a RECORD that is not CSV */
	put(sp, "norec-1.0.dist-info/RECORD", "a,b,c\n\"unterminated\n");
	cvl_error_clear(&err);
	ck_assert_int_ne(sync_dist_uninstall(&v, &si.dists[0], &err), 0);
	ck_assert(err.msg[0] != '\0');
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/norec-1.0.dist-info/RECORD", sp);
	ck_assert_str_eq(err.file, sb.buf);
	ck_assert(there(sp, "norec-1.0.dist-info/METADATA"));

	sync_installed_release(&si);
	sync_venv_release(&v);
	strbuf_release(&sb);
}
END_TEST

Suite *suite_sync_installed(void)
{
	Suite *s = suite_create("sync_installed");
	TCase *tc = tcase_create("installed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, scan_shapes);
	tcase_add_test(tc, uninstall_what_pip_installed);
	tcase_add_test(tc, uninstall_stays_inside);
	tcase_add_test(tc, uninstall_resumed_and_refused);
	suite_add_tcase(s, tc);
	return s;
}

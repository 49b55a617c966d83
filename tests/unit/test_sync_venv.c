/*
 * test_sync_venv.c - virtual environments (sync/venv.c): created with the
 * system Python and pyenv's, compared entry by entry with what
 * `python -m venv --without-pip` makes on this machine, run (sys.prefix,
 * sys.base_prefix), activated in bash and dash; opened again; refused
 * (missing, not an environment, another Python version) with the exact
 * messages; replaced with SYNC_VENV_RECREATE; created in an existing empty
 * directory; repaired after a killed creation; raced by four processes;
 * pyvenv.cfg read as site.py reads it.  zsh, fish and tcsh are tried when
 * installed.
 */
#include "config.h"
#include "tests/unit/unit.h"
#include "sync/sync.h"
#include "sync/venv_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYSTEM_PYTHON "/usr/bin/python3"
#define PYENV_PYTHON "/root/.pyenv/versions/3.11.7/bin/python3.11"

static char tmpdir[256];
static struct sync_interp sys_in;
static bool sys_probed;

static void setup(void)
{
	unit_tmpdir(tmpdir, sizeof(tmpdir), "venv");
}

static void teardown(void)
{
	unit_rm_rf(tmpdir);
}

static bool have(const char *path)
{
	return access(path, X_OK) == 0;
}

/* The system interpreter, probed once for the whole suite. */
static const struct sync_interp *system_python(void)
{
	struct cvl_error err = CVL_ERROR_INIT;

	if (!sys_probed) {
		sync_interp_init(&sys_in);
		ck_assert_msg(sync_interp_probe(SYSTEM_PYTHON, NULL, &sys_in,
						&err) == 0, "%s", err.msg);
		sys_probed = true;
	}
	return &sys_in;
}

static char *path_in(const char *fmt, const char *arg)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/", tmpdir);
	strbuf_addf(&sb, fmt, arg);
	return strbuf_detach(&sb, NULL);
}

/* Run `cmd` with sh; its stdout in `out`, its exit status returned. */
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

static char *read_text(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_msg(sync_read_file(path, 1 << 20, &sb, NULL) == 0,
		      "cannot read %s", path);
	return strbuf_detach(&sb, NULL);
}

static char *link_of(const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	ck_assert_msg(n > 0, "%s is not a link", path);
	buf[n] = '\0';
	return xstrdup(buf);
}

/* "d bin", "f bin/activate", "l bin/python" lines of a tree, sorted. */
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
		if (S_ISLNK(st.st_mode)) {
			strvec_pushf(out, "l %s", sub.buf);
		} else if (S_ISDIR(st.st_mode)) {
			strvec_pushf(out, "d %s", sub.buf);
			list_tree(root, sub.buf, out);
		} else {
			strvec_pushf(out, "f %s %o", sub.buf,
				     (unsigned)(st.st_mode & 0777));
		}
		strbuf_release(&sub);
		strbuf_release(&full);
	}
	closedir(d);
	strbuf_release(&path);
	if (!*rel)
		strvec_sort(out);
}

static void join(const struct strvec *sv, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		strbuf_addf(out, "%s\n", sv->v[i]);
}

/* The value of `key` in a pyvenv.cfg text (static buffer). */
static const char *cfg_value(const char *text, const char *key)
{
	static char buf[4096];
	size_t n = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > n + 3 && !strncmp(p, key, n) && !strncmp(p + n, " = ", 3)) {
			snprintf(buf, sizeof(buf), "%.*s", (int)(len - n - 3),
				 p + n + 3);
			return buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The keys of a pyvenv.cfg, one a line. */
static void cfg_keys(const char *text, struct strbuf *out)
{
	const char *p = text;

	while (*p) {
		const char *eq = strstr(p, " = ");
		const char *nl = strchr(p, '\n');

		if (!nl)
			break;
		if (eq && eq < nl)
			strbuf_addf(out, "%.*s\n", (int)(eq - p), p);
		p = nl + 1;
	}
}

static int open_venv(const struct sync_interp *in, const char *dir,
		     unsigned flags, struct sync_venv *v, struct cvl_error *err)
{
	return sync_venv_open(in, dir, flags, v, err);
}

/* ---- creation compared with python -m venv ----------------------------- */

START_TEST(create_like_venv)
{
	const struct sync_interp *in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	struct strvec ours = STRVEC_INIT, theirs = STRVEC_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, cmd = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT, sb = STRBUF_INIT;
	char *dir, *ref, *cfg, *refcfg, *real;
	size_t i;

	if (!have(SYSTEM_PYTHON))
		return;
	in = system_python();
	dir = path_in("%s", "env");
	ref = path_in("%s", "ref");
	sync_venv_init(&v);
	ck_assert_msg(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err) == 0,
		      "%s", err.msg);
	ck_assert(v.created);
	ck_assert_str_eq(v.dir, dir);
	strbuf_addf(&sb, "%s/bin/python", dir);
	ck_assert_str_eq(v.python, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/lib/python%d.%d/site-packages", dir,
		    in->version[0], in->version[1]);
	ck_assert_str_eq(v.paths[SYNC_PATH_PURELIB], sb.buf);
	ck_assert_str_eq(v.paths[SYNC_PATH_PLATLIB], sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/bin", dir);
	ck_assert_str_eq(v.paths[SYNC_PATH_SCRIPTS], sb.buf);
	ck_assert_str_eq(v.paths[SYNC_PATH_DATA], dir);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/include/site/python%d.%d", dir, in->version[0],
		    in->version[1]);
	ck_assert_str_eq(v.paths[SYNC_PATH_INCLUDE], sb.buf);
	ck_assert_int_eq(v.version[0], in->version[0]);
	ck_assert_int_eq(v.version[1], in->version[1]);
	ck_assert_int_eq(v.version[2], in->version[2]);
	ck_assert_str_eq(v.home, "/usr/bin");

	strbuf_addf(&cmd, "%s -m venv --without-pip %s", SYSTEM_PYTHON, ref);
	ck_assert_int_eq(run(cmd.buf, &out), 0);

	/* the same entries, types and modes (Activate.ps1 included) */
	list_tree(dir, "", &ours);
	list_tree(ref, "", &theirs);
	join(&ours, &a);
	join(&theirs, &b);
	ck_assert_ptr_nonnull(strstr(b.buf, "f bin/Activate.ps1 644\n"));
	ck_assert_str_eq(a.buf, b.buf);

	/* every python link leads to the same interpreter as venv's */
	real = realpath(SYSTEM_PYTHON, NULL);
	ck_assert_ptr_nonnull(real);
	for (i = 0; i < 3; i++) {
		char *got;
		static const char *const names[] = {
			"python", "python3", "python3.11",
		};

		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/bin/%s", dir, names[i]);
		if (i && in->version[1] != 11)
			break;
		got = realpath(sb.buf, NULL);
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, real);
		free(got);
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/bin/python", dir);
	free(cfg = link_of(sb.buf));
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/bin/python3", dir);
	cfg = link_of(sb.buf);
	ck_assert_str_eq(cfg, "python");
	free(cfg);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/lib64", dir);
	cfg = link_of(sb.buf);
	ck_assert_str_eq(cfg, "lib");
	free(cfg);

	/* pyvenv.cfg: venv's keys in venv's order, then cvlock's */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/pyvenv.cfg", dir);
	cfg = read_text(sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/pyvenv.cfg", ref);
	refcfg = read_text(sb.buf);
	strbuf_reset(&a);
	strbuf_reset(&b);
	cfg_keys(cfg, &a);
	cfg_keys(refcfg, &b);
	strbuf_addstr(&b, "cvlock\n");
	ck_assert_str_eq(a.buf, b.buf);
	for (i = 0; i < 4; i++) {
		static const char *const keys[] = {
			"home", "include-system-site-packages", "version",
			"executable",
		};
		char *want = xstrdup(cfg_value(refcfg, keys[i]));

		ck_assert_str_eq(cfg_value(cfg, keys[i]), want);
		free(want);
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s -m venv --without-pip %s", real, dir);
	ck_assert_str_eq(cfg_value(cfg, "command"), sb.buf);
	ck_assert_str_eq(cfg_value(cfg, "cvlock"), PACKAGE_VERSION);
	free(cfg);
	free(refcfg);

	/* it runs: sys.prefix is the environment, sys.base_prefix the base */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/python -c 'import sys; print(sys.prefix); "
		    "print(sys.base_prefix); print(sys.path[-1])'", dir);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s\n%s\n%s\n", dir, in->base_prefix,
		    v.paths[SYNC_PATH_PURELIB]);
	ck_assert_str_eq(out.buf, sb.buf);
	/* and has no pip */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/bin/python -m pip --version 2>/dev/null", dir);
	ck_assert_int_ne(run(cmd.buf, &out), 0);
	/* nothing left beside it */
	strvec_clear(&ours);
	list_tree(tmpdir, "", &ours);
	ck_assert_str_eq(ours.v[0], "d env");
	ck_assert_str_eq(ours.v[ours.nr - 1], "l ref/lib64");

	free(real);
	free(dir);
	free(ref);
	sync_venv_release(&v);
	strvec_clear(&ours);
	strvec_clear(&theirs);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&cmd);
	strbuf_release(&out);
	strbuf_release(&sb);
}
END_TEST

/* pyenv's interpreter, directly and through its shim: home is the real directory. */
START_TEST(create_pyenv)
{
	static const char *const pythons[] = {
		PYENV_PYTHON, "/root/.pyenv/shims/python3.11",
	};
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf out = STRBUF_INIT, cmd = STRBUF_INIT, sb = STRBUF_INIT;
	size_t i;

	if (!have(PYENV_PYTHON))
		return;
	for (i = 0; i < ARRAY_SIZE(pythons); i++) {
		struct sync_interp in;
		struct sync_venv v;
		char *dir, *cfg, *target;

		if (!have(pythons[i]))
			continue;
		sync_interp_init(&in);
		sync_venv_init(&v);
		ck_assert_msg(sync_interp_probe(pythons[i], NULL, &in, &err) == 0,
			      "%s", err.msg);
		dir = path_in("pyenv%s", i ? "-shim" : "");
		ck_assert_msg(open_venv(&in, dir, SYNC_VENV_CREATE, &v, &err) == 0,
			      "%s", err.msg);
		ck_assert_str_eq(v.home, "/root/.pyenv/versions/3.11.7/bin");
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/pyvenv.cfg", dir);
		cfg = read_text(sb.buf);
		ck_assert_str_eq(cfg_value(cfg, "home"),
				 "/root/.pyenv/versions/3.11.7/bin");
		ck_assert_str_eq(cfg_value(cfg, "version"), "3.11.7");
		ck_assert_str_eq(cfg_value(cfg, "executable"), PYENV_PYTHON);
		target = link_of(v.python);
		ck_assert_str_eq(target, PYENV_PYTHON);
		strbuf_reset(&cmd);
		strbuf_addf(&cmd, "%s -c 'import sys; print(sys.prefix); "
			    "print(sys.base_prefix); print(sys.version_info[:3])'",
			    v.python);
		ck_assert_int_eq(run(cmd.buf, &out), 0);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s\n/root/.pyenv/versions/3.11.7\n(3, 11, 7)\n",
			    dir);
		ck_assert_str_eq(out.buf, sb.buf);
		free(target);
		free(cfg);
		free(dir);
		sync_venv_release(&v);
		sync_interp_release(&in);
	}
	strbuf_release(&out);
	strbuf_release(&cmd);
	strbuf_release(&sb);
}
END_TEST

/*
 * An interpreter that itself runs in a virtual environment (linked, or
 * with copies): the new environment links to the base interpreter.
 */
START_TEST(create_from_venv_python)
{
	static const char *const modes[] = { "", " --copies" };
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
	char *real;
	size_t i;

	if (!have(SYSTEM_PYTHON))
		return;
	real = realpath(SYSTEM_PYTHON, NULL);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct sync_interp in;
		struct sync_venv v;
		char *outer = path_in("outer%s", i ? "-copies" : "");
		char *inner = path_in("inner%s", i ? "-copies" : "");
		char *target;

		strbuf_reset(&cmd);
		strbuf_addf(&cmd, "%s -m venv --without-pip%s %s", SYSTEM_PYTHON,
			    modes[i], outer);
		ck_assert_int_eq(run(cmd.buf, &out), 0);
		strbuf_reset(&cmd);
		strbuf_addf(&cmd, "%s/bin/python", outer);
		sync_interp_init(&in);
		sync_venv_init(&v);
		ck_assert_msg(sync_interp_probe(cmd.buf, NULL, &in, &err) == 0,
			      "%s", err.msg);
		ck_assert_msg(open_venv(&in, inner, SYNC_VENV_CREATE, &v, &err) == 0,
			      "%s", err.msg);
		target = link_of(v.python);
		ck_assert_str_eq(target, real);
		ck_assert_str_eq(v.home, "/usr/bin");
		free(target);
		free(outer);
		free(inner);
		sync_venv_release(&v);
		sync_interp_release(&in);
	}
	free(real);
	strbuf_release(&cmd);
	strbuf_release(&out);
}
END_TEST

/* ---- activation -------------------------------------------------------- */

/* Source bin/activate in `shell`, print what it changed, deactivate. */
static void check_activate(const char *shell, const char *dir)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf q = STRBUF_INIT;
	const char *base = strrchr(dir, '/') + 1;
	const char *p;

	/* the directory, quoted for sh */
	strbuf_addch(&q, '\'');
	for (p = dir; *p; p++) {
		if (*p == '\'')
			strbuf_addstr(&q, "'\\''");
		else
			strbuf_addch(&q, *p);
	}
	strbuf_addch(&q, '\'');
	strbuf_addf(&cmd,
		    "cd %s && env -i PATH=/usr/bin:/bin PYTHONHOME=/nowhere %s -c '"
		    "PS1=\"\\$ \" && . ./bin/activate && "
		    "echo \"$VIRTUAL_ENV\" && echo \"$VIRTUAL_ENV_PROMPT|$PS1\" && "
		    "echo \"${PYTHONHOME-unset}\" && "
		    "python -c \"import sys; print(sys.prefix)\" && "
		    "deactivate && "
		    "echo \"$PATH|$PS1|${VIRTUAL_ENV-unset}|$PYTHONHOME\" && "
		    "(deactivate 2>/dev/null && echo still) || echo gone'",
		    q.buf, shell);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	strbuf_addf(&want, "%s\n(%s) |(%s) $ \nunset\n%s\n"
		    "/usr/bin:/bin|$ |unset|/nowhere\ngone\n",
		    dir, base, base, dir);
	ck_assert_str_eq(out.buf, want.buf);

	/* VIRTUAL_ENV_DISABLE_PROMPT leaves the prompt alone */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd,
		    "cd %s && env -i PATH=/usr/bin:/bin VIRTUAL_ENV_DISABLE_PROMPT=1 "
		    "%s -c 'PS1=\"\\$ \" && . ./bin/activate && echo \"$PS1|${VIRTUAL_ENV_PROMPT-unset}\" && "
		    "command -v python'", q.buf, shell);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	strbuf_reset(&want);
	strbuf_addf(&want, "$ |unset\n%s/bin/python\n", dir);
	ck_assert_str_eq(out.buf, want.buf);
	strbuf_release(&cmd);
	strbuf_release(&out);
	strbuf_release(&want);
	strbuf_release(&q);
}

static void quote_into(const char *s, struct strbuf *q)
{
	strbuf_addch(q, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(q, "'\\''");
		else
			strbuf_addch(q, *s);
	}
	strbuf_addch(q, '\'');
}

static void check_fish(const char *dir)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf q = STRBUF_INIT;
	const char *base = strrchr(dir, '/') + 1;

	quote_into(dir, &q);
	strbuf_addf(&cmd, "cd %s && env -i HOME=/tmp PATH=/usr/bin:/bin PYTHONHOME=/nowhere "
		    "fish -c 'source bin/activate.fish; echo \"$VIRTUAL_ENV\"; "
		    "echo \"$VIRTUAL_ENV_PROMPT|$PATH[1]\"; set -q PYTHONHOME; or echo unset; "
		    "python -c \"import sys; print(sys.prefix)\"; deactivate; "
		    "echo \"$PATH|$PYTHONHOME\"; set -q VIRTUAL_ENV; or echo unset; "
		    "functions -q deactivate; or echo gone'", q.buf);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	strbuf_addf(&want, "%s\n(%s) |%s/bin\nunset\n%s\n/usr/bin:/bin|/nowhere\nunset\ngone\n",
		    dir, base, dir, dir);
	ck_assert_str_eq(out.buf, want.buf);
	strbuf_release(&cmd);
	strbuf_release(&out);
	strbuf_release(&want);
	strbuf_release(&q);
}

/* csh expands aliases per line: the test is a script file */
static void check_tcsh(const char *dir)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf q = STRBUF_INIT, script = STRBUF_INIT;
	const char *base = strrchr(dir, '/') + 1;
	FILE *f;

	strbuf_addf(&script, "%s/t.csh", tmpdir);
	f = fopen(script.buf, "w");
	ck_assert_ptr_nonnull(f);
	fputs("set prompt=\"> \"\n"
	      "source bin/activate.csh\n"
	      "echo \"$VIRTUAL_ENV\"\n"
	      "echo \"$VIRTUAL_ENV_PROMPT|$prompt\"\n"
	      "python -c \"import sys; print(sys.prefix)\"\n"
	      "deactivate\n"
	      "echo \"$PATH|$prompt\"\n"
	      "if (! $?VIRTUAL_ENV) echo unset\n"
	      "alias deactivate\n"
	      "echo end\n", f);
	ck_assert_int_eq(fclose(f), 0);
	quote_into(dir, &q);
	strbuf_addf(&cmd, "cd %s && env -i HOME=/tmp PATH=/usr/bin:/bin tcsh -f %s",
		    q.buf, script.buf);
	ck_assert_int_eq(run(cmd.buf, &out), 0);
	strbuf_addf(&want, "%s\n(%s) |(%s) > \n%s\n/usr/bin:/bin|> \nunset\nend\n",
		    dir, base, base, dir);
	ck_assert_str_eq(out.buf, want.buf);
	strbuf_release(&cmd);
	strbuf_release(&out);
	strbuf_release(&want);
	strbuf_release(&q);
	strbuf_release(&script);
}

START_TEST(activate_scripts)
{
	static const char *const shells[] = { "/bin/bash", "/bin/dash",
		"/usr/bin/zsh" };
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	struct strbuf sb = STRBUF_INIT;
	char *dir, *text;
	size_t i;

	if (!have(SYSTEM_PYTHON))
		return;
	/* a name that needs quoting in every shell */
	dir = path_in("%s", "my env's $HOME `x` \\ \"q\"");
	sync_venv_init(&v);
	ck_assert_msg(open_venv(system_python(), dir, SYNC_VENV_CREATE, &v,
				&err) == 0, "%s", err.msg);
	for (i = 0; i < ARRAY_SIZE(shells); i++)
		if (have(shells[i]))
			check_activate(shells[i], dir);

	/* fish and tcsh, when installed */
	if (have("/usr/bin/fish"))
		check_fish(dir);
	if (have("/usr/bin/tcsh"))
		check_tcsh(dir);

	/* fish and csh: the values as each shell quotes them */
	strbuf_addf(&sb, "%s/bin/activate.fish", dir);
	text = read_text(sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "\nset -gx VIRTUAL_ENV '%s/my env\\'s $HOME `x` \\\\ \"q\"'\n",
		    tmpdir);
	ck_assert_ptr_nonnull(strstr(text, sb.buf));
	ck_assert_ptr_nonnull(strstr(text,
		"set -gx VIRTUAL_ENV_PROMPT '(my env\\'s $HOME `x` \\\\ \"q\") '\n"));
	free(text);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/bin/activate.csh", dir);
	text = read_text(sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "\nsetenv VIRTUAL_ENV '%s/my env'\\''s $HOME `x` \\ \"q\"'\n",
		    tmpdir);
	ck_assert_ptr_nonnull(strstr(text, sb.buf));
	free(text);
	/* PowerShell: a quote doubled, nothing else special in '...' */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/bin/Activate.ps1", dir);
	text = read_text(sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "\n$env:VIRTUAL_ENV = '%s/my env''s $HOME `x` \\ \"q\"'\n",
		    tmpdir);
	ck_assert_ptr_nonnull(strstr(text, sb.buf));
	ck_assert_ptr_nonnull(strstr(text,
		"\n    $env:VIRTUAL_ENV_PROMPT = '(my env''s $HOME `x` \\ \"q\") '\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"(Join-Path -Path $env:VIRTUAL_ENV -ChildPath 'bin')"));
	free(text);

	free(dir);
	sync_venv_release(&v);
	strbuf_release(&sb);
}
END_TEST

/*
 * Activate.ps1 through sync_venv_script: the typographic quotes PowerShell
 * also takes for ' are doubled too; the other scripts are unchanged.
 */
START_TEST(powershell_quotes)
{
	struct strbuf out = STRBUF_INIT;
	const char *name;
	size_t i;

	for (i = 0; (name = sync_venv_script(i, "/x/a\xe2\x80\x99" "b'c\xe2\x80\x98",
					    "(v) ", "bin", &out)); i++) {
		if (strcmp(name, "Activate.ps1")) {
			strbuf_reset(&out);
			continue;
		}
		ck_assert_ptr_nonnull(strstr(out.buf,
			"\n$env:VIRTUAL_ENV = '/x/a\xe2\x80\x99\xe2\x80\x99" "b''c\xe2\x80\x98\xe2\x80\x98'\n"));
		ck_assert_ptr_nonnull(strstr(out.buf,
			"$global:_PYTHON_VENV_PROMPT_PREFIX = '(v) '\n"));
		break;
	}
	ck_assert_ptr_nonnull(name);
	ck_assert_int_eq(i, 3);
	ck_assert_ptr_null(sync_venv_script(4, "/x", "(v) ", "bin", &out));
	strbuf_release(&out);
}
END_TEST

START_TEST(control_character_refused)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	struct strbuf want = STRBUF_INIT;
	char *dir;

	if (!have(SYSTEM_PYTHON))
		return;
	dir = path_in("%s", "a\nb");
	sync_venv_init(&v);
	ck_assert_int_eq(open_venv(system_python(), dir, SYNC_VENV_CREATE, &v,
				   &err), -CVL_EINVAL);
	strbuf_addf(&want, "cannot create a virtual environment at '%s': its path has a control character",
		    dir);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert_int_ne(access(dir, F_OK), 0);
	ck_assert_ptr_null(v.dir);
	free(dir);
	strbuf_release(&want);
}
END_TEST

/* ---- opening ----------------------------------------------------------- */

START_TEST(open_existing_and_refusals)
{
	const struct sync_interp *in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	char *dir, *rel;
	FILE *f;

	if (!have(SYSTEM_PYTHON))
		return;
	in = system_python();
	dir = path_in("%s", "env");
	sync_venv_init(&v);

	/* missing, not to be created */
	ck_assert_int_eq(open_venv(in, dir, 0, &v, &err), -CVL_ENOTFOUND);
	strbuf_addf(&want, "there is no virtual environment at '%s'", dir);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert_int_ne(access(dir, F_OK), 0);

	/* created, then opened through a relative path with dot segments */
	cvl_error_clear(&err);
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err), 0);
	ck_assert(v.created);
	ck_assert_int_eq(chdir(tmpdir), 0);
	rel = xstrdup("./x/../env/");
	ck_assert_int_eq(open_venv(in, rel, SYNC_VENV_CREATE, &v, &err), 0);
	ck_assert(!v.created);
	ck_assert_str_eq(v.dir, dir);
	ck_assert_str_eq(v.home, "/usr/bin");
	ck_assert_int_eq(v.version[0], in->version[0]);
	ck_assert_int_eq(chdir("/"), 0);

	/* a file, and a directory with other things in it */
	strbuf_addf(&sb, "%s/file", tmpdir);
	f = fopen(sb.buf, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(open_venv(in, sb.buf, SYNC_VENV_CREATE, &v, &err),
			 -CVL_EINVAL);
	strbuf_reset(&want);
	strbuf_addf(&want, "'%s' exists and is not a virtual environment", sb.buf);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert_str_eq(err.hint, "choose another directory with --venv");
	ck_assert_ptr_null(v.dir);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/env/bin", tmpdir);
	ck_assert_int_eq(open_venv(in, sb.buf, SYNC_VENV_CREATE | SYNC_VENV_RECREATE,
				   &v, &err), -CVL_EINVAL);
	strbuf_reset(&want);
	strbuf_addf(&want, "'%s' exists and is not a virtual environment", sb.buf);
	ck_assert_str_eq(err.msg, want.buf);

	/* its interpreter gone: broken */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/env/bin/python", tmpdir);
	ck_assert_int_eq(unlink(sb.buf), 0);
	ck_assert_int_eq(symlink("/nonexistent/python3", sb.buf), 0);
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err),
			 -CVL_EINVAL);
	strbuf_reset(&want);
	strbuf_addf(&want, "'%s' is a broken environment: its interpreter '%s' cannot be found",
		    dir, sb.buf);
	ck_assert_str_eq(err.msg, want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "use --recreate to replace it with an environment for Python %d.%d",
		    in->version[0], in->version[1]);
	ck_assert_str_eq(err.hint, want.buf);
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE | SYNC_VENV_RECREATE,
				   &v, &err), 0);
	ck_assert(v.created);
	ck_assert_int_eq(access(v.python, X_OK), 0);

	free(rel);
	free(dir);
	sync_venv_release(&v);
	strbuf_release(&sb);
	strbuf_release(&want);
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(other_version_and_recreate)
{
	const struct sync_interp *in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT, cfg = STRBUF_INIT;
	struct strvec tree = STRVEC_INIT;
	char *dir, *text;

	if (!have(SYSTEM_PYTHON))
		return;
	in = system_python();
	dir = path_in("%s", ".venv");
	sync_venv_init(&v);
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err), 0);
	/* make it an environment of Python 3.(minor-1), with a user file */
	strbuf_addf(&cfg, "home = /opt/python/bin\nversion = %d.%d.4\n",
		    in->version[0], in->version[1] - 1);
	strbuf_addf(&sb, "%s/pyvenv.cfg", dir);
	write_file(sb.buf, cfg.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/old-file", dir);
	write_file(sb.buf, "x");

	ck_assert_int_eq(chdir(tmpdir), 0);
	ck_assert_int_eq(open_venv(in, ".venv", SYNC_VENV_CREATE, &v, &err),
			 -CVL_EINVAL);
	strbuf_addf(&want, "'.venv' is an environment of Python %d.%d, not %d.%d",
		    in->version[0], in->version[1] - 1, in->version[0],
		    in->version[1]);
	ck_assert_str_eq(err.msg, want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "use --recreate to replace it with an environment for Python %d.%d",
		    in->version[0], in->version[1]);
	ck_assert_str_eq(err.hint, want.buf);
	ck_assert_int_eq(access(sb.buf, F_OK), 0);

	/* version_info (uv, virtualenv) counts as well */
	strbuf_reset(&cfg);
	strbuf_addf(&cfg, "home = /opt/python/bin\nversion_info = %d.%d.4.final.0\n",
		    in->version[0], in->version[1] - 1);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/pyvenv.cfg", dir);
	write_file(sb.buf, cfg.buf);
	ck_assert_int_eq(open_venv(in, ".venv", SYNC_VENV_CREATE, &v, &err),
			 -CVL_EINVAL);
	strbuf_reset(&want);
	strbuf_addf(&want, "'.venv' is an environment of Python %d.%d, not %d.%d",
		    in->version[0], in->version[1] - 1, in->version[0],
		    in->version[1]);
	ck_assert_str_eq(err.msg, want.buf);

	/* no version at all, and no site-packages for this Python */
	write_file(sb.buf, "home = /opt/python/bin\n");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/lib", dir);
	ck_assert_int_eq(sync_rm_rf(sb.buf, NULL), 0);
	ck_assert_int_eq(open_venv(in, ".venv", 0, &v, &err), -CVL_EINVAL);
	strbuf_reset(&want);
	strbuf_addf(&want, "'.venv' is an environment of another Python version, not %d.%d",
		    in->version[0], in->version[1]);
	ck_assert_str_eq(err.msg, want.buf);

	/* replaced: the old content is gone, nothing is left beside it */
	ck_assert_int_eq(open_venv(in, ".venv", SYNC_VENV_CREATE |
				   SYNC_VENV_RECREATE, &v, &err), 0);
	ck_assert(v.created);
	ck_assert_int_eq(v.version[1], in->version[1]);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/old-file", dir);
	ck_assert_int_ne(access(sb.buf, F_OK), 0);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/pyvenv.cfg", dir);
	text = read_text(sb.buf);
	ck_assert_str_eq(cfg_value(text, "home"), "/usr/bin");
	free(text);
	list_tree(tmpdir, "", &tree);
	ck_assert_str_eq(tree.v[0], "d .venv");
	ck_assert(strncmp(tree.v[tree.nr - 1], "l .venv/", 8) == 0 ||
		  strncmp(tree.v[tree.nr - 1], "f .venv/", 8) == 0);
	ck_assert_int_eq(chdir("/"), 0);

	free(dir);
	sync_venv_release(&v);
	strvec_clear(&tree);
	strbuf_release(&sb);
	strbuf_release(&want);
	strbuf_release(&cfg);
}
END_TEST

/* The entries directly in `dir`, sorted, space-separated. */
static void entries(const char *dir, struct strbuf *out)
{
	struct strvec names = STRVEC_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t i;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strvec_push(&names, de->d_name);
	closedir(d);
	strvec_sort(&names);
	strbuf_reset(out);
	for (i = 0; i < names.nr; i++)
		strbuf_addf(out, "%s%s", i ? " " : "", names.v[i]);
	strvec_clear(&names);
}

START_TEST(in_place_and_repairs)
{
	const struct sync_interp *in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	struct strbuf sb = STRBUF_INIT, names = STRBUF_INIT;
	char *dir;
	pid_t dead;
	int st;

	if (!have(SYSTEM_PYTHON))
		return;
	in = system_python();
	dir = path_in("%s", "mnt");
	sync_venv_init(&v);

	/* an existing empty directory (a mount point, say) is filled in place */
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(open_venv(in, dir, 0, &v, &err), -CVL_ENOTFOUND);
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err), 0);
	ck_assert(v.created);
	entries(dir, &names);
	ck_assert_str_eq(names.buf, "bin include lib lib64 pyvenv.cfg");
	entries(tmpdir, &names);
	ck_assert_str_eq(names.buf, "mnt");

	/* a killed in-place creation: marker, half a tree, no pyvenv.cfg */
	strbuf_addf(&sb, "%s/pyvenv.cfg", dir);
	ck_assert_int_eq(unlink(sb.buf), 0);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/.cvlock-creating", dir);
	write_file(sb.buf, "");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/.cvlock-new-99999999", dir);
	ck_assert_int_eq(mkdir(sb.buf, 0755), 0);
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err), 0);
	ck_assert(v.created);
	entries(dir, &names);
	ck_assert_str_eq(names.buf, "bin include lib lib64 pyvenv.cfg");

	/* ... but never one holding something else */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/pyvenv.cfg", dir);
	ck_assert_int_eq(unlink(sb.buf), 0);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/.cvlock-creating", dir);
	write_file(sb.buf, "");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/precious", dir);
	write_file(sb.buf, "keep");
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err),
			 -CVL_EINVAL);
	ck_assert_int_eq(access(sb.buf, F_OK), 0);
	entries(dir, &names);
	ck_assert_str_eq(names.buf, ".cvlock-creating precious");

	/* siblings left by a killed creation (its PID is gone) are removed */
	dead = fork();
	ck_assert_int_ge(dead, 0);
	if (!dead)
		_exit(0);
	ck_assert_int_eq(waitpid(dead, &st, 0), dead);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/.env.cvlock-new-%ld", tmpdir, (long)dead);
	ck_assert_int_eq(mkdir(sb.buf, 0755), 0);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/.env.cvlock-old-%ld", tmpdir, (long)dead);
	ck_assert_int_eq(mkdir(sb.buf, 0755), 0);
	strbuf_addstr(&sb, "/bin");
	ck_assert_int_eq(mkdir(sb.buf, 0755), 0);
	/* ... and one of a live process (this one's parent) stays */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/.env.cvlock-new-%ld", tmpdir, (long)getppid());
	ck_assert_int_eq(mkdir(sb.buf, 0755), 0);
	free(dir);
	dir = path_in("%s", "env");
	ck_assert_int_eq(open_venv(in, dir, SYNC_VENV_CREATE, &v, &err), 0);
	entries(tmpdir, &names);
	strbuf_reset(&sb);
	strbuf_addf(&sb, ".env.cvlock-new-%ld env mnt", (long)getppid());
	ck_assert_str_eq(names.buf, sb.buf);

	free(dir);
	sync_venv_release(&v);
	strbuf_release(&sb);
	strbuf_release(&names);
}
END_TEST

/*
 * Four processes create one environment at once, where nothing is and in
 * an empty directory: all succeed, one creates it.
 */
START_TEST(concurrent_creation)
{
	static const char *const names[] = { "env", "mnt" };
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf list = STRBUF_INIT;
	struct sync_venv v;
	size_t k;

	if (!have(SYSTEM_PYTHON))
		return;
	system_python();
	sync_venv_init(&v);
	for (k = 0; k < ARRAY_SIZE(names); k++) {
		char *dir = path_in("%s", names[k]);
		pid_t pids[4];
		size_t i;
		int created = 0;

		if (k == 1)
			ck_assert_int_eq(mkdir(dir, 0755), 0);
		for (i = 0; i < ARRAY_SIZE(pids); i++) {
			pids[i] = fork();
			ck_assert_int_ge(pids[i], 0);
			if (!pids[i]) {
				struct sync_venv cv;
				int r;

				sync_venv_init(&cv);
				r = sync_venv_open(&sys_in, dir, SYNC_VENV_CREATE,
						   &cv, &err);
				if (r)
					fprintf(stderr, "concurrent_creation: %s\n",
						err.msg);
				_exit(r ? 2 : cv.created ? 1 : 0);
			}
		}
		for (i = 0; i < ARRAY_SIZE(pids); i++) {
			int st;

			ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
			ck_assert(WIFEXITED(st));
			ck_assert_int_ne(WEXITSTATUS(st), 2);
			created += WEXITSTATUS(st);
		}
		ck_assert_int_eq(created, 1);
		entries(dir, &list);
		ck_assert_str_eq(list.buf, "bin include lib lib64 pyvenv.cfg");
		ck_assert_int_eq(sync_venv_open(&sys_in, dir, 0, &v, &err), 0);
		free(dir);
	}
	entries(tmpdir, &list);
	ck_assert_str_eq(list.buf, "env mnt");
	sync_venv_release(&v);
	strbuf_release(&list);
}
END_TEST

/*
 * A creation killed (SIGKILL) at a random moment, where nothing is and in
 * an empty directory: the next open creates the environment, the same
 * tree as an undisturbed creation, with nothing left beside it.
 */
START_TEST(killed_creation)
{
	static const char *const names[] = { "env", "mnt" };
	struct cvl_error err = CVL_ERROR_INIT;
	struct strvec want = STRVEC_INIT, got = STRVEC_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, list = STRBUF_INIT;
	struct sync_venv v;
	struct timespec t0, t1;
	char *ref;
	int round, killed = 0, finished = 0;
	long span;

	if (!have(SYSTEM_PYTHON))
		return;
	system_python();
	sync_venv_init(&v);
	ref = path_in("%s", "ref");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(sync_venv_open(&sys_in, ref, SYNC_VENV_CREATE, &v,
					&err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* kill anywhere from before the start to a bit after the end */
	span = (long)(t1.tv_sec - t0.tv_sec) * 1000000 +
		(t1.tv_nsec - t0.tv_nsec) / 1000;
	span = span * 3 / 2 + 1;
	list_tree(ref, "", &want);
	join(&want, &a);
	ck_assert_int_eq(sync_rm_rf(ref, NULL), 0);
	srand((unsigned)getpid());
	for (round = 0; round < 40; round++) {
		const char *name = names[round % 2];
		char *dir = path_in("%s", name);
		pid_t pid;
		int st;

		if (round % 2)
			ck_assert_int_eq(mkdir(dir, 0755), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (!pid) {
			struct sync_venv cv;

			sync_venv_init(&cv);
			_exit(sync_venv_open(&sys_in, dir, SYNC_VENV_CREATE, &cv,
					     &err) ? 2 : 0);
		}
		usleep((useconds_t)(rand() % span));
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		if (WIFSIGNALED(st)) {
			killed++;
		} else {
			ck_assert_int_eq(WEXITSTATUS(st), 0);
			finished++;
		}
		ck_assert_msg(sync_venv_open(&sys_in, dir, SYNC_VENV_CREATE, &v,
					     &err) == 0, "%s", err.msg);
		strvec_clear(&got);
		strbuf_reset(&b);
		list_tree(dir, "", &got);
		join(&got, &b);
		ck_assert_str_eq(b.buf, a.buf);
		entries(tmpdir, &list);
		ck_assert_str_eq(list.buf, name);
		ck_assert_int_eq(sync_rm_rf(dir, NULL), 0);
		free(dir);
	}
	ck_assert_int_gt(killed, 0);
	free(ref);
	sync_venv_release(&v);
	strvec_clear(&want);
	strvec_clear(&got);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&list);
}
END_TEST

/* ---- pyvenv.cfg -------------------------------------------------------- */

START_TEST(parse_cfg)
{
	static const struct {
		const char *text;
		const char *home;
		int version[3];
	} cases[] = {
		{ "home = /usr/bin\nversion = 3.11.2\n", "/usr/bin", { 3, 11, 2 } },
		/* site.py: case-insensitive keys, spaces trimmed, last wins */
		{ "HOME=/a\r\n  Home  =  /b c  \r\nVersion=3.9.1\n", "/b c", { 3, 9, 1 } },
		/* uv and virtualenv */
		{ "home = /x\nversion_info = 3.12.0.final.0\n", "/x", { 3, 12, 0 } },
		{ "home = /x\nversion_info = 3.13.0rc1\nversion = 3.13.1\n", "/x", { 3, 13, 1 } },
		{ "version = 3.10\n", NULL, { 3, 10, 0 } },
		/* no version that can be read */
		{ "home = /x\nversion = three\n", "/x", { 0, 0, 0 } },
		{ "home = /x\nversion = 3\n", "/x", { 0, 0, 0 } },
		{ "home = /x\nversion = 99999999999.1.1\n", "/x", { 0, 0, 0 } },
		{ "no equals sign\n= value\nhome =\n", "", { 0, 0, 0 } },
		{ "", NULL, { 0, 0, 0 } },
	};
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	size_t i;

	sync_venv_init(&v);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		sync_venv_release(&v);
		ck_assert_int_eq(sync_venv_parse_cfg(&v, "pyvenv.cfg", cases[i].text,
						     strlen(cases[i].text), &err), 0);
		if (cases[i].home)
			ck_assert_str_eq(v.home, cases[i].home);
		else
			ck_assert_ptr_null(v.home);
		ck_assert_int_eq(v.version[0], cases[i].version[0]);
		ck_assert_int_eq(v.version[1], cases[i].version[1]);
		ck_assert_int_eq(v.version[2], cases[i].version[2]);
	}
	ck_assert_int_eq(sync_venv_parse_cfg(&v, "x/pyvenv.cfg", "a\nb\0c\n", 6,
					     &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "'x/pyvenv.cfg' has a NUL byte at line 2");
	sync_venv_release(&v);
}
END_TEST

START_TEST(paths)
{
	static const char *const norm[][2] = {
		{ "/", "/" }, { "//a//b/", "/a/b" }, { "/a/./b/../c", "/a/c" },
		{ "/../..", "/" }, { "/a/b/../../..", "/" }, { "/a/..b/c", "/a/..b/c" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(norm); i++) {
		strbuf_reset(&sb);
		sync_normpath(norm[i][0], &sb);
		ck_assert_str_eq(sb.buf, norm[i][1]);
	}
	ck_assert(sync_path_within("/a/b", "/a"));
	ck_assert(sync_path_within("/a", "/a"));
	ck_assert(!sync_path_within("/ab", "/a"));
	ck_assert(sync_path_within("/x", "/"));
	ck_assert_int_eq(chdir(tmpdir), 0);
	strbuf_reset(&sb);
	ck_assert_int_eq(sync_abspath("x/../y/.", &sb, NULL), 0);
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_str_eq(strrchr(sb.buf, '/'), "/y");
	ck_assert_int_eq(strncmp(sb.buf, tmpdir, strlen(tmpdir)), 0);
	strbuf_release(&sb);
}
END_TEST

/* rm -rf never follows a link out of the tree */
START_TEST(rm_rf_stays_inside)
{
	struct strbuf sb = STRBUF_INIT, keep = STRBUF_INIT;
	char *outside = path_in("%s", "outside");
	char *tree = path_in("%s", "tree");

	ck_assert_int_eq(mkdir(outside, 0755), 0);
	strbuf_addf(&keep, "%s/keep", outside);
	write_file(keep.buf, "x");
	strbuf_addf(&sb, "%s/a/b/c", tree);
	ck_assert_int_eq(sync_mkdir_p(sb.buf, NULL), 0);
	strbuf_addstr(&sb, "/f");
	write_file(sb.buf, "y");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/a/link", tree);
	ck_assert_int_eq(symlink(outside, sb.buf), 0);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/a/b/ro", tree);
	ck_assert_int_eq(mkdir(sb.buf, 0555), 0);
	ck_assert_int_eq(sync_rm_rf(tree, NULL), 0);
	ck_assert_int_ne(access(tree, F_OK), 0);
	ck_assert_int_eq(access(keep.buf, F_OK), 0);
	ck_assert_int_eq(sync_rm_rf(tree, NULL), 0); /* missing: fine */
	free(outside);
	free(tree);
	strbuf_release(&sb);
	strbuf_release(&keep);
}
END_TEST

static void teardown_suite(void)
{
	if (sys_probed)
		sync_interp_release(&sys_in);
	sys_probed = false;
}

Suite *suite_sync_venv(void)
{
	Suite *s = suite_create("sync_venv");
	TCase *tc = tcase_create("venv");

	tcase_add_unchecked_fixture(tc, NULL, teardown_suite);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, create_like_venv);
	tcase_add_test(tc, create_pyenv);
	tcase_add_test(tc, create_from_venv_python);
	tcase_add_test(tc, activate_scripts);
	tcase_add_test(tc, powershell_quotes);
	tcase_add_test(tc, control_character_refused);
	tcase_add_test(tc, open_existing_and_refusals);
	tcase_add_test(tc, other_version_and_recreate);
	tcase_add_test(tc, in_place_and_repairs);
	tcase_add_test(tc, concurrent_creation);
	tcase_add_test(tc, killed_creation);
	tcase_add_test(tc, parse_cfg);
	tcase_add_test(tc, paths);
	tcase_add_test(tc, rm_rf_stays_inside);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * venv.c - virtual environments: open one, or create it natively with
 * the layout `python -m venv --without-pip DIR` makes (pyvenv.cfg, the
 * bin/python links, the activation scripts, lib/pythonX.Y/site-packages),
 * without running Python.
 *
 * Creation never leaves half an environment where an environment is
 * expected:
 *   - DIR missing: everything is built in the sibling ".BASE.cvlock-new-PID"
 *     and renamed to DIR;
 *   - DIR an existing empty directory (often a mount point, which cannot
 *     be renamed over): the marker file DIR/.cvlock-creating is made
 *     first, the tree is built in DIR/.cvlock-new-PID, moved up entry by
 *     entry with pyvenv.cfg last, and the marker removed.  A directory
 *     without pyvenv.cfg but with that marker is a creation that was
 *     killed: its own entries are removed and the creation starts again;
 *   - replacing an environment of another Python (SYNC_VENV_RECREATE):
 *     the new one is built beside it, the old one renamed away to
 *     ".BASE.cvlock-old-PID", the new one renamed in, the old one removed.
 * Siblings left by a killed process (whose PID no longer runs) are
 * removed by the next creation.
 *
 * The activation scripts are written by sync/venv_scripts.c.
 */
#include "config.h"
#include "sync/venv_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define CFG_NAME "pyvenv.cfg"
#define CFG_MAX (64 * 1024)
#define MARKER_NAME ".cvlock-creating"
#define RECREATE_HINT "use --recreate to replace it with an environment for Python %d.%d"
#define BUSY 1 /* internal: the directory changed under us, look again */

void sync_venv_init(struct sync_venv *v)
{
	memset(v, 0, sizeof(*v));
}

void sync_venv_release(struct sync_venv *v)
{
	size_t i;

	free(v->dir);
	free(v->python);
	for (i = 0; i < SYNC_NPATHS; i++)
		free(v->paths[i]);
	free(v->home);
	sync_venv_init(v);
}

/* ---- pyvenv.cfg ------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static struct cvl_str trim(const char *s, size_t n)
{
	while (n && is_space(s[0])) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	return cvl_str_of(s, n);
}

static bool key_is(struct cvl_str key, const char *name)
{
	return key.len == strlen(name) && !strncasecmp(key.p, name, key.len);
}

/* "3.11.2", "3.11.7.final.0", "3.13.0rc1": the leading numbers (X.Y at least). */
static bool parse_version(struct cvl_str s, int version[3])
{
	int v[3] = { 0, 0, 0 };
	size_t i = 0;
	int k;

	for (k = 0; k < 3; k++) {
		size_t start;

		if (k > 0) {
			if (i >= s.len || s.p[i] != '.')
				break;
			i++;
		}
		start = i;
		while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
			if (v[k] > 99999)
				return false;
			v[k] = v[k] * 10 + (s.p[i] - '0');
			i++;
		}
		if (i == start)
			break;
	}
	if (k < 2)
		return false;
	memcpy(version, v, sizeof(v));
	return true;
}

int sync_venv_parse_cfg(struct sync_venv *v, const char *path,
			const char *text, size_t len, struct cvl_error *err)
{
	int version[3] = { 0, 0, 0 }, version_info[3] = { 0, 0, 0 };
	bool have_version = false, have_info = false;
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		const char *line = text + pos, *nl, *eq;
		size_t n;
		struct cvl_str key, value;

		lineno++;
		nl = memchr(line, '\n', len - pos);
		n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (memchr(line, '\0', n))
			return cvl_error_set(err, CVL_EINVAL,
					     "'%s' has a NUL byte at line %d",
					     path, lineno);
		eq = memchr(line, '=', n);
		if (!eq)
			continue;
		key = trim(line, (size_t)(eq - line));
		value = trim(eq + 1, n - (size_t)(eq + 1 - line));
		if (key_is(key, "home")) {
			free(v->home);
			v->home = xmemdup0(value.p, value.len);
		} else if (key_is(key, "version")) {
			memset(version, 0, sizeof(version));
			have_version = parse_version(value, version);
		} else if (key_is(key, "version_info")) {
			memset(version_info, 0, sizeof(version_info));
			have_info = parse_version(value, version_info);
		}
	}
	if (have_version)
		memcpy(v->version, version, sizeof(version));
	else if (have_info)
		memcpy(v->version, version_info, sizeof(version_info));
	else
		memset(v->version, 0, sizeof(v->version));
	return 0;
}

/* ---- the base interpreter ---------------------------------------------- */

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The pyvenv.cfg of the environment `exe` (a real path) runs in, as getpath.py finds it. */
static bool find_own_cfg(const char *exe, struct strbuf *cfg)
{
	struct stat st;
	size_t n = strlen(exe);
	int up;

	for (up = 0; up < 2; up++) {
		while (n > 0 && exe[n - 1] != '/')
			n--;
		if (n > 0)
			n--; /* the slash */
		strbuf_reset(cfg);
		strbuf_add(cfg, exe, n);
		strbuf_addstr(cfg, "/" CFG_NAME);
		if (!stat(cfg->buf, &st) && S_ISREG(st.st_mode))
			return true;
		if (!n)
			break;
	}
	return false;
}

/*
 * The real path of the interpreter the environment's bin/python links to:
 * sys.executable with its links resolved.  When that is an interpreter
 * copied into a virtual environment (a pyvenv.cfg beside it or one level
 * up), the base is looked up in that environment's `home`, as Python
 * itself does.
 */
static int base_executable(const struct sync_interp *in, struct strbuf *out,
			   struct cvl_error *err)
{
	const char *exe = in->executable && *in->executable ?
		in->executable : in->path;
	struct strbuf sb = STRBUF_INIT, cfg = STRBUF_INIT;
	struct sync_venv pv;
	char *real;
	int r = 0;

	if (!exe || !*exe)
		return cvl_error_set(err, CVL_EINVAL,
				     "the interpreter did not report its executable");
	real = realpath(exe, NULL);
	if (!real)
		return cvl_error_set(err, CVL_EIO,
				     "cannot find the interpreter '%s': %s",
				     exe, strerror(errno));
	if (!find_own_cfg(real, &sb)) {
		strbuf_addstr(out, real);
		goto out;
	}

	/* A copied interpreter inside a virtual environment. */
	sync_venv_init(&pv);
	if (!sync_read_file(sb.buf, CFG_MAX, &cfg, NULL) &&
	    !sync_venv_parse_cfg(&pv, sb.buf, cfg.buf, cfg.len, NULL) &&
	    pv.home) {
		char cand[4][64];
		size_t i;

		snprintf(cand[0], sizeof(cand[0]), "%s", base_name(exe));
		snprintf(cand[1], sizeof(cand[1]), "python%d.%d",
			 in->version[0], in->version[1]);
		snprintf(cand[2], sizeof(cand[2]), "python%d", in->version[0]);
		snprintf(cand[3], sizeof(cand[3]), "python");
		for (i = 0; i < ARRAY_SIZE(cand); i++) {
			char *b;

			strbuf_reset(&cfg);
			strbuf_addf(&cfg, "%s/%s", pv.home, cand[i]);
			if (!is_file(cfg.buf))
				continue;
			b = realpath(cfg.buf, NULL);
			if (b) {
				strbuf_addstr(out, b);
				free(b);
				sync_venv_release(&pv);
				goto out;
			}
		}
	}
	sync_venv_release(&pv);
	r = cvl_error_set(err, CVL_ENOTFOUND,
			  "cannot find the base interpreter of '%s', which is a copy in a virtual environment ('%s')",
			  exe, sb.buf);
	cvl_error_hint(err, "use --python with the interpreter the environment was made from");
out:
	free(real);
	strbuf_release(&sb);
	strbuf_release(&cfg);
	return r;
}

/* ---- creation ---------------------------------------------------------- */

enum state {
	ST_MISSING,  /* nothing there */
	ST_EMPTY,    /* an empty directory */
	ST_HALF,     /* a killed in-place creation */
	ST_VENV,     /* has pyvenv.cfg */
	ST_OTHER,    /* a file, or a directory with other things */
};

struct layout {
	const struct sync_interp *in;
	const char *dir;      /* final absolute path */
	const char *base_exe; /* the real base interpreter */
};

static int write_new_file(const char *path, const char *data, size_t len,
			  struct cvl_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	size_t done = 0;

	if (fd < 0)
		return cvl_error_set(err, CVL_EIO, "cannot create '%s': %s",
				     path, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return cvl_error_set(err, CVL_EIO,
					     "cannot write '%s': %s", path,
					     strerror(e));
		}
		done += (size_t)n;
	}
	if (close(fd) < 0)
		return cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
				     path, strerror(errno));
	return 0;
}

static int make_link(const char *target, const char *path,
		     struct cvl_error *err)
{
	if (symlink(target, path) < 0)
		return cvl_error_set(err, CVL_EIO,
				     "cannot create the link '%s': %s", path,
				     strerror(errno));
	return 0;
}

/*
 * The path of `p` in an environment at `dir`, appended to `out`: the
 * interpreter's venv scheme, else the POSIX layout venv uses.
 */
static void venv_path(const struct sync_interp *in, enum sync_path p,
		      const char *dir, struct strbuf *out)
{
	if (p != SYNC_PATH_INCLUDE && sync_interp_venv_path(in, p, dir, out))
		return;
	switch (p) {
	case SYNC_PATH_PURELIB:
	case SYNC_PATH_PLATLIB:
		strbuf_addf(out, "%s/lib/python%d.%d/site-packages", dir,
			    in->version[0], in->version[1]);
		break;
	case SYNC_PATH_SCRIPTS:
		strbuf_addf(out, "%s/bin", dir);
		break;
	case SYNC_PATH_DATA:
		strbuf_addstr(out, dir);
		break;
	case SYNC_PATH_INCLUDE:
		/* where pip and uv put a wheel's headers (+ "/NAME") */
		strbuf_addf(out, "%s/include/site/python%d.%d", dir,
			    in->version[0], in->version[1]);
		break;
	default:
		BUG("venv_path: %d", (int)p);
	}
}

static bool wants_lib64(const struct sync_interp *in)
{
	const char *os = in->markers[PEP_ENV_OS_NAME];
	const char *plat = in->markers[PEP_ENV_SYS_PLATFORM];

	return !in->is_32bit && os && !strcmp(os, "posix") &&
		!(plat && !strcmp(plat, "darwin"));
}

/* The name of the scripts directory below the environment ("bin"). */
static void bin_name(const struct sync_interp *in, const char *dir,
		     struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(dir);

	venv_path(in, SYNC_PATH_SCRIPTS, dir, &sb);
	if (sb.len > n + 1 && sync_path_within(sb.buf, dir))
		strbuf_addstr(out, sb.buf + n + 1);
	else
		strbuf_addstr(out, "bin");
	strbuf_release(&sb);
}

static void format_cfg(const struct layout *l, struct strbuf *out)
{
	const struct sync_interp *in = l->in;
	struct strbuf home = STRBUF_INIT;
	const char *slash = strrchr(l->base_exe, '/');

	strbuf_add(&home, l->base_exe, slash && slash != l->base_exe ?
		   (size_t)(slash - l->base_exe) : 1);
	strbuf_addf(out, "home = %s\n", home.buf);
	strbuf_addstr(out, "include-system-site-packages = false\n");
	strbuf_addf(out, "version = %d.%d.%d\n", in->version[0],
		    in->version[1], in->version[2]);
	strbuf_addf(out, "executable = %s\n", l->base_exe);
	strbuf_addf(out, "command = %s -m venv --without-pip %s\n",
		    l->base_exe, l->dir);
	strbuf_addstr(out, "cvlock = " PACKAGE_VERSION "\n");
	strbuf_release(&home);
}

/*
 * Build the environment's tree for l->dir under `root` (which exists and
 * is empty), pyvenv.cfg included.
 */
static int populate(const struct layout *l, const char *root,
		    struct cvl_error *err)
{
	const struct sync_interp *in = l->in;
	struct strbuf sb = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf bin = STRBUF_INIT, prompt = STRBUF_INIT;
	static const enum sync_path dirs[] = {
		SYNC_PATH_SCRIPTS, SYNC_PATH_PURELIB, SYNC_PATH_PLATLIB,
	};
	size_t i;
	int r = 0;

	for (i = 0; !r && i < ARRAY_SIZE(dirs); i++) {
		strbuf_reset(&sb);
		venv_path(in, dirs[i], root, &sb);
		if (!sync_path_within(sb.buf, root)) {
			r = cvl_error_set(err, CVL_EINVAL,
					  "the interpreter's %s path '%s' lies outside the environment",
					  sync_path_name(dirs[i]), sb.buf);
			break;
		}
		r = sync_mkdir_p(sb.buf, err);
	}
	if (r)
		goto out;

	/* include/pythonX.Y on 3.11 and later (sysconfig's venv scheme), else include */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/include", root);
	if (in->version[0] > 3 || (in->version[0] == 3 && in->version[1] >= 11))
		strbuf_addf(&sb, "/python%d.%d%s", in->version[0],
			    in->version[1], in->abiflags ? in->abiflags : "");
	r = sync_mkdir_p(sb.buf, err);
	if (r)
		goto out;

	if (wants_lib64(in)) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/lib64", root);
		if (!exists(sb.buf)) {
			r = make_link("lib", sb.buf, err);
			if (r)
				goto out;
		}
	}

	/* bin/python -> the base interpreter; the other names -> python */
	bin_name(in, l->dir, &bin);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/%s/python", root, bin.buf);
	r = make_link(l->base_exe, sb.buf, err);
	if (!r) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/%s/python%d", root, bin.buf,
			    in->version[0]);
		r = make_link("python", sb.buf, err);
	}
	if (!r) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/%s/python%d.%d", root, bin.buf,
			    in->version[0], in->version[1]);
		r = make_link("python", sb.buf, err);
	}
	if (r)
		goto out;

	strbuf_addf(&prompt, "(%s) ", base_name(l->dir));
	for (i = 0; !r; i++) {
		const char *name;

		strbuf_reset(&text);
		name = sync_venv_script(i, l->dir, prompt.buf, bin.buf, &text);
		if (!name)
			break;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/%s/%s", root, bin.buf, name);
		r = write_new_file(sb.buf, text.buf, text.len, err);
	}
	if (r)
		goto out;

	strbuf_reset(&text);
	format_cfg(l, &text);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/" CFG_NAME, root);
	r = write_new_file(sb.buf, text.buf, text.len, err);
out:
	strbuf_release(&sb);
	strbuf_release(&text);
	strbuf_release(&bin);
	strbuf_release(&prompt);
	return r;
}

/* "/a/b/c" -> parent "/a/b", name "c" */
static void split_dir(const char *dir, struct strbuf *parent,
		      struct strbuf *name)
{
	const char *slash = strrchr(dir, '/');

	if (slash == dir)
		strbuf_addch(parent, '/');
	else
		strbuf_add(parent, dir, (size_t)(slash - dir));
	strbuf_addstr(name, slash + 1);
}

/* A PID at the end of `s`, after `prefix`; 0 when it is not one. */
static long pid_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	long pid = 0;

	if (strncmp(s, prefix, n) || !s[n])
		return 0;
	for (s += n; *s; s++) {
		if (*s < '0' || *s > '9' || pid > 100000000L)
			return 0;
		pid = pid * 10 + (*s - '0');
	}
	return pid;
}

static bool pid_is_dead(long pid)
{
	return pid == (long)getpid() ||
		(kill((pid_t)pid, 0) < 0 && errno == ESRCH);
}

/*
 * Remove the temporary directories a killed creation left in `dir`:
 * entries "PREFIXnew-PID" and "PREFIXold-PID" whose process is gone.
 */
static void remove_stale(const char *dir, const char *prefix)
{
	struct strbuf pre = STRBUF_INIT;
	struct strvec stale = STRVEC_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t i;

	if (!d)
		return;
	while ((de = readdir(d))) {
		long pid;

		strbuf_reset(&pre);
		strbuf_addf(&pre, "%snew-", prefix);
		pid = pid_after(de->d_name, pre.buf);
		if (!pid) {
			strbuf_reset(&pre);
			strbuf_addf(&pre, "%sold-", prefix);
			pid = pid_after(de->d_name, pre.buf);
		}
		if (pid && pid_is_dead(pid))
			strvec_pushf(&stale, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	for (i = 0; i < stale.nr; i++) {
		struct cvl_error ignored = CVL_ERROR_INIT;

		if (sync_rm_rf(stale.v[i], &ignored))
			cvl_error_clear(&ignored);
	}
	strvec_clear(&stale);
	strbuf_release(&pre);
}

static int check_path_text(const char *dir, const char *shown,
			   struct cvl_error *err)
{
	const unsigned char *p;

	for (p = (const unsigned char *)dir; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cvl_error_set(err, CVL_EINVAL,
					     "cannot create a virtual environment at '%s': its path has a control character",
					     shown);
	return 0;
}

/*
 * Build in a new sibling of l->dir; rename it to l->dir, or over it
 * (replace).  BUSY when l->dir cannot be renamed (a mount point) or was
 * created by another process meanwhile.
 */
static int create_beside(const struct layout *l, bool replace,
			 struct cvl_error *err)
{
	struct strbuf parent = STRBUF_INIT, name = STRBUF_INIT;
	struct strbuf prefix = STRBUF_INIT, tmp = STRBUF_INIT;
	struct strbuf old = STRBUF_INIT;
	struct cvl_error ignored = CVL_ERROR_INIT;
	int r;

	split_dir(l->dir, &parent, &name);
	r = sync_mkdir_p(parent.buf, err);
	if (r)
		goto out;
	strbuf_addf(&prefix, ".%s.cvlock-", name.buf);
	remove_stale(parent.buf, prefix.buf);
	strbuf_addf(&tmp, "%s/%snew-%ld", parent.buf, prefix.buf,
		    (long)getpid());
	if (mkdir(tmp.buf, 0777) < 0) {
		r = cvl_error_set(err, CVL_EIO, "cannot create directory '%s': %s",
				  tmp.buf, strerror(errno));
		goto out;
	}
	r = populate(l, tmp.buf, err);
	if (r)
		goto fail;
	if (replace) {
		strbuf_addf(&old, "%s/%sold-%ld", parent.buf, prefix.buf,
			    (long)getpid());
		if (rename(l->dir, old.buf) < 0) {
			if (errno == EBUSY || errno == EXDEV) {
				r = BUSY;
				goto fail;
			}
			r = cvl_error_set(err, CVL_EIO, "cannot move '%s' away: %s",
					  l->dir, strerror(errno));
			goto fail;
		}
	}
	if (rename(tmp.buf, l->dir) < 0) {
		int e = errno;

		if (replace && rename(old.buf, l->dir) < 0)
			cvl_error_hint(err, "the old environment is now '%s'", old.buf);
		if (!replace && (e == EEXIST || e == ENOTEMPTY)) {
			/* another process created it first */
			r = BUSY;
			goto fail;
		}
		r = cvl_error_set(err, CVL_EIO, "cannot create '%s': %s", l->dir,
				  strerror(e));
		goto fail;
	}
	if (replace && sync_rm_rf(old.buf, &ignored))
		cvl_error_clear(&ignored); /* removed by the next creation */
	goto out;
fail:
	if (sync_rm_rf(tmp.buf, &ignored))
		cvl_error_clear(&ignored);
out:
	strbuf_release(&parent);
	strbuf_release(&name);
	strbuf_release(&prefix);
	strbuf_release(&tmp);
	strbuf_release(&old);
	return r;
}

/* The names an in-place creation may leave behind when killed. */
static bool is_own_entry(const char *name)
{
	static const char *const own[] = {
		"bin", "include", "lib", "lib64", MARKER_NAME,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(own); i++)
		if (!strcmp(name, own[i]))
			return true;
	return pid_after(name, ".cvlock-new-") != 0;
}

/*
 * Remove the entries of `dir` but the marker: all of them (`all`), or
 * (`ours`) those a killed in-place creation leaves.  *left counts the
 * others.
 */
static int clear_dir(const char *dir, bool ours, bool all, size_t *left,
		     struct cvl_error *err)
{
	struct strvec names = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t i;
	int r = 0;

	*left = 0;
	if (!d)
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", dir,
				     strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strcmp(de->d_name, MARKER_NAME))
			continue;
		if (all || (ours && is_own_entry(de->d_name)))
			strvec_push(&names, de->d_name);
		else
			(*left)++;
	}
	closedir(d);
	for (i = 0; !r && i < names.nr; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/%s", dir, names.v[i]);
		r = sync_rm_rf(sb.buf, err);
	}
	strvec_clear(&names);
	strbuf_release(&sb);
	return r;
}

/*
 * Build inside the existing directory l->dir: empty, or left so by a
 * killed in-place creation (its marker is there), or, with `clear_all`,
 * an environment to replace that cannot be renamed.  Concurrent in-place
 * creations take turns on a lock of the directory itself; the loser
 * finds pyvenv.cfg there and returns BUSY (look again).
 */
static int create_in_place(const struct layout *l, bool clear_all,
			   struct cvl_error *err)
{
	struct strbuf marker = STRBUF_INIT, tmp = STRBUF_INIT;
	struct strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	struct strvec names = STRVEC_INIT;
	struct cvl_error ignored = CVL_ERROR_INIT;
	struct dirent *de;
	size_t i, left;
	int dfd, r;
	DIR *d;

	dfd = open(l->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cvl_error_set(err, CVL_EIO, "cannot open '%s': %s",
				     l->dir, strerror(errno));
	/* best effort: a file system without flock() runs unlocked */
	while (flock(dfd, LOCK_EX) < 0 && errno == EINTR)
		;

	strbuf_addf(&marker, "%s/" MARKER_NAME, l->dir);
	strbuf_addf(&to, "%s/" CFG_NAME, l->dir);
	if (!clear_all && exists(to.buf)) {
		r = BUSY; /* made by another process meanwhile */
		goto out;
	}
	if (clear_all && !exists(marker.buf)) {
		r = write_new_file(marker.buf, "", 0, err);
		if (r)
			goto out;
	}
	r = clear_dir(l->dir, clear_all || exists(marker.buf), false, &left,
		      err);
	if (r)
		goto out;
	if (left) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "'%s' exists and is not a virtual environment",
				  l->dir);
		cvl_error_hint(err, "choose another directory with --venv");
		goto out;
	}
	if (!exists(marker.buf)) {
		r = write_new_file(marker.buf, "", 0, err);
		if (r)
			goto out;
	}
	strbuf_addf(&tmp, "%s/.cvlock-new-%ld", l->dir, (long)getpid());
	if (mkdir(tmp.buf, 0777) < 0) {
		r = cvl_error_set(err, CVL_EIO, "cannot create directory '%s': %s",
				  tmp.buf, strerror(errno));
		goto out;
	}
	r = populate(l, tmp.buf, err);
	if (r)
		goto fail;
	d = opendir(tmp.buf);
	if (!d) {
		r = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", tmp.buf,
				  strerror(errno));
		goto fail;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, CFG_NAME))
			strvec_push(&names, de->d_name);
	closedir(d);
	strvec_push(&names, CFG_NAME); /* last: it makes DIR an environment */
	for (i = 0; i < names.nr; i++) {
		strbuf_reset(&from);
		strbuf_reset(&to);
		strbuf_addf(&from, "%s/%s", tmp.buf, names.v[i]);
		strbuf_addf(&to, "%s/%s", l->dir, names.v[i]);
		if (rename(from.buf, to.buf) < 0) {
			r = cvl_error_set(err, CVL_EIO, "cannot create '%s': %s",
					  to.buf, strerror(errno));
			goto fail;
		}
	}
	if ((rmdir(tmp.buf) < 0 && errno != ENOENT) ||
	    (unlink(marker.buf) < 0 && errno != ENOENT))
		r = cvl_error_set(err, CVL_EIO, "cannot finish '%s': %s",
				  l->dir, strerror(errno));
	goto out;
fail:
	if (sync_rm_rf(tmp.buf, &ignored))
		cvl_error_clear(&ignored);
out:
	close(dfd); /* and unlock */
	strbuf_release(&marker);
	strbuf_release(&tmp);
	strbuf_release(&from);
	strbuf_release(&to);
	strvec_clear(&names);
	return r;
}

/*
 * An environment with the marker of an in-place creation: one killed
 * after pyvenv.cfg was in place.  Remove what it left (under the
 * directory's lock, so that a creation still running finishes first).
 */
static int tidy_in_place(const char *dir, struct cvl_error *err)
{
	struct strbuf marker = STRBUF_INIT, sb = STRBUF_INIT;
	struct strvec names = STRVEC_INIT;
	struct dirent *de;
	size_t i;
	DIR *d;
	int dfd, r = 0;

	strbuf_addf(&marker, "%s/" MARKER_NAME, dir);
	if (!exists(marker.buf))
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = cvl_error_set(err, CVL_EIO, "cannot open '%s': %s", dir,
				  strerror(errno));
		goto out;
	}
	while (flock(dfd, LOCK_EX) < 0 && errno == EINTR)
		;
	d = fdopendir(dup(dfd));
	while (d && (de = readdir(d)))
		if (pid_after(de->d_name, ".cvlock-new-"))
			strvec_push(&names, de->d_name);
	if (d)
		closedir(d);
	for (i = 0; !r && i < names.nr; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/%s", dir, names.v[i]);
		r = sync_rm_rf(sb.buf, err);
	}
	if (!r && unlink(marker.buf) < 0 && errno != ENOENT)
		r = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				  marker.buf, strerror(errno));
	close(dfd);
out:
	strbuf_release(&marker);
	strbuf_release(&sb);
	strvec_clear(&names);
	return r;
}

/* ---- opening ----------------------------------------------------------- */

static void fill(struct sync_venv *v, const struct sync_interp *in)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < SYNC_NPATHS; i++) {
		strbuf_reset(&sb);
		venv_path(in, (enum sync_path)i, v->dir, &sb);
		free(v->paths[i]);
		v->paths[i] = xstrdup(sb.buf);
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/python", v->paths[SYNC_PATH_SCRIPTS]);
	free(v->python);
	v->python = strbuf_detach(&sb, NULL);
}


static int probe_dir(const char *dir, enum state *st, struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat s;
	struct dirent *de;
	bool empty = true;
	DIR *d;

	if (stat(dir, &s) < 0) {
		if (errno == ENOENT) {
			*st = ST_MISSING;
			return 0;
		}
		return cvl_error_set(err, CVL_EIO, "cannot open '%s': %s", dir,
				     strerror(errno));
	}
	if (!S_ISDIR(s.st_mode)) {
		*st = ST_OTHER;
		return 0;
	}
	strbuf_addf(&sb, "%s/" CFG_NAME, dir);
	if (!lstat(sb.buf, &s)) {
		strbuf_release(&sb);
		*st = ST_VENV;
		return 0;
	}
	d = opendir(dir);
	if (!d) {
		strbuf_release(&sb);
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", dir,
				     strerror(errno));
	}
	*st = ST_EMPTY;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strcmp(de->d_name, MARKER_NAME))
			*st = ST_HALF;
		empty = false;
	}
	closedir(d);
	if (!empty && *st != ST_HALF) {
		/*
		 * An in-place creation adds pyvenv.cfg before it removes its
		 * marker: when the marker was not seen, look again.
		 */
		*st = lstat(sb.buf, &s) ? ST_OTHER : ST_VENV;
	}
	strbuf_release(&sb);
	return 0;
}

static int create(const struct layout *l, enum state st, bool replace,
		  struct cvl_error *err)
{
	int r;

	r = check_path_text(l->dir, l->dir, err);
	if (r)
		return r;
	if (st == ST_EMPTY || st == ST_HALF)
		return create_in_place(l, false, err);
	r = create_beside(l, replace, err);
	/* a mount point cannot be renamed: clear it and build inside */
	if (r == BUSY && replace)
		r = create_in_place(l, true, err);
	return r;
}

static int read_cfg(struct sync_venv *v, struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int r;

	strbuf_addf(&path, "%s/" CFG_NAME, v->dir);
	r = sync_read_file(path.buf, CFG_MAX, &text, err);
	if (r == -CVL_ENOTFOUND)
		r = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", path.buf,
				  "not a regular file");
	if (!r)
		r = sync_venv_parse_cfg(v, path.buf, text.buf, text.len, err);
	strbuf_release(&path);
	strbuf_release(&text);
	return r;
}

/* Why the environment at v->dir cannot serve `in` (0: it can). */
static int check_existing(struct sync_venv *v, const struct sync_interp *in,
			  const char *shown, struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int r = 0;

	if (v->version[0]) {
		if (v->version[0] != in->version[0] ||
		    v->version[1] != in->version[1]) {
			r = cvl_error_set(err, CVL_EINVAL,
					  "'%s' is an environment of Python %d.%d, not %d.%d",
					  shown, v->version[0], v->version[1],
					  in->version[0], in->version[1]);
			goto hint;
		}
	} else {
		venv_path(in, SYNC_PATH_PURELIB, v->dir, &sb);
		if (stat(sb.buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
			r = cvl_error_set(err, CVL_EINVAL,
					  "'%s' is an environment of another Python version, not %d.%d",
					  shown, in->version[0], in->version[1]);
			goto hint;
		}
	}
	if (stat(v->python, &st) < 0) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "'%s' is a broken environment: its interpreter '%s' cannot be found",
				  shown, v->python);
		goto hint;
	}
	goto out;
hint:
	cvl_error_hint(err, RECREATE_HINT, in->version[0], in->version[1]);
out:
	strbuf_release(&sb);
	return r;
}

int sync_venv_open(const struct sync_interp *in, const char *dir,
		   unsigned flags, struct sync_venv *v, struct cvl_error *err)
{
	struct strbuf abs = STRBUF_INIT, exe = STRBUF_INIT;
	struct layout l;
	enum state st = ST_MISSING;
	int r, tries;

	sync_venv_release(v);
	if (!dir || !*dir)
		return cvl_error_set(err, CVL_EINVAL,
				     "the virtual environment's path is empty");
	r = sync_abspath(dir, &abs, err);
	if (r)
		goto out;
	v->dir = xstrdup(abs.buf);
	fill(v, in);

	for (tries = 0; tries < 3; tries++) {
		r = probe_dir(v->dir, &st, err);
		if (r)
			goto out;
		if (st == ST_OTHER) {
			r = cvl_error_set(err, CVL_EINVAL,
					  "'%s' exists and is not a virtual environment",
					  dir);
			cvl_error_hint(err, "choose another directory with --venv");
			goto out;
		}
		if (st == ST_VENV) {
			r = tidy_in_place(v->dir, err);
			if (!r)
				r = read_cfg(v, err);
			if (r)
				goto out;
			r = check_existing(v, in, dir, err);
			if (!r || !(flags & SYNC_VENV_RECREATE))
				goto out;
			cvl_error_clear(err);
		} else if (!(flags & SYNC_VENV_CREATE)) {
			r = cvl_error_set(err, CVL_ENOTFOUND,
					  "there is no virtual environment at '%s'",
					  dir);
			goto out;
		}

		if (!exe.len) {
			r = base_executable(in, &exe, err);
			if (r)
				goto out;
		}
		l.in = in;
		l.dir = v->dir;
		l.base_exe = exe.buf;
		r = create(&l, st, st == ST_VENV, err);
		if (r == BUSY) {
			/* lost a race with another creation: look again */
			flags &= ~(unsigned)SYNC_VENV_RECREATE;
			continue;
		}
		if (r)
			goto out;
		free(v->home);
		v->home = NULL;
		r = read_cfg(v, err);
		if (!r)
			v->created = true;
		goto out;
	}
	r = cvl_error_set(err, CVL_EIO, "cannot create '%s': %s", dir,
			  "it keeps changing");
out:
	if (r)
		sync_venv_release(v);
	strbuf_release(&abs);
	strbuf_release(&exe);
	return r;
}

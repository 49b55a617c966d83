/*
 * uninstall.c - removing an installed distribution: exactly the files its
 * RECORD lists, their compiled __pycache__ files, the directories that
 * leaves empty, then its dist-info.
 *
 * Nothing outside the environment is touched: a RECORD path is resolved
 * lexically against the dist-info's parent (site-packages) and must lie
 * inside the environment's directory; its parent directory is resolved
 * with realpath() and must lie inside the environment's real directory
 * too (a symbolic link inside the environment that leads out of it is
 * not followed); the file itself is unlinked, never followed.  Paths that
 * fail these checks are left alone.
 *
 * Crash safety: files go first, the dist-info last, renamed first to
 * ".cvlock-rm-DIR.PID" (which sync_installed_scan() skips, and removes
 * once that process is gone) so that a killed uninstall leaves either
 * the whole dist-info, whose RECORD the next uninstall runs again (files
 * already gone are fine), or none.
 */
#include "sync/sync.h"
#include "sync/internal.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD_MAX (16 * 1024 * 1024)

/* The last directory checked with realpath(), and the answer. */
struct dir_check {
	struct strbuf dir;
	bool inside;
	const char *env_real;
};

static bool parent_inside(struct dir_check *dc, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	char *real;

	if (dc->dir.len == n && !memcmp(dc->dir.buf, path, n) && n)
		return dc->inside;
	strbuf_reset(&dc->dir);
	strbuf_add(&dc->dir, path, n);
	real = realpath(dc->dir.buf, NULL);
	dc->inside = real && sync_path_within(real, dc->env_real);
	free(real);
	return dc->inside;
}

/* "NAME.TAG.pyc" or "NAME.TAG.opt-N.pyc" for module `stem` */
static bool is_pyc_of(const char *file, const char *stem, size_t n)
{
	const char *p, *dot;

	if (strncmp(file, stem, n) || file[n] != '.')
		return false;
	p = file + n + 1;
	dot = strchr(p, '.');
	if (!dot || dot == p)
		return false; /* no cache tag */
	if (!strcmp(dot, ".pyc"))
		return true;
	if (strncmp(dot, ".opt-", 5))
		return false;
	p = dot + 5;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strcmp(p, ".pyc");
}

/*
 * Remove the compiled files of the modules `stems` (sorted "DIR/NAME"
 * strings, DIR the module's directory) from each DIR/__pycache__, and add
 * those directories to `dirs`.
 */
static int remove_pycache(const struct strvec *stems, struct strvec *dirs,
			  struct cvl_error *err)
{
	struct strbuf cache = STRBUF_INIT, file = STRBUF_INIT;
	size_t i = 0;
	int r = 0;

	while (!r && i < stems->nr) {
		const char *slash = strrchr(stems->v[i], '/');
		size_t dn = (size_t)(slash - stems->v[i]);
		struct dirent *de;
		size_t j, end = i;
		DIR *d;

		/* the stems of one directory */
		while (end < stems->nr && !strncmp(stems->v[end], stems->v[i], dn + 1) &&
		       !strchr(stems->v[end] + dn + 1, '/'))
			end++;
		strbuf_reset(&cache);
		strbuf_add(&cache, stems->v[i], dn);
		strbuf_addstr(&cache, "/__pycache__");
		d = opendir(cache.buf);
		if (d) {
			while (!r && (de = readdir(d))) {
				for (j = i; j < end; j++) {
					const char *stem = stems->v[j] + dn + 1;

					if (!is_pyc_of(de->d_name, stem, strlen(stem)))
						continue;
					strbuf_reset(&file);
					strbuf_addf(&file, "%s/%s", cache.buf,
						    de->d_name);
					if (unlink(file.buf) < 0 && errno != ENOENT)
						r = cvl_error_set(err, CVL_EIO,
								  "cannot remove '%s': %s",
								  file.buf, strerror(errno));
					break;
				}
			}
			closedir(d);
			strvec_push(dirs, cache.buf);
		}
		i = end;
	}
	strbuf_release(&cache);
	strbuf_release(&file);
	return r;
}

/* A directory that empty-directory removal must not remove or pass. */
static bool is_stop_dir(const struct sync_venv *v, const char *dir,
			const char *root)
{
	size_t i;

	if (!strcmp(dir, root) || !strcmp(dir, v->dir) ||
	    !sync_path_within(dir, v->dir))
		return true;
	for (i = 0; i < SYNC_NPATHS; i++)
		if (v->paths[i] && !strcmp(dir, v->paths[i]))
			return true;
	return false;
}

/* rmdir each of `dirs` that is empty, and its parents that become so. */
static void remove_empty_dirs(const struct sync_venv *v, struct strvec *dirs,
			      const char *root)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strvec_sort(dirs);
	/* deepest first: a directory sorts after its parent */
	for (i = dirs->nr; i-- > 0;) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, dirs->v[i]);
		while (!is_stop_dir(v, sb.buf, root) && !rmdir(sb.buf)) {
			char *slash = strrchr(sb.buf, '/');

			if (!slash || slash == sb.buf)
				break;
			strbuf_setlen(&sb, (size_t)(slash - sb.buf));
		}
	}
	strbuf_release(&sb);
}

static int read_record(const struct sync_dist *d, struct sync_record *rec,
		       struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int r;

	strbuf_addf(&path, "%s/RECORD", d->dist_info);
	r = sync_read_file(path.buf, RECORD_MAX, &text, err);
	if (r == -CVL_ENOTFOUND) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "cannot uninstall %s %s: '%s' has no RECORD",
				  d->name, d->version, d->dist_info);
		cvl_error_hint(err, "remove '%s' and the package's files by hand, or recreate the environment",
			       d->dist_info);
	} else if (!r) {
		r = sync_record_parse(rec, text.buf, text.len, err);
		if (r)
			cvl_error_file(err, path.buf);
	}
	strbuf_release(&path);
	strbuf_release(&text);
	return r;
}

int sync_dist_uninstall(const struct sync_venv *v, const struct sync_dist *d,
			struct cvl_error *err)
{
	struct sync_record rec = { NULL, 0, 0 };
	struct strbuf root = STRBUF_INIT, info = STRBUF_INIT;
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	struct strvec dirs = STRVEC_INIT, stems = STRVEC_INIT;
	struct dir_check dc = { STRBUF_INIT, false, NULL };
	char *env_real = NULL;
	const char *slash;
	size_t i;
	int r;

	sync_normpath(d->dist_info, &info);
	slash = strrchr(info.buf, '/');
	strbuf_add(&root, info.buf, slash > info.buf ?
		   (size_t)(slash - info.buf) : 1);
	if (!sync_path_within(info.buf, v->dir) || !strcmp(info.buf, v->dir)) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "cannot uninstall %s %s: '%s' is not inside the environment '%s'",
				  d->name, d->version, d->dist_info, v->dir);
		goto out;
	}
	r = read_record(d, &rec, err);
	if (r)
		goto out;
	env_real = realpath(v->dir, NULL);
	if (!env_real) {
		r = cvl_error_set(err, CVL_EIO, "cannot open '%s': %s", v->dir,
				  strerror(errno));
		goto out;
	}
	dc.env_real = env_real;

	for (i = 0; i < rec.n; i++) {
		const char *p = rec.entries[i].path;
		const char *base;
		struct stat st;
		size_t n;

		strbuf_reset(&path);
		strbuf_reset(&sb);
		if (p[0] != '/')
			strbuf_addf(&sb, "%s/", root.buf);
		strbuf_addstr(&sb, p);
		sync_normpath(sb.buf, &path);
		/* refused: outside the environment, or the environment itself */
		if (!sync_path_within(path.buf, v->dir) ||
		    !strcmp(path.buf, v->dir) || !strcmp(path.buf, root.buf))
			continue;
		/* the dist-info goes last, as a whole */
		if (sync_path_within(path.buf, info.buf))
			continue;
		if (!parent_inside(&dc, path.buf))
			continue;
		if (lstat(path.buf, &st) < 0)
			continue; /* already gone */
		if (S_ISDIR(st.st_mode)) {
			strvec_push(&dirs, path.buf);
			continue;
		}
		if (unlink(path.buf) < 0 && errno != ENOENT) {
			r = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
					  path.buf, strerror(errno));
			goto out;
		}
		base = strrchr(path.buf, '/');
		strvec_pushn(&dirs, path.buf, (size_t)(base - path.buf));
		n = strlen(base);
		if (n > 3 && !strcmp(base + n - 3, ".py"))
			strvec_pushn(&stems, path.buf, path.len - 3);
	}
	strvec_sort(&stems);
	r = remove_pycache(&stems, &dirs, err);
	if (r)
		goto out;
	remove_empty_dirs(v, &dirs, root.buf);

	/* the dist-info: renamed away, then removed */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/.cvlock-rm-%s.%ld", root.buf, slash + 1,
		    (long)getpid());
	r = sync_rm_rf(path.buf, err);
	if (r)
		goto out;
	if (rename(info.buf, path.buf) < 0) {
		if (errno != ENOENT)
			r = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
					  info.buf, strerror(errno));
		goto out;
	}
	r = sync_rm_rf(path.buf, err);
out:
	sync_record_release(&rec);
	free(env_real);
	strbuf_release(&root);
	strbuf_release(&info);
	strbuf_release(&path);
	strbuf_release(&sb);
	strbuf_release(&dc.dir);
	strvec_clear(&dirs);
	strvec_clear(&stems);
	return r;
}

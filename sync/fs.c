/*
 * fs.c - file system helpers of the environment side of sync (venv.c,
 * installed.c, uninstall.c): lexical paths, whole-file reads, mkdir -p and
 * an rm -rf that never follows a symbolic link.
 */
#include "sync/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define RM_DEPTH_MAX 256

void sync_normpath(const char *path, struct strbuf *out)
{
	size_t start = out->len;
	const char *p = path;

	strbuf_addch(out, '/');
	while (*p) {
		const char *c;
		size_t n;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - c);
		if (!n || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			size_t l = out->len;

			while (l > start + 1 && out->buf[l - 1] != '/')
				l--;
			/* drop the separator too, unless it is the root */
			if (l > start + 1)
				l--;
			strbuf_setlen(out, l);
			continue;
		}
		if (out->len > start + 1)
			strbuf_addch(out, '/');
		strbuf_add(out, c, n);
	}
}

int sync_abspath(const char *path, struct strbuf *out, struct cvl_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		sync_normpath(path, out);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return cvl_error_set(err, CVL_EIO,
				     "cannot find the current directory: %s",
				     strerror(errno));
	strbuf_addf(&tmp, "%s/%s", cwd, path);
	sync_normpath(tmp.buf, out);
	strbuf_release(&tmp);
	return 0;
}

bool sync_path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

int sync_read_file(const char *path, size_t max, struct strbuf *out,
		   struct cvl_error *err)
{
	struct stat st;
	int fd, r = 0;

	strbuf_reset(out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return cvl_error_set(err, CVL_ENOTFOUND,
					     "cannot read '%s': %s", path,
					     strerror(errno));
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
				     path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		r = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", path,
				  strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", path,
				  "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = cvl_error_set(err, CVL_ETOOBIG,
				  "'%s' is too large (%lld bytes, at most %zu)",
				  path, (long long)st.st_size, max);
		goto out;
	}
	if (strbuf_grow(out, (size_t)st.st_size + 1))
		BUG("unlimited strbuf cannot overflow");
	for (;;) {
		ssize_t n;

		if (out->len > max) {
			r = cvl_error_set(err, CVL_ETOOBIG,
					  "'%s' is too large (more than %zu bytes)",
					  path, max);
			break;
		}
		if (out->alloc - out->len < 2 && strbuf_grow(out, 4096))
			BUG("unlimited strbuf cannot overflow");
		n = read(fd, out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
					  path, strerror(errno));
			break;
		}
		if (!n)
			break;
		strbuf_setlen(out, out->len + (size_t)n);
	}
out:
	close(fd);
	return r;
}

static int rm_at(int dirfd, const char *name, struct strbuf *path, int depth,
		 struct cvl_error *err);

/* Remove the entries of the open directory `fd` (which it closes). */
static int rm_entries(int fd, struct strbuf *path, int depth,
		      struct cvl_error *err)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		close(fd);
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
				     path->buf, strerror(errno));
	}
	while (!r && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = rm_at(dirfd(d), de->d_name, path, depth + 1, err);
	}
	closedir(d);
	return r;
}

static int rm_at(int dirfd, const char *name, struct strbuf *path, int depth,
		 struct cvl_error *err)
{
	size_t len = path->len;
	int fd, r;

	strbuf_addf(path, "/%s", name);
	if (!unlinkat(dirfd, name, 0) || errno == ENOENT) {
		r = 0;
		goto out;
	}
	if (errno != EISDIR && errno != EPERM) {
		r = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				  path->buf, strerror(errno));
		goto out;
	}
	if (depth > RM_DEPTH_MAX) {
		r = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				  path->buf, "too deeply nested");
		goto out;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0) {
		r = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				  path->buf, strerror(errno));
		goto out;
	}
	r = rm_entries(fd, path, depth, err);
	if (!r && unlinkat(dirfd, name, AT_REMOVEDIR) && errno != ENOENT)
		r = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				  path->buf, strerror(errno));
out:
	strbuf_setlen(path, len);
	return r;
}

int sync_rm_rf(const char *path, struct cvl_error *err)
{
	struct strbuf dir = STRBUF_INIT;
	const char *slash = strrchr(path, '/');
	int dfd, r;

	if (!slash) {
		strbuf_addstr(&dir, ".");
		slash = path - 1;
	} else if (slash == path) {
		strbuf_addstr(&dir, "/");
	} else {
		strbuf_add(&dir, path, (size_t)(slash - path));
	}
	if (!slash[1]) {
		strbuf_release(&dir);
		return cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				     path, "not a file name");
	}
	dfd = open(dir.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = errno == ENOENT ? 0 :
			cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				      path, strerror(errno));
		strbuf_release(&dir);
		return r;
	}
	r = rm_at(dfd, slash + 1, &dir, 0, err);
	close(dfd);
	strbuf_release(&dir);
	return r;
}

int sync_mkdir_p(const char *path, struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;
	struct stat st;
	int r = 0;

	while (*p) {
		const char *c = p;

		while (*p == '/')
			p++;
		while (*p && *p != '/')
			p++;
		strbuf_add(&sb, c, (size_t)(p - c));
		if (sb.len == 0 || (sb.len == 1 && sb.buf[0] == '/'))
			continue;
		if (!mkdir(sb.buf, 0777))
			continue;
		if (errno == EEXIST && !stat(sb.buf, &st) && S_ISDIR(st.st_mode))
			continue;
		if (errno == EEXIST)
			errno = ENOTDIR;
		r = cvl_error_set(err, CVL_EIO, "cannot create directory '%s': %s",
				  sb.buf, strerror(errno));
		break;
	}
	strbuf_release(&sb);
	return r;
}

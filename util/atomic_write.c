/*
 * atomic_write.c - replace a file in one step: write "<path>.lock"
 * (created with O_EXCL, so two writers cannot interleave), fsync it and
 * rename() it over <path>.  Readers see the old file or the new one,
 * never a torn one.  A lock file still in progress is removed at exit and
 * on SIGINT, SIGTERM, SIGHUP and SIGPIPE (git's lockfile.c does the same),
 * so an interrupted run leaves nothing behind.
 */
#include "util/util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

/* Lock files being written; slots are claimed only outside handlers. */
#define MAX_PENDING 8
static char pending[MAX_PENDING][PATH_MAX];
static volatile sig_atomic_t pending_used[MAX_PENDING];
static bool handlers_installed;

static void remove_pending(void)
{
	int i;

	for (i = 0; i < MAX_PENDING; i++) {
		if (pending_used[i]) {
			unlink(pending[i]);
			pending_used[i] = 0;
		}
	}
}

static void on_signal(int sig)
{
	remove_pending();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	size_t i;

	if (handlers_installed)
		return;
	handlers_installed = true;
	atexit(remove_pending);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct sigaction sa, old;

		/* Leave alone a signal that the program ignores or handles. */
		if (sigaction(sigs[i], NULL, &old) ||
		    old.sa_handler != SIG_DFL)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

static int claim(const char *tmp)
{
	int i;

	for (i = 0; i < MAX_PENDING; i++) {
		if (!pending_used[i]) {
			memcpy(pending[i], tmp, strlen(tmp) + 1);
			pending_used[i] = 1;
			return i;
		}
	}
	return -1;
}

static void drop(int slot, bool do_unlink)
{
	if (slot < 0)
		return;
	if (do_unlink)
		unlink(pending[slot]);
	pending_used[slot] = 0;
}

int atomic_write_file(const char *path, const void *data, size_t len,
		      struct cvl_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	const char *p = data;
	struct stat st;
	int fd, slot, saved, ret = 0;

	strbuf_addf(&tmp, "%s.lock", path);
	if (tmp.len >= PATH_MAX) {
		ret = cvl_error_set(err, CVL_EIO, "path too long: '%s'", path);
		goto out;
	}
	install_handlers();
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		saved = errno;
		ret = cvl_error_set(err, CVL_EIO, "cannot create '%s': %s",
				    tmp.buf, strerror(saved));
		if (saved == EEXIST)
			cvl_error_hint(err, "another cvlock may be writing '%s'; if not, remove '%s'",
				       path, tmp.buf);
		goto out;
	}
	slot = claim(tmp.buf);
	/* Keep the mode of the file being replaced (umask applies otherwise). */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		(void)fchmod(fd, st.st_mode & 07777);
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
					    tmp.buf,
					    strerror(n < 0 ? errno : EIO));
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!ret && fsync(fd))
		ret = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
				    tmp.buf, strerror(errno));
	if (close(fd) && !ret)
		ret = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
				    tmp.buf, strerror(errno));
	if (!ret && rename(tmp.buf, path))
		ret = cvl_error_set(err, CVL_EIO, "cannot rename '%s' to '%s': %s",
				    tmp.buf, path, strerror(errno));
	if (slot < 0 && ret)
		unlink(tmp.buf);
	drop(slot, ret != 0);
out:
	strbuf_release(&tmp);
	return ret;
}

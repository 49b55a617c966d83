/*
 * run.c - run a program and collect what it prints (posix_spawn, poll).
 */
/* posix_spawn_file_actions_addchdir_np (glibc 2.29) */
#define _GNU_SOURCE 1
#include "config.h"
#include "util/util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int64_t run_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is there; false at end of file.  Past `max`, drop it. */
static bool run_drain(int fd, struct strbuf *sb, size_t max, bool *over)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (sb) {
		if (sb->len + (size_t)n > max)
			*over = true;
		else
			strbuf_add(sb, buf, (size_t)n);
	}
	return true;
}

int cvl_run(struct cvl_run *r, struct cvl_error *err)
{
	const char *prog = r->argv[0];
	size_t max = r->max_output ? r->max_output : (64u << 20);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	bool out_open = true, err_open = r->errout != NULL, over = false;
	bool killed = false;
	int64_t deadline = r->timeout_ms > 0 ? run_now_ms() + r->timeout_ms : 0;
	int rc, status = 0, ret = 0;
	pid_t pid;

	r->status = -1;
	if (pipe(outp) || (r->errout && pipe(errp))) {
		ret = cvl_error_set(err, CVL_EIO, "cannot run '%s': %s", prog,
				    strerror(errno));
		goto out;
	}
	fcntl(outp[0], F_SETFD, FD_CLOEXEC);
	if (r->errout)
		fcntl(errp[0], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0,
					 r->stdin_path ? r->stdin_path : "/dev/null",
					 O_RDONLY, 0);
	if (r->out) {
		posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
	}
	if (r->errout)
		posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawn_file_actions_addclose(&fa, outp[1]);
	if (r->errout)
		posix_spawn_file_actions_addclose(&fa, errp[1]);
	if (r->dir)
		posix_spawn_file_actions_addchdir_np(&fa, r->dir);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawnp(&pid, prog, &fa, &attr, (char *const *)r->argv,
			  environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(outp[1]);
	outp[1] = -1;
	if (r->errout) {
		close(errp[1]);
		errp[1] = -1;
	}
	if (rc) {
		ret = cvl_error_set(err, rc == ENOENT ? CVL_ENOTFOUND : CVL_EIO,
				    "cannot run '%s': %s", prog, strerror(rc));
		goto out;
	}
	if (!r->out) {
		/* stdout went to /dev/null: nothing comes through the pipe */
		out_open = false;
	}
	while (out_open || err_open) {
		struct pollfd pfd[2];
		int timeout = -1;
		nfds_t n = 0, i;

		if (deadline) {
			int64_t left = deadline - run_now_ms();

			if (left <= 0) {
				killed = true;
				break;
			}
			timeout = (int)left;
		}
		if (out_open) {
			pfd[n].fd = outp[0];
			pfd[n++].events = POLLIN;
		}
		if (err_open) {
			pfd[n].fd = errp[0];
			pfd[n++].events = POLLIN;
		}
		rc = poll(pfd, n, timeout);
		if (rc < 0 && errno != EINTR) {
			killed = true;
			break;
		}
		for (i = 0; rc > 0 && i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == outp[0])
				out_open = run_drain(outp[0], r->out, max, &over);
			else
				err_open = run_drain(errp[0], r->errout, max,
						     &over);
		}
	}
	while (!killed) {
		pid_t w = waitpid(pid, &status, deadline ? WNOHANG : 0);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (deadline && run_now_ms() >= deadline) {
			killed = true;
			break;
		}
		if (deadline)
			usleep(2000);
	}
	if (killed) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			continue;
		ret = cvl_error_set(err, CVL_EIO,
				    "'%s' did not finish within %d s", prog,
				    (r->timeout_ms + 999) / 1000);
	} else if (over) {
		ret = cvl_error_set(err, CVL_EIO,
				    "'%s' printed more than %zu bytes", prog,
				    max);
	}
	if (status >= 0 && WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else if (status >= 0 && WIFSIGNALED(status))
		r->status = 128 + WTERMSIG(status);
out:
	if (outp[0] >= 0)
		close(outp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	return ret;
}

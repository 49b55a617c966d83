/*
 * fuzz_wheel_unpack.c - wheels as sync_wheel_unpack() reads them (the
 * input is the zip file).
 *
 * A refused wheel must say why and leave nothing behind; an unpacked one
 * must be a directory holding only regular files and directories (no
 * link, no device), with a WHEEL in its single .dist-info.
 */
#include "sync/sync.h"

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_wheel_unpack: %s\n", what);
		abort();
	}
}

/* Check (depth-first) and remove the tree; count .dist-info/WHEEL. */
static void walk_rm(const char *path, int depth, int *wheels)
{
	struct stat st;
	struct dirent *d;
	DIR *dh;

	check(lstat(path, &st) == 0, "cannot stat an unpacked entry");
	check(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode),
	      "unpacked something that is not a file or a directory");
	if (S_ISREG(st.st_mode)) {
		size_t len = strlen(path);

		if (depth == 2 && len > 16 &&
		    !strcmp(path + len - 16, ".dist-info/WHEEL"))
			(*wheels)++;
		check(unlink(path) == 0, "cannot remove a file");
		return;
	}
	dh = opendir(path);
	check(dh != NULL, "cannot read an unpacked directory");
	while ((d = readdir(dh))) {
		struct strbuf sub = STRBUF_INIT;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		strbuf_addf(&sub, "%s/%s", path, d->d_name);
		walk_rm(sub.buf, depth + 1, wheels);
		strbuf_release(&sub);
	}
	closedir(dh);
	check(rmdir(path) == 0, "cannot remove a directory");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf whl = STRBUF_INIT, dest = STRBUF_INIT;
	struct dirent *d;
	DIR *dh;
	FILE *f;
	int wheels = 0, left = 0;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz-wheel-XXXXXX");
		check(mkdtemp(dir) != NULL, "mkdtemp");
	}
	strbuf_addf(&whl, "%s/x-1.0-py3-none-any.whl", dir);
	strbuf_addf(&dest, "%s/out/x", dir);
	f = fopen(whl.buf, "wb");
	check(f && fwrite(data, 1, size, f) == size && !fclose(f),
	      "cannot write the wheel");
	if (sync_wheel_unpack(whl.buf, dest.buf, &err)) {
		check(err.code != 0 && err.msg[0], "failure without a message");
		check(access(dest.buf, F_OK) != 0, "failure left the result");
	} else {
		walk_rm(dest.buf, 0, &wheels);
		check(wheels == 1, "unpacked without one .dist-info/WHEEL");
	}
	/* nothing else next to it */
	strbuf_setlen(&dest, dest.len - 2);
	dh = opendir(dest.buf);
	if (dh) {
		while ((d = readdir(dh)))
			if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				left++;
		closedir(dh);
		check(left == 0, "a temporary directory was left behind");
	}
	unlink(whl.buf);
	strbuf_release(&whl);
	strbuf_release(&dest);
	return 0;
}

/*
 * path.c - the parts of a '/' separated path, as dirname(1) and
 * basename(1) see them (without their trailing-slash rules).
 */
#include "config.h"
#include "util/util.h"

void path_dirname(const char *path, struct strbuf *out)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		strbuf_addch(out, '.');
	else if (slash == path)
		strbuf_addch(out, '/');
	else
		strbuf_add(out, path, (size_t)(slash - path));
}

char *path_dirname_dup(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	path_dirname(path, &sb);
	return strbuf_detach(&sb, NULL);
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

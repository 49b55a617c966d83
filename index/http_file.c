/*
 * http_file.c - file:// URLs for the transport: a local index or
 * find-links directory works like a server (ranges honoured, a directory
 * serves its index.html as pip does, a missing file is a 404), without
 * libcurl and without the cache.
 */
#include "index/transport.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

void tr_size_phrase(struct strbuf *sb, size_t n)
{
	if (n && !(n & ((1u << 20) - 1)))
		strbuf_addf(sb, "%zu MiB", n >> 20);
	else
		strbuf_addf(sb, "%zu bytes", n);
}

static const char *content_type_of(const char *path)
{
	size_t n = strlen(path);

#define ENDS(s) (n >= sizeof(s) - 1 && !strcasecmp(path + n - (sizeof(s) - 1), s))
	if (ENDS(".html") || ENDS(".htm"))
		return "text/html";
	if (ENDS(".json"))
		return "application/json";
	if (ENDS(".metadata"))
		return "text/plain";
	if (ENDS(".whl") || ENDS(".zip"))
		return "application/zip";
	if (ENDS(".tar.gz") || ENDS(".tgz"))
		return "application/gzip";
#undef ENDS
	return "application/octet-stream";
}

int tr_file_fetch(const char *url, const struct idx_request *req,
		  struct strbuf *body, struct tr_file_result *res,
		  struct cvl_error *err)
{
	struct strbuf pathbuf = STRBUF_INIT, index = STRBUF_INIT;
	const char *path, *p;
	struct stat st;
	int fd = -1, rc = 0, e;
	uint64_t start = 0, end = 0, size;
	bool ranged = req->range_start >= 0 || req->range_end >= 0;
	size_t max_size = req->max_size ? req->max_size : ((size_t)64 << 20);

	res->status = 0;
	res->total_size = 0;
	res->content_type = NULL;
	rc = url_to_path(url, &pathbuf, err);
	path = p = pathbuf.buf;
	if (rc)
		goto fail;
	fd = open(p, O_RDONLY);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* an index directory serves its index.html, as pip does */
		close(fd);
		strbuf_addstr(&index, path);
		if (index.len && index.buf[index.len - 1] != '/')
			strbuf_addch(&index, '/');
		strbuf_addstr(&index, "index.html");
		p = index.buf;
		fd = open(p, O_RDONLY);
	}
	if (fd < 0) {
		e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			res->status = 404;
			rc = cvl_error_set(err, CVL_ENOTFOUND, "no such file '%s'", p);
		} else {
			rc = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", p,
					   strerror(e));
		}
		goto fail;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc = cvl_error_set(err, CVL_EIO, "cannot read '%s': not a regular file", p);
		goto fail;
	}
	size = (uint64_t)st.st_size;
	end = size;
	if (req->range_start >= 0) {
		start = (uint64_t)req->range_start;
		if (req->range_end >= 0 && (uint64_t)req->range_end + 1 < size)
			end = (uint64_t)req->range_end + 1;
		if (start >= size) {
			res->status = 416;
			rc = cvl_error_set(err, CVL_ENETWORK,
					   "the range starts at byte %llu of a %llu-byte file",
					   (unsigned long long)start, (unsigned long long)size);
			goto fail;
		}
	} else if (req->range_end >= 0) {
		start = (uint64_t)req->range_end < size ?
			size - (uint64_t)req->range_end : 0;
	}
	if (end - start > max_size) {
		struct strbuf sz = STRBUF_INIT;

		tr_size_phrase(&sz, max_size);
		rc = cvl_error_set(err, CVL_ETOOBIG, "the file exceeds %s", sz.buf);
		strbuf_release(&sz);
		goto fail;
	}
	strbuf_reset(body);
	if (strbuf_grow(body, (size_t)(end - start)) ||
	    lseek(fd, (off_t)start, SEEK_SET) < 0) {
		rc = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", p, strerror(errno));
		goto fail;
	}
	while (body->len < end - start) {
		ssize_t n = read(fd, body->buf + body->len,
				 (size_t)(end - start) - body->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", p,
					   n ? strerror(errno) : "the file shrank while reading");
			goto fail;
		}
		strbuf_setlen(body, body->len + (size_t)n);
	}
	close(fd);
	res->status = ranged ? 206 : 200;
	res->total_size = size;
	res->content_type = content_type_of(p);
	strbuf_release(&pathbuf);
	strbuf_release(&index);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	strbuf_reset(body);
	strbuf_release(&pathbuf);
	strbuf_release(&index);
	return rc;
}


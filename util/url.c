/*
 * url.c - URLs as RFC 3986 sees them: splitting, reference resolution,
 * credential redaction, percent-decoding and file:// paths.
 *
 * Everything is byte-oriented and lenient like browsers and pip: nothing
 * here validates a URL beyond what it must understand to split it, so a
 * space or a non-ASCII byte in a path is carried through untouched.
 */
#include "util/util.h"

#include <strings.h>

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':' */
static size_t scheme_len(const char *s, size_t len)
{
	size_t i;

	if (!len || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == ':')
			return i;
		if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' &&
		    c != '.')
			return 0;
	}
	return 0;
}

void url_split(const char *url, size_t len, struct url_parts *out)
{
	size_t i = 0, n, start;

	memset(out, 0, sizeof(*out));
	n = scheme_len(url, len);
	if (n) {
		out->has_scheme = true;
		out->scheme = cvl_str_of(url, n);
		i = n + 1;
	}
	if (len - i >= 2 && url[i] == '/' && url[i + 1] == '/') {
		size_t a, auth_end, at = SIZE_MAX, host_start, host_end;

		i += 2;
		a = i;
		while (i < len && url[i] != '/' && url[i] != '?' && url[i] != '#')
			i++;
		auth_end = i;
		out->has_authority = true;
		/* The last '@': passwords are often not percent-encoded. */
		for (n = a; n < auth_end; n++)
			if (url[n] == '@')
				at = n;
		if (at != SIZE_MAX) {
			out->has_userinfo = true;
			out->userinfo = cvl_str_of(url + a, at - a);
			host_start = at + 1;
		} else {
			host_start = a;
		}
		host_end = auth_end;
		if (host_start < auth_end && url[host_start] == '[') {
			/* IP literal: the port comes after the ']' */
			for (n = host_start; n < auth_end && url[n] != ']'; n++)
				;
			if (n < auth_end)
				n++;
			if (n < auth_end && url[n] == ':') {
				out->has_port = true;
				out->port = cvl_str_of(url + n + 1, auth_end - n - 1);
				host_end = n;
			}
		} else {
			for (n = auth_end; n > host_start; n--) {
				if (url[n - 1] == ':') {
					out->has_port = true;
					out->port = cvl_str_of(url + n, auth_end - n);
					host_end = n - 1;
					break;
				}
			}
		}
		out->host = cvl_str_of(url + host_start, host_end - host_start);
	}
	start = i;
	while (i < len && url[i] != '?' && url[i] != '#')
		i++;
	out->path = cvl_str_of(url + start, i - start);
	if (i < len && url[i] == '?') {
		start = ++i;
		while (i < len && url[i] != '#')
			i++;
		out->has_query = true;
		out->query = cvl_str_of(url + start, i - start);
	}
	if (i < len && url[i] == '#') {
		i++;
		out->has_fragment = true;
		out->fragment = cvl_str_of(url + i, len - i);
	}
}

bool url_is_absolute(const char *url)
{
	return scheme_len(url, strlen(url)) > 0;
}

/* Append the authority of `p` (with `userinfo` instead of its own). */
static void add_authority(struct strbuf *out, const struct url_parts *p,
			  bool with_userinfo)
{
	if (with_userinfo && p->has_userinfo) {
		strbuf_add(out, p->userinfo.p, p->userinfo.len);
		strbuf_addch(out, '@');
	}
	strbuf_add(out, p->host.p, p->host.len);
	if (p->has_port) {
		strbuf_addch(out, ':');
		strbuf_add(out, p->port.p, p->port.len);
	}
}

/*
 * RFC 3986 5.2.4: append the path `in` to `out` with its "." and ".."
 * segments removed.  `out` past its current length is the algorithm's
 * output buffer (".." never climbs into the scheme and authority).
 */
static void add_removing_dots(struct strbuf *out, const char *in, size_t len)
{
	size_t base = out->len;
	size_t i = 0;

	while (i < len) {
		const char *s = in + i;
		size_t rest = len - i;
		size_t seg;

		/* A. "../" or "./" prefix */
		if (rest >= 3 && !memcmp(s, "../", 3)) {
			i += 3;
			continue;
		}
		if (rest >= 2 && !memcmp(s, "./", 2)) {
			i += 2;
			continue;
		}
		/* B. "/./" or "/." as a complete segment */
		if (rest >= 3 && !memcmp(s, "/./", 3)) {
			i += 2;
			continue;
		}
		if (rest == 2 && !memcmp(s, "/.", 2)) {
			/* replace with "/" */
			strbuf_addch(out, '/');
			i += 2;
			continue;
		}
		/* C. "/../" or "/.." as a complete segment: drop the last output segment */
		if ((rest >= 4 && !memcmp(s, "/../", 4)) ||
		    (rest == 3 && !memcmp(s, "/..", 3))) {
			size_t k = out->len;

			while (k > base && out->buf[k - 1] != '/')
				k--;
			if (k > base)
				k--;
			strbuf_setlen(out, k);
			if (rest == 3) {
				strbuf_addch(out, '/');
				i += 3;
			} else {
				i += 3; /* leaves "/..." input starting with '/' */
			}
			continue;
		}
		/* D. "." or ".." alone */
		if ((rest == 1 && s[0] == '.') ||
		    (rest == 2 && !memcmp(s, "..", 2))) {
			i += rest;
			continue;
		}
		/* E. move the first segment (with its leading '/') */
		seg = s[0] == '/' ? 1 : 0;
		while (seg < rest && s[seg] != '/')
			seg++;
		strbuf_add(out, s, seg);
		i += seg;
	}
}

static void add_query_fragment(struct strbuf *out, bool has_query,
			       struct cvl_str query, bool has_fragment,
			       struct cvl_str fragment)
{
	if (has_query) {
		strbuf_addch(out, '?');
		strbuf_add(out, query.p, query.len);
	}
	if (has_fragment) {
		strbuf_addch(out, '#');
		strbuf_add(out, fragment.p, fragment.len);
	}
}

void url_resolve(const char *base, const char *ref, struct strbuf *out)
{
	struct url_parts b, r;
	struct strbuf merged = STRBUF_INIT;
	bool has_query;
	struct cvl_str query;

	url_split(base, strlen(base), &b);
	url_split(ref, strlen(ref), &r);

	/* 5.2.2, strict: a reference with a scheme is absolute */
	if (r.has_scheme) {
		strbuf_add(out, r.scheme.p, r.scheme.len);
		strbuf_addch(out, ':');
		if (r.has_authority) {
			strbuf_addstr(out, "//");
			add_authority(out, &r, true);
		}
		add_removing_dots(out, r.path.p, r.path.len);
		add_query_fragment(out, r.has_query, r.query, r.has_fragment,
				   r.fragment);
		return;
	}
	if (b.has_scheme) {
		strbuf_add(out, b.scheme.p, b.scheme.len);
		strbuf_addch(out, ':');
	}
	if (r.has_authority) {
		strbuf_addstr(out, "//");
		add_authority(out, &r, true);
		add_removing_dots(out, r.path.p, r.path.len);
		add_query_fragment(out, r.has_query, r.query, r.has_fragment,
				   r.fragment);
		return;
	}
	if (b.has_authority) {
		strbuf_addstr(out, "//");
		add_authority(out, &b, true);
	}
	if (!r.path.len) {
		strbuf_add(out, b.path.p, b.path.len);
		has_query = r.has_query || b.has_query;
		query = r.has_query ? r.query : b.query;
		add_query_fragment(out, has_query, query, r.has_fragment,
				   r.fragment);
		return;
	}
	if (r.path.p[0] == '/') {
		add_removing_dots(out, r.path.p, r.path.len);
	} else {
		/* 5.2.3 merge */
		if (b.has_authority && !b.path.len) {
			strbuf_addch(&merged, '/');
		} else {
			size_t k = b.path.len;

			while (k > 0 && b.path.p[k - 1] != '/')
				k--;
			strbuf_add(&merged, b.path.p, k);
		}
		strbuf_add(&merged, r.path.p, r.path.len);
		add_removing_dots(out, merged.buf, merged.len);
		strbuf_release(&merged);
	}
	add_query_fragment(out, r.has_query, r.query, r.has_fragment,
			   r.fragment);
}

/* Append `url` with its userinfo replaced by `userinfo` (or dropped). */
static void rebuild(const char *url, const struct url_parts *p,
		    const char *userinfo, struct strbuf *out)
{
	size_t len = strlen(url);
	size_t host_off;

	if (!p->has_userinfo) {
		strbuf_add(out, url, len);
		return;
	}
	/* everything up to the userinfo, then the rest from the host on */
	strbuf_add(out, url, (size_t)(p->userinfo.p - url));
	if (userinfo) {
		strbuf_addstr(out, userinfo);
		strbuf_addch(out, '@');
	}
	host_off = (size_t)(p->userinfo.p - url) + p->userinfo.len + 1;
	strbuf_add(out, url + host_off, len - host_off);
}

void url_redact(const char *url, struct strbuf *out)
{
	struct url_parts p;
	const char *colon;
	struct strbuf ui = STRBUF_INIT;

	url_split(url, strlen(url), &p);
	if (!p.has_userinfo) {
		strbuf_addstr(out, url);
		return;
	}
	colon = memchr(p.userinfo.p, ':', p.userinfo.len);
	if (colon) {
		strbuf_add(&ui, p.userinfo.p, (size_t)(colon - p.userinfo.p));
		strbuf_addstr(&ui, ":***");
	} else {
		/* a lone user part is often a token: hide it (as pip does) */
		strbuf_addstr(&ui, "***");
	}
	rebuild(url, &p, ui.buf, out);
	strbuf_release(&ui);
}

void url_strip_credentials(const char *url, struct strbuf *out)
{
	struct url_parts p;

	url_split(url, strlen(url), &p);
	rebuild(url, &p, NULL, out);
}

void url_strip_fragment(const char *url, struct strbuf *out)
{
	const char *hash = strchr(url, '#');

	strbuf_add(out, url, hash ? (size_t)(hash - url) : strlen(url));
}

bool url_fragment_get(struct cvl_str fragment, const char *key,
		      struct cvl_str *value)
{
	size_t klen = strlen(key);
	size_t i = 0;

	while (i <= fragment.len) {
		size_t end = i;

		while (end < fragment.len && fragment.p[end] != '&')
			end++;
		if (end - i > klen && fragment.p[i + klen] == '=' &&
		    !memcmp(fragment.p + i, key, klen)) {
			*value = cvl_str_of(fragment.p + i + klen + 1,
					    end - i - klen - 1);
			return true;
		}
		i = end + 1;
	}
	return false;
}

int url_percent_decode(const char *s, size_t len, struct strbuf *out,
		       struct cvl_error *err)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int hi, lo, c = (unsigned char)s[i];

		if (c == '%' && i + 2 < len) {
			/* an invalid escape stays as it is (Python's unquote) */
			hi = hex_value((unsigned char)s[i + 1]);
			lo = hex_value((unsigned char)s[i + 2]);
			if (hi >= 0 && lo >= 0) {
				c = hi * 16 + lo;
				i += 2;
			}
		}
		if (c == 0)
			return cvl_error_set(err, CVL_EINVAL,
					     "percent-encoded NUL byte in '%.*s'",
					     (int)(len > 200 ? 200 : len), s);
		strbuf_addch(out, c);
	}
	return 0;
}

int url_to_path(const char *url, struct strbuf *out, struct cvl_error *err)
{
	struct url_parts p;
	size_t start = out->len;
	int rc;

	url_split(url, strlen(url), &p);
	if (!p.has_scheme || p.scheme.len != 4 ||
	    strncasecmp(p.scheme.p, "file", 4))
		return cvl_error_set(err, CVL_EINVAL,
				     "expected a file:// URL, got '%s'", url);
	if (p.has_authority && p.host.len &&
	    !(p.host.len == 9 && !strncasecmp(p.host.p, "localhost", 9)))
		return cvl_error_set(err, CVL_EUNSUPPORTED,
				     "file URL '%s' names a remote host '%.*s'",
				     url, (int)p.host.len, p.host.p);
	if (p.has_userinfo || p.has_port)
		return cvl_error_set(err, CVL_EINVAL,
				     "file URL '%s' has credentials or a port",
				     url);
	if (!p.path.len || p.path.p[0] != '/')
		return cvl_error_set(err, CVL_EINVAL,
				     "file URL '%s' has no absolute path", url);
	rc = url_percent_decode(p.path.p, p.path.len, out, err);
	if (rc < 0)
		strbuf_setlen(out, start);
	return rc;
}

/* Bytes kept as they are in a path: unreserved, sub-delims, ':', '@', '/'. */
static bool path_safe(int c)
{
	return is_alpha(c) || is_digit(c) || strchr("-._~!$&'()*+,;=:@/", c);
}

int url_from_path(const char *path, struct strbuf *out, struct cvl_error *err)
{
	const char *p;

	if (path[0] != '/')
		return cvl_error_set(err, CVL_EINVAL,
				     "expected an absolute path, got '%s'", path);
	strbuf_addstr(out, "file://");
	for (p = path; *p; p++) {
		int c = (unsigned char)*p;

		if (c && path_safe(c))
			strbuf_addch(out, c);
		else
			strbuf_addf(out, "%%%02X", c);
	}
	return 0;
}

static bool url_unsafe(int c)
{
	switch (c) {
	case '"': case '<': case '>': case '\\': case '^': case '`':
	case '{': case '|': case '}':
		return true;
	default:
		return c <= 0x20 || c >= 0x7f;
	}
}

void url_encode_unsafe(const char *url, size_t len, struct strbuf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;

	while (i < len) {
		size_t run = i;
		int c;

		while (run < len && !url_unsafe((unsigned char)url[run]))
			run++;
		strbuf_add(out, url + i, run - i);
		if (run == len)
			break;
		c = (unsigned char)url[run];
		strbuf_addch(out, '%');
		strbuf_addch(out, hex[c >> 4]);
		strbuf_addch(out, hex[c & 15]);
		i = run + 1;
	}
}

/*
 * auth.c - credentials for index requests: from the userinfo of URLs and
 * from a netrc file.
 *
 * Credentials never travel inside a URL past this file: the transport
 * hands libcurl the URL without userinfo plus CURLOPT_USERNAME/PASSWORD,
 * and uses the clean URL for cache keys, final URLs and messages.
 */
#include "index/transport.h"

#include <ctype.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- URLs ---------------------------------------------------------------- */

static char *decode_part(struct cvl_str part)
{
	struct strbuf sb = STRBUF_INIT;

	/* a %00 in a user name or password: keep the text as written */
	if (url_percent_decode(part.p, part.len, &sb, NULL) < 0) {
		strbuf_reset(&sb);
		strbuf_add(&sb, part.p, part.len);
	}
	return strbuf_detach(&sb, NULL);
}

int tr_url_parse(struct tr_url *u, const char *url, struct cvl_error *err)
{
	struct url_parts p;
	struct strbuf sb = STRBUF_INIT, tmp = STRBUF_INIT;
	size_t i;

	memset(u, 0, sizeof(*u));
	u->port = -1;
	url_split(url, strlen(url), &p);
	if (!p.has_scheme)
		return cvl_error_set(err, CVL_EINVAL,
				     "expected an absolute URL, got '%.200s'", url);
	u->scheme = xmemdup0(p.scheme.p, p.scheme.len);
	for (i = 0; u->scheme[i]; i++)
		u->scheme[i] = (char)tolower((unsigned char)u->scheme[i]);
	if (p.has_userinfo) {
		const char *colon = memchr(p.userinfo.p, ':', p.userinfo.len);

		if (colon) {
			u->user = decode_part(cvl_str_of(p.userinfo.p,
							 (size_t)(colon - p.userinfo.p)));
			u->password = decode_part(cvl_str_of(colon + 1,
							     p.userinfo.len - (size_t)(colon + 1 - p.userinfo.p)));
		} else {
			u->user = decode_part(p.userinfo);
		}
	}
	if (p.host.len >= 2 && p.host.p[0] == '[' && p.host.p[p.host.len - 1] == ']')
		u->host = xmemdup0(p.host.p + 1, p.host.len - 2);
	else
		u->host = xmemdup0(p.host.p, p.host.len);
	for (i = 0; u->host[i]; i++)
		u->host[i] = (char)tolower((unsigned char)u->host[i]);
	if (p.has_port && p.port.len) {
		long port = 0;

		for (i = 0; i < p.port.len; i++) {
			if (!isdigit((unsigned char)p.port.p[i]) || port > 65535)
				break;
			port = port * 10 + (p.port.p[i] - '0');
		}
		if (i < p.port.len || port > 65535) {
			tr_url_release(u);
			return cvl_error_set(err, CVL_EINVAL,
					     "expected a port number after ':' in the host of '%.200s'",
					     url);
		}
		u->port = port;
	}
	/* the fragment never goes to a server (and #sha256= is not a key) */
	url_strip_credentials(url, &tmp);
	url_strip_fragment(tmp.buf, &sb);
	strbuf_release(&tmp);
	u->clean = strbuf_detach(&sb, NULL);
	return 0;
}

void tr_url_release(struct tr_url *u)
{
	free(u->scheme);
	free(u->user);
	if (u->password) {
		/* do not leave a secret behind in freed memory */
		memset(u->password, 0, strlen(u->password));
		free(u->password);
	}
	free(u->host);
	free(u->clean);
	memset(u, 0, sizeof(*u));
	u->port = -1;
}

/* ---- netrc --------------------------------------------------------------- */

/*
 * A tokenizer with Python's netrc lexer rules: tokens are separated by
 * whitespace; a token may be double-quoted; a backslash escapes the next
 * character (inside and outside quotes).
 */
struct nlex {
	const char *p, *end;
	int line;
};

static void nlex_skip_space(struct nlex *lx)
{
	while (lx->p < lx->end && isspace((unsigned char)*lx->p)) {
		if (*lx->p == '\n')
			lx->line++;
		lx->p++;
	}
}

/* Next token into `tok`; false at the end.  *line is the token's line. */
static bool nlex_next(struct nlex *lx, struct strbuf *tok, int *line)
{
	strbuf_reset(tok);
	nlex_skip_space(lx);
	if (lx->p >= lx->end)
		return false;
	*line = lx->line;
	if (*lx->p == '"') {
		lx->p++;
		while (lx->p < lx->end && *lx->p != '"') {
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			if (*lx->p == '\n')
				lx->line++;
			strbuf_addch(tok, *lx->p);
			lx->p++;
		}
		if (lx->p < lx->end)
			lx->p++; /* closing quote */
		return true;
	}
	while (lx->p < lx->end && !isspace((unsigned char)*lx->p)) {
		if (*lx->p == '\\' && lx->p + 1 < lx->end)
			lx->p++;
		strbuf_addch(tok, *lx->p);
		lx->p++;
	}
	return true;
}

/* Skip to the start of the next line. */
static void nlex_skip_line(struct nlex *lx)
{
	while (lx->p < lx->end && *lx->p != '\n')
		lx->p++;
	if (lx->p < lx->end) {
		lx->p++;
		lx->line++;
	}
}

/* Skip a macdef body: lines up to (and including) an empty one. */
static void nlex_skip_macro(struct nlex *lx)
{
	nlex_skip_line(lx); /* the rest of the macdef line */
	while (lx->p < lx->end) {
		const char *q = lx->p;
		bool blank = true;

		while (q < lx->end && *q != '\n') {
			if (!isspace((unsigned char)*q))
				blank = false;
			q++;
		}
		nlex_skip_line(lx);
		if (blank)
			break;
	}
}

static bool is_keyword(const char *t)
{
	return !strcmp(t, "machine") || !strcmp(t, "default") ||
	       !strcmp(t, "macdef");
}

static void free_secret(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

static int netrc_error(struct cvl_error *err, const char *file, int line,
		       const char *fmt, const char *tok)
{
	int rc = cvl_error_set(err, CVL_EINVAL, fmt, tok);

	cvl_error_file(err, file ? file : "netrc");
	cvl_error_at(err, line, 0);
	return rc;
}

int idx_netrc_parse(struct idx_netrc *n, const char *text, size_t len,
		    const char *file, struct cvl_error *err)
{
	struct nlex lx = { text, text + len, 1 };
	struct strbuf tok = STRBUF_INIT;
	int line = 1, rc = 0;
	bool have = nlex_next(&lx, &tok, &line);

	while (have) {
		struct idx_netrc_entry e = { NULL, NULL, NULL };
		size_t i;

		if (tok.buf[0] == '#') {
			/* a comment runs to the end of its line */
			if (lx.line == line)
				nlex_skip_line(&lx);
			have = nlex_next(&lx, &tok, &line);
			continue;
		}
		if (!strcmp(tok.buf, "macdef")) {
			nlex_skip_macro(&lx);
			have = nlex_next(&lx, &tok, &line);
			continue;
		}
		if (!strcmp(tok.buf, "machine")) {
			if (!nlex_next(&lx, &tok, &line)) {
				rc = netrc_error(err, file, lx.line,
						 "expected a host name after '%s'",
						 "machine");
				break;
			}
			e.machine = xstrdup(tok.buf);
		} else if (strcmp(tok.buf, "default")) {
			rc = netrc_error(err, file, line,
					 "expected 'machine', 'default' or 'macdef', got '%.100s'",
					 tok.buf);
			break;
		}
		/* follower tokens up to the next top-level keyword */
		have = nlex_next(&lx, &tok, &line);
		while (have && !is_keyword(tok.buf)) {
			char **slot = NULL;
			char kw[16];

			if (tok.buf[0] == '#') {
				if (lx.line == line)
					nlex_skip_line(&lx);
				have = nlex_next(&lx, &tok, &line);
				continue;
			}
			if (!strcmp(tok.buf, "login") || !strcmp(tok.buf, "user")) {
				slot = &e.login;
			} else if (!strcmp(tok.buf, "password")) {
				slot = &e.password;
			} else if (strcmp(tok.buf, "account")) {
				rc = netrc_error(err, file, line,
						 "expected 'login', 'password' or 'account', got '%.100s'",
						 tok.buf);
				break;
			}
			snprintf(kw, sizeof(kw), "%s", tok.buf);
			if (!nlex_next(&lx, &tok, &line)) {
				rc = netrc_error(err, file, lx.line,
						 "expected a value after '%s'", kw);
				break;
			}
			if (slot) {
				free_secret(*slot);
				*slot = xstrdup(tok.buf);
			}
			have = nlex_next(&lx, &tok, &line);
		}
		if (rc) {
			free(e.machine);
			free(e.login);
			free_secret(e.password);
			break;
		}
		/* a later entry for the same machine replaces it (Python's dict) */
		for (i = 0; i < n->nr; i++) {
			struct idx_netrc_entry *o = &n->entries[i];

			if ((!o->machine && !e.machine) ||
			    (o->machine && e.machine && !strcmp(o->machine, e.machine))) {
				free(o->machine);
				free(o->login);
				free_secret(o->password);
				*o = e;
				break;
			}
		}
		if (i == n->nr) {
			ALLOC_GROW(n->entries, n->nr + 1, n->alloc);
			n->entries[n->nr++] = e;
		}
	}
	/* the token buffer may have held a password */
	memset(tok.buf, 0, tok.alloc ? tok.alloc : 0);
	strbuf_release(&tok);
	return rc;
}

const struct idx_netrc_entry *idx_netrc_lookup(const struct idx_netrc *n,
					       const char *host)
{
	const struct idx_netrc_entry *def = NULL;
	size_t i;

	for (i = 0; i < n->nr; i++) {
		const struct idx_netrc_entry *e = &n->entries[i];

		if (!e->machine)
			def = e;
		else if (host && !strcasecmp(e->machine, host))
			return e;
	}
	return def;
}

void idx_netrc_release(struct idx_netrc *n)
{
	size_t i;

	for (i = 0; i < n->nr; i++) {
		free(n->entries[i].machine);
		free(n->entries[i].login);
		free_secret(n->entries[i].password);
	}
	free(n->entries);
	n->entries = NULL;
	n->nr = n->alloc = 0;
}

/* ---- per-transport credentials ------------------------------------------ */

/* A netrc file larger than this is refused. */
#define NETRC_MAX (1u << 20)

int tr_auth_init(struct tr_auth *a, const char *netrc_path,
		 struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	struct stat st;
	ssize_t nread;
	int fd, rc;

	memset(a, 0, sizeof(*a));
	if (!netrc_path || !*netrc_path)
		return 0;
	fd = open(netrc_path, O_RDONLY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return cvl_error_set(err, CVL_EIO, "cannot read netrc file '%s': %s",
				     netrc_path, strerror(errno));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return cvl_error_set(err, CVL_EIO,
				     "cannot read netrc file '%s': it is a directory",
				     netrc_path);
	}
	for (;;) {
		nread = read(fd, buf, sizeof(buf));
		if (nread < 0 && errno == EINTR)
			continue;
		if (nread <= 0)
			break;
		if (sb.len + (size_t)nread > NETRC_MAX) {
			close(fd);
			strbuf_release(&sb);
			return cvl_error_set(err, CVL_ETOOBIG,
					     "netrc file '%s' is larger than 1 MiB",
					     netrc_path);
		}
		strbuf_add(&sb, buf, (size_t)nread);
	}
	if (nread < 0) {
		int e = errno;

		close(fd);
		strbuf_release(&sb);
		return cvl_error_set(err, CVL_EIO, "cannot read netrc file '%s': %s",
				     netrc_path, strerror(e));
	}
	close(fd);
	rc = idx_netrc_parse(&a->netrc, sb.buf, sb.len, netrc_path, err);
	memset(sb.buf, 0, sb.len);
	memset(buf, 0, sizeof(buf));
	strbuf_release(&sb);
	if (rc)
		idx_netrc_release(&a->netrc);
	return rc;
}

void tr_auth_release(struct tr_auth *a)
{
	size_t i;

	for (i = 0; i < a->nr; i++) {
		free(a->creds[i].hostport);
		free(a->creds[i].user);
		free_secret(a->creds[i].password);
	}
	free(a->creds);
	idx_netrc_release(&a->netrc);
	memset(a, 0, sizeof(*a));
}

static char *hostport(const struct tr_url *u)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, u->host);
	if (u->port >= 0)
		strbuf_addf(&sb, ":%ld", u->port);
	return strbuf_detach(&sb, NULL);
}

void tr_auth_learn(struct tr_auth *a, const struct tr_url *u)
{
	char *hp;
	size_t i;

	if (!u->user || !*u->host)
		return;
	hp = hostport(u);
	for (i = 0; i < a->nr; i++)
		if (!strcmp(a->creds[i].hostport, hp))
			break;
	if (i < a->nr) {
		/* the first URL that names credentials for a host wins */
		free(hp);
		return;
	}
	ALLOC_GROW(a->creds, a->nr + 1, a->alloc);
	a->creds[a->nr].hostport = hp;
	a->creds[a->nr].user = xstrdup(u->user);
	a->creds[a->nr].password = xstrdup(u->password ? u->password : "");
	a->nr++;
}

bool tr_auth_lookup(const struct tr_auth *a, const struct tr_url *u,
		    const char **user, const char **password)
{
	const struct idx_netrc_entry *ne;
	char *hp;
	size_t i;

	if (u->user) {
		*user = u->user;
		*password = u->password ? u->password : "";
		return true;
	}
	if (!*u->host)
		return false;
	hp = hostport(u);
	for (i = 0; i < a->nr; i++) {
		if (!strcmp(a->creds[i].hostport, hp)) {
			free(hp);
			*user = a->creds[i].user;
			*password = a->creds[i].password;
			return true;
		}
	}
	free(hp);
	ne = idx_netrc_lookup(&a->netrc, u->host);
	if (ne && (ne->login || ne->password)) {
		*user = ne->login ? ne->login : "";
		*password = ne->password ? ne->password : "";
		return true;
	}
	return false;
}

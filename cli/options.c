/* options.c - table-driven long/short option parsing for subcommands */
#include "cli/cli.h"

static const struct cvl_option *find_long(const struct cvl_option *opts,
					  size_t nopts, const char *name,
					  size_t len)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (opts[i].long_name && strlen(opts[i].long_name) == len &&
		    !memcmp(opts[i].long_name, name, len))
			return &opts[i];
	return NULL;
}

static const struct cvl_option *find_short(const struct cvl_option *opts,
					   size_t nopts, char c)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (opts[i].short_name && opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

static int usage_error(const char *cmd, const char *fmt, const char *what)
{
	fputs("error: ", stderr);
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\nhint: see 'cvlock %s --help'\n", cmd);
	return EXIT_USAGE;
}

int cvl_parse_options(struct cvl_ctx *ctx, const char *cmd, int argc,
		      char **argv, const struct cvl_option *opts, size_t nopts,
		      cvl_option_cb cb, void *data, int *npos)
{
	int i, n = 0, r;
	bool only_pos = false;

	(void)ctx;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct cvl_option *o;
		const char *value = NULL;

		if (only_pos || a[0] != '-' || !a[1]) {
			argv[n++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			if (len == 4 && !memcmp(name, "help", 4) && !eq) {
				r = cb(OPT_HELP, NULL, data);
				if (r)
					return r;
				continue;
			}
			o = find_long(opts, nopts, name, len);
			if (!o)
				return usage_error(cmd, "unknown option '%s'", a);
			if (o->argtype == OPT_FLAG) {
				if (eq)
					return usage_error(cmd, "option '--%s' takes no value", o->long_name);
			} else if (eq) {
				value = eq + 1;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				return usage_error(cmd, "option '--%s' needs a value", o->long_name);
			}
			r = cb(o->id, value, data);
			if (r)
				return r;
			continue;
		}
		/* one or more short options: -q, -vv, -oFILE, -o FILE */
		for (const char *p = a + 1; *p; p++) {
			char opt[3] = { '-', *p, '\0' };

			if (*p == 'h') {
				r = cb(OPT_HELP, NULL, data);
				if (r)
					return r;
				continue;
			}
			o = find_short(opts, nopts, *p);
			if (!o)
				return usage_error(cmd, "unknown option '%s'", opt);
			if (o->argtype == OPT_VALUE) {
				if (p[1])
					value = p + 1;
				else if (i + 1 < argc)
					value = argv[++i];
				else
					return usage_error(cmd, "option '%s' needs a value", opt);
				r = cb(o->id, value, data);
				if (r)
					return r;
				break;
			}
			r = cb(o->id, NULL, data);
			if (r)
				return r;
		}
	}
	*npos = n;
	return 0;
}

void cvl_print_usage(const char *cmd, const char *synopsis, const char *summary,
		     const struct cvl_option *opts, size_t nopts)
{
	size_t i;

	printf("usage: cvlock %s %s\n\n%s\n", cmd, synopsis, summary);
	printf("\noptions:\n");
	for (i = 0; i < nopts; i++) {
		char left[64];

		if (opts[i].short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", opts[i].short_name,
				 opts[i].long_name,
				 opts[i].argtype == OPT_VALUE ? " " : "",
				 opts[i].argtype == OPT_VALUE ? opts[i].metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", opts[i].long_name,
				 opts[i].argtype == OPT_VALUE ? " " : "",
				 opts[i].argtype == OPT_VALUE ? opts[i].metavar : "");
		printf("  %-30s %s\n", left, opts[i].help);
	}
	printf("  %-30s %s\n", "-h, --help", "show this help");
}

void cvl_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cvl_warnf(const char *fmt, ...)
{
	va_list ap;

	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cvl_report(struct cvl_ctx *ctx, const struct cvl_error *err)
{
	(void)ctx;
	if (err->file[0] && err->line)
		fprintf(stderr, "error: %s:%d:%d: %s\n", err->file, err->line,
			err->column, err->msg);
	else if (err->file[0])
		fprintf(stderr, "error: %s: %s\n", err->file, err->msg);
	else
		fprintf(stderr, "error: %s\n", err->msg);
	if (err->hint[0])
		fprintf(stderr, "hint: %s\n", err->hint);
}

int cvl_exit_status(int code)
{
	return cvl_errcode_exit_status(code);
}

int cvl_parse_format(const char *value, bool *json)
{
	if (!strcmp(value, "json")) {
		*json = true;
		return 0;
	}
	if (!strcmp(value, "text")) {
		*json = false;
		return 0;
	}
	cvl_errorf("unknown format '%s'", value);
	fprintf(stderr, "hint: expected 'text' or 'json'\n");
	return EXIT_USAGE;
}

struct cvl_option *cvl_options_join(const struct cvl_option *a, size_t na,
				    const struct cvl_option *b, size_t nb,
				    size_t *total)
{
	struct cvl_option *all = xmalloc((na + nb) * sizeof(*all));

	if (na)
		memcpy(all, a, na * sizeof(*all));
	if (nb)
		memcpy(all + na, b, nb * sizeof(*all));
	*total = na + nb;
	return all;
}

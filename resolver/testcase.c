/*
 * testcase.c - resolver testcase files (tests/resolver/TOPIC/NAME.t).
 *
 * A line-based format; '#' starts a comment line, blank lines are skipped:
 *
 *     target cp 3.12.1 linux_x86_64      implementation, python, platform
 *                                        (default: cp 3.12.0 linux_x86_64)
 *     env VARIABLE VALUE                 one marker variable (after target)
 *     python VERSION                     the Python that Requires-Python
 *                                        is checked against
 *     package NAME VERSION [ATTR...]     one candidate; ATTR is one of
 *                                        yanked, requires-python=SPEC,
 *                                        upload=SECONDS, wheel=no, sdist=no
 *       requires REQ                     a Requires-Dist of the last package
 *       extra NAME                       a Provides-Extra of the last package
 *     series NAME PREFIX COUNT [ATTR...] versions PREFIX.0 .. PREFIX.COUNT-1
 *                                        (existing ones are left alone); its
 *                                        "requires" lines apply to each, with
 *                                        {i}, {i*K}, {i+M}, {i*K+M} replaced
 *                                        by the computed number
 *     require REQ                        a root requirement
 *     constrain REQ / override REQ
 *     lock NAME VERSION / upgrade NAME / upgrade :all:
 *     option resolution highest|lowest|lowest-direct
 *     option prerelease if-necessary|allow|disallow
 *     option exclude-newer SECONDS / option window N
 *     option no-binary NAMES / option only-binary NAMES
 *                                        pip's values (a,b / :all: /
 *                                        :none:), applied in order
 *     option show-loads                  print metadata loads and solver rounds
 *     option derivation                  with no solution, also every
 *                                        problem rule (cvlock resolve -v)
 *     result                             the rest of the file is the
 *                                        expected output, byte for byte
 *
 * The output is res_result_format()'s lines (then "loads N" with
 * show-loads), or the explanation when there is no solution.
 */
#include "resolver/internal.h"

struct tc_parse {
	struct res_testcase *tc;
	struct res_candidate **cur; /* the last package or series */
	size_t ncur, acur;
	long series_start;
	bool is_series;
	int lineno;
	struct cvl_error *err;
};

static int tc_fail(struct tc_parse *tp, const char *what, const char *line)
{
	return cvl_error_set(tp->err, CVL_EINVAL, "%s at line %d: '%s'", what,
			     tp->lineno, line);
}

static bool parse_long(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && end != s && !*end;
}

/* Replace {i...} forms with the number for series member i. */
static int expand(const char *tmpl, long i, struct strbuf *out)
{
	const char *p = tmpl;

	while (*p) {
		long mul = 1, add = 0;
		char *end;

		if (*p != '{') {
			strbuf_addch(out, *p++);
			continue;
		}
		p++;
		if (*p++ != 'i')
			return -1;
		if (*p == '*') {
			mul = strtol(p + 1, &end, 10);
			p = end;
		}
		if (*p == '+') {
			add = strtol(p + 1, &end, 10);
			p = end;
		}
		/* bounded so that i * mul + add cannot overflow */
		if (*p++ != '}' || mul < 0 || mul > 1000000 || add < 0 ||
		    add > 1000000000)
			return -1;
		strbuf_addf(out, "%ld", i * mul + add);
	}
	return 0;
}

static int attrs(struct tc_parse *tp, struct res_candidate *c,
		 struct strvec *w, size_t from, const char *line)
{
	size_t i;

	for (i = from; i < w->nr; i++) {
		const char *a = w->v[i];
		long n;

		if (!strcmp(a, "yanked")) {
			c->yanked = true;
		} else if (!strncmp(a, "requires-python=", 16)) {
			free(c->requires_python);
			c->requires_python = xstrdup(a + 16);
		} else if (!strncmp(a, "upload=", 7) &&
			   parse_long(a + 7, &n)) {
			c->upload_time = n;
		} else if (!strcmp(a, "wheel=no")) {
			c->has_wheel = false;
		} else if (!strcmp(a, "sdist=no")) {
			c->has_sdist = false;
		} else {
			return tc_fail(tp, "unknown package attribute", line);
		}
	}
	return 0;
}

static void split_words(const char *s, struct strvec *out)
{
	while (*s) {
		const char *e;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		e = s;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		strvec_pushn(out, s, (size_t)(e - s));
		s = e;
	}
}

static int tc_line(struct tc_parse *tp, const char *line)
{
	struct res_testcase *tc = tp->tc;
	struct strvec w = STRVEC_INIT;
	const char *rest;
	int ret = 0;
	size_t i;
	long n;

	split_words(line, &w);
	if (!w.nr)
		goto out;
	rest = strstr(line, w.v[0]) + strlen(w.v[0]);
	while (*rest == ' ' || *rest == '\t')
		rest++;

	if (!strcmp(w.v[0], "target") && w.nr == 4) {
		struct pep_target t;
		int parts[3] = { 0, 0, 0 };
		const char *p = w.v[2];
		int k = 0;

		memset(&t, 0, sizeof(t));
		snprintf(t.implementation, sizeof(t.implementation), "%s",
			 w.v[1]);
		while (*p && k < 3) {
			parts[k] = (int)strtol(p, (char **)&p, 10);
			k++;
			if (*p == '.')
				p++;
		}
		memcpy(t.python, parts, sizeof(parts));
		snprintf(t.platform, sizeof(t.platform), "%s", w.v[3]);
		snprintf(tc->python, sizeof(tc->python), "%d.%d.%d", parts[0],
			 parts[1], parts[2]);
		ret = pep_target_env(&t, &tc->env, &tc->storage, tp->err);
	} else if (!strcmp(w.v[0], "env") && w.nr >= 2) {
		const char *value = rest + strlen(w.v[1]);
		int k;

		while (*value == ' ' || *value == '\t')
			value++;
		for (k = 0; k < PEP_ENV_NSTRVARS; k++)
			if (!strcmp(pep_env_var_name((enum pep_env_var)k), w.v[1]))
				break;
		if (k == PEP_ENV_NSTRVARS)
			ret = tc_fail(tp, "unknown marker variable", line);
		else
			tc->env.var[k] = arena_strndup(&tc->storage, value,
						       strlen(value));
	} else if (!strcmp(w.v[0], "python") && w.nr == 2) {
		snprintf(tc->python, sizeof(tc->python), "%s", w.v[1]);
	} else if (!strcmp(w.v[0], "package") && w.nr >= 3) {
		struct res_candidate *c = res_memory_get(tc->src, w.v[1], w.v[2]);

		if (c)
			ret = tc_fail(tp, "duplicate package", line);
		else {
			c = res_memory_add(tc->src, w.v[1], w.v[2]);
			tp->ncur = 0;
			tp->is_series = false;
			ALLOC_GROW(tp->cur, 1, tp->acur);
			tp->cur[tp->ncur++] = c;
			ret = attrs(tp, c, &w, 3, line);
		}
	} else if (!strcmp(w.v[0], "series") && w.nr >= 4 &&
		   parse_long(w.v[3], &n) && n >= 0 && n <= 100000) {
		struct strbuf v = STRBUF_INIT;

		tp->ncur = 0;
		tp->is_series = true;
		for (i = 0; i < (size_t)n && !ret; i++) {
			struct res_candidate *c;

			strbuf_reset(&v);
			strbuf_addf(&v, "%s.%zu", w.v[2], i);
			c = res_memory_get(tc->src, w.v[1], v.buf);
			ALLOC_GROW(tp->cur, tp->ncur + 1, tp->acur);
			if (c) {
				tp->cur[tp->ncur++] = NULL;
				continue;
			}
			c = res_memory_add(tc->src, w.v[1], v.buf);
			tp->cur[tp->ncur++] = c;
			ret = attrs(tp, c, &w, 4, line);
		}
		strbuf_release(&v);
	} else if (!strcmp(w.v[0], "requires") && w.nr >= 2) {
		struct strbuf req = STRBUF_INIT;

		if (!tp->ncur)
			ret = tc_fail(tp, "requires without a package", line);
		for (i = 0; i < tp->ncur && !ret; i++) {
			if (!tp->cur[i])
				continue;
			strbuf_reset(&req);
			if (expand(rest, (long)i, &req) < 0) {
				ret = tc_fail(tp, "bad {i} expression", line);
				break;
			}
			ret = res_candidate_add_requirement(tp->cur[i], req.buf,
							    req.len, tp->err);
		}
		strbuf_release(&req);
	} else if (!strcmp(w.v[0], "extra") && w.nr == 2) {
		if (!tp->ncur)
			ret = tc_fail(tp, "extra without a package", line);
		for (i = 0; i < tp->ncur; i++)
			if (tp->cur[i])
				strvec_push(&tp->cur[i]->provides_extra, w.v[1]);
	} else if (!strcmp(w.v[0], "require") && w.nr >= 2) {
		ret = res_options_add_root(&tc->opts, rest, tp->err);
	} else if (!strcmp(w.v[0], "constrain") && w.nr >= 2) {
		ret = res_options_add_constraint(&tc->opts, rest, tp->err);
	} else if (!strcmp(w.v[0], "override") && w.nr >= 2) {
		ret = res_options_add_override(&tc->opts, rest, tp->err);
	} else if (!strcmp(w.v[0], "lock") && w.nr == 3) {
		res_options_add_locked(&tc->opts, w.v[1], w.v[2]);
	} else if (!strcmp(w.v[0], "upgrade") && w.nr == 2) {
		if (!strcmp(w.v[1], ":all:"))
			tc->opts.upgrade_all = true;
		else
			res_options_add_upgrade(&tc->opts, w.v[1]);
	} else if (!strcmp(w.v[0], "option") && w.nr >= 2) {
		const char *o = w.v[1], *v = w.nr > 2 ? w.v[2] : "";

		if (!strcmp(o, "resolution") &&
		    pep_resolution_mode_parse(v, strlen(v), &tc->opts.resolution))
			;
		else if (!strcmp(o, "prerelease") &&
			 pep_prerelease_mode_parse(v, strlen(v),
						   &tc->opts.prerelease))
			;
		else if (!strcmp(o, "exclude-newer") && parse_long(v, &n))
			tc->opts.exclude_newer = n;
		else if (!strcmp(o, "window") && parse_long(v, &n) && n > 0)
			tc->opts.window = (size_t)n;
		else if (!strcmp(o, "no-binary") && w.nr == 3 &&
			 !pep_format_control_check(v, strlen(v), NULL))
			pep_format_control_apply(&tc->opts.no_binary,
						 &tc->opts.only_binary, v);
		else if (!strcmp(o, "only-binary") && w.nr == 3 &&
			 !pep_format_control_check(v, strlen(v), NULL))
			pep_format_control_apply(&tc->opts.only_binary,
						 &tc->opts.no_binary, v);
		else if (!strcmp(o, "show-loads"))
			tc->show_loads = true;
		else if (!strcmp(o, "derivation"))
			tc->opts.derivation = true;
		else
			ret = tc_fail(tp, "unknown option", line);
	} else {
		ret = tc_fail(tp, "cannot parse line", line);
	}
out:
	strvec_clear(&w);
	return ret;
}

int res_testcase_parse(struct res_testcase *tc, const char *buf, size_t len,
		       struct cvl_error *err)
{
	struct tc_parse tp;
	struct pep_target t;
	size_t pos = 0;
	int ret = 0;

	memset(tc, 0, sizeof(*tc));
	memset(&tp, 0, sizeof(tp));
	tp.tc = tc;
	tp.err = err;
	tc->src = res_source_memory();
	res_options_init(&tc->opts);
	memset(&t, 0, sizeof(t));
	memcpy(t.implementation, "cp", 3);
	t.python[0] = 3;
	t.python[1] = 12;
	memcpy(t.platform, "linux_x86_64", 13);
	snprintf(tc->python, sizeof(tc->python), "3.12.0");
	ret = pep_target_env(&t, &tc->env, &tc->storage, err);
	while (!ret && pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		char *line = xmemdup0(buf + pos, end - pos);

		tp.lineno++;
		pos = nl ? end + 1 : len;
		if (!strcmp(line, "result")) {
			free(line);
			tc->header_len = pos;
			tc->expected = xmemdup0(buf + pos, len - pos);
			break;
		}
		if (line[0] != '#')
			ret = tc_line(&tp, line);
		free(line);
	}
	free(tp.cur);
	if (!ret && !tc->expected) {
		tc->header_len = len;
		tc->expected = xstrdup("");
	}
	tc->opts.env = &tc->env;
	tc->opts.python = tc->python;
	return ret;
}

int res_testcase_run(struct res_testcase *tc, struct strbuf *out,
		     struct cvl_error *err)
{
	struct res_result result;
	struct strbuf why = STRBUF_INIT;
	int ret = res_resolve(&tc->opts, tc->src, &result, &why, err);

	if (ret == 0)
		res_result_format(&result, out);
	else if (ret == -CVL_EUNSAT)
		strbuf_add(out, why.buf, why.len);
	else
		strbuf_addf(out, "error: %s\n", err->msg);
	if (tc->show_loads)
		strbuf_addf(out, "loads %zu, rounds %zu\n", result.nloaded,
			    result.rounds);
	res_result_release(&result);
	strbuf_release(&why);
	(void)ret; /* failures are part of the output */
	return 0;
}

void res_testcase_release(struct res_testcase *tc)
{
	res_source_free(tc->src);
	res_options_release(&tc->opts);
	arena_release(&tc->storage);
	free(tc->expected);
	memset(tc, 0, sizeof(*tc));
}

/* ---- writing --------------------------------------------------------- */

static void write_reqs(const char *word, const struct pep_requirement *r,
		       size_t n, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_addf(out, "%s ", word);
		pep_requirement_format(&r[i], out);
		strbuf_addch(out, '\n');
	}
}

static void write_candidate(const struct res_candidate *c, struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, "package %s %s", c->name, c->version_str);
	if (c->yanked)
		strbuf_addstr(out, " yanked");
	if (c->requires_python) {
		const char *p;

		strbuf_addstr(out, " requires-python=");
		for (p = c->requires_python; *p; p++)
			if (*p != ' ' && *p != '\t')
				strbuf_addch(out, *p);
	}
	if (c->upload_time >= 0)
		strbuf_addf(out, " upload=%lld", (long long)c->upload_time);
	if (!c->has_wheel)
		strbuf_addstr(out, " wheel=no");
	if (!c->has_sdist)
		strbuf_addstr(out, " sdist=no");
	strbuf_addch(out, '\n');
	for (i = 0; i < c->provides_extra.nr; i++)
		strbuf_addf(out, "  extra %s\n", c->provides_extra.v[i]);
	for (i = 0; i < c->nrequires; i++) {
		strbuf_addstr(out, "  requires ");
		pep_requirement_format(&c->requires[i], out);
		strbuf_addch(out, '\n');
	}
}

static int cmp_pkg_name(const void *a, const void *b)
{
	const struct rpkg *x = *(struct rpkg *const *)a;
	const struct rpkg *y = *(struct rpkg *const *)b;

	return strcmp(x->p.name, y->p.name);
}

void res_testcase_write(const struct res_options *opts,
			const struct res_result *result, const char *why,
			struct strbuf *out)
{
	struct res_state *st = res_result_state(result);
	struct rpkg **sorted = NULL;
	size_t i, k;
	int v;

	strbuf_addstr(out, "# written by cvlock resolve --write-testcase\n");
	if (opts->env)
		for (v = 0; v < PEP_ENV_NSTRVARS; v++)
			if (v != PEP_ENV_EXTRA && opts->env->var[v])
				strbuf_addf(out, "env %s%s%s\n",
					    pep_env_var_name((enum pep_env_var)v),
					    *opts->env->var[v] ? " " : "",
					    opts->env->var[v]);
	if (opts->python)
		strbuf_addf(out, "python %s\n", opts->python);
	if (st && st->npkgs) {
		sorted = xcalloc(st->npkgs, sizeof(*sorted));
		memcpy(sorted, st->pkgs, st->npkgs * sizeof(*sorted));
		qsort(sorted, st->npkgs, sizeof(*sorted), cmp_pkg_name);
		for (i = 0; i < st->npkgs; i++)
			for (k = 0; k < sorted[i]->p.ncands; k++)
				write_candidate(sorted[i]->p.cands[k], out);
		free(sorted);
	}
	write_reqs("require", opts->roots, opts->nroots, out);
	write_reqs("constrain", opts->constraints, opts->nconstraints, out);
	write_reqs("override", opts->overrides, opts->noverrides, out);
	for (i = 0; i < opts->nlocked; i++)
		strbuf_addf(out, "lock %s %s\n", opts->locked[i].name,
			    opts->locked[i].version);
	if (opts->upgrade_all)
		strbuf_addstr(out, "upgrade :all:\n");
	for (i = 0; i < opts->upgrade.nr; i++)
		strbuf_addf(out, "upgrade %s\n", opts->upgrade.v[i]);
	strbuf_addf(out, "option resolution %s\n",
		    pep_resolution_mode_name(opts->resolution));
	strbuf_addf(out, "option prerelease %s\n",
		    pep_prerelease_mode_name(opts->prerelease));
	if (opts->exclude_newer)
		strbuf_addf(out, "option exclude-newer %lld\n",
			    (long long)opts->exclude_newer);
	if (opts->window)
		strbuf_addf(out, "option window %zu\n", opts->window);
	if (opts->derivation)
		strbuf_addstr(out, "option derivation\n");
	if (opts->no_binary_all)
		strbuf_addstr(out, "option no-binary :all:\n");
	if (opts->only_binary_all)
		strbuf_addstr(out, "option only-binary :all:\n");
	/* applied in order: ":all:" (which clears both sets) first */
	for (i = 0; i < opts->no_binary.nr; i++)
		if (!strcmp(opts->no_binary.v[i], ":all:"))
			strbuf_addstr(out, "option no-binary :all:\n");
	for (i = 0; i < opts->only_binary.nr; i++)
		if (!strcmp(opts->only_binary.v[i], ":all:"))
			strbuf_addstr(out, "option only-binary :all:\n");
	for (i = 0; i < opts->no_binary.nr; i++)
		if (strcmp(opts->no_binary.v[i], ":all:"))
			strbuf_addf(out, "option no-binary %s\n",
				    opts->no_binary.v[i]);
	for (i = 0; i < opts->only_binary.nr; i++)
		if (strcmp(opts->only_binary.v[i], ":all:"))
			strbuf_addf(out, "option only-binary %s\n",
				    opts->only_binary.v[i]);
	strbuf_addstr(out, "result\n");
	if (why && *why)
		strbuf_addstr(out, why);
	else
		res_result_format(result, out);
}

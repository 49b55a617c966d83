/*
 * cmd_merge_driver.c - cvlock merge-driver: git's custom merge driver for
 * pylock.toml.
 *
 *     # .gitattributes
 *     pylock.toml merge=cvlock
 *     # git config
 *     git config merge.cvlock.name "cvlock lockfile merge"
 *     git config merge.cvlock.driver "cvlock merge-driver %O %A %B %P"
 *
 * git calls it with the common ancestor's lockfile (BASE), ours (OURS,
 * where the result goes) and theirs (THEIRS), and the path in the work
 * tree (PATH).  Lockfiles do not merge line by line, so the driver merges
 * what they were made from and resolves again:
 *
 *   1. the project's requirements ([tool.cvlock] requirements, which keep
 *      the extra or group of each as a PEP 751 marker) are merged as sets
 *      three ways: kept when both sides keep them, added when either
 *      side adds them, dropped when either side drops them;
 *   2. the settings that shape the result ([tool.cvlock] options, the
 *      lock's extras and groups) merge three ways per key: a side that
 *      changed a key wins; both changing it differently is a conflict;
 *   3. both sides' locked versions become preferences (the newer one
 *      where the sides differ), written as the existing lockfile of a
 *      `cvlock resolve` of a project made of the merged requirements,
 *      with the recorded target (python-version, platform, ...) and the
 *      packages' index (or the index options given to the driver);
 *   4. the result replaces OURS, with the inputs hash of the side whose
 *      requirements it equals (else none: `cvlock resolve` records it).
 *
 * When any step fails (a lockfile without requirements, a conflicting
 * setting, no solution, no index), the driver leaves git's usual
 * conflict (git merge-file writes the markers into OURS), says why on
 * stderr and exits 1.  Index options (--index-url, --cache-dir,
 * --offline...) given before BASE are passed to the resolution.
 */
#include "config.h"
#include "cli/cli.h"
#include "cli/lockfile.h"
#include "cli/project.h"
#include "lockfmt/lockfmt.h"
#include "pep/pep.h"
#include "toml/toml.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

struct merge_cmd {
	struct cvl_ctx *ctx;
	struct strvec passthrough; /* index options for resolve */
	bool has_index;            /* --index-url or --no-index given */
};

static int on_option(int id, const char *value, void *data)
{
	struct merge_cmd *mc = data;
	size_t i;

	if (id == OPT_HELP) {
		cvl_print_usage("merge-driver",
				"[INDEX-OPTIONS] BASE OURS THEIRS [PATH]",
				"Merge two versions of a pylock.toml for git: merge the\n"
				"requirements and settings they were made from, resolve again\n"
				"with both sides' versions as preferences, and write the result\n"
				"to OURS.  On failure, leave git's conflict markers and exit 1.\n"
				"\n"
				"  .gitattributes:  pylock.toml merge=cvlock\n"
				"  git config merge.cvlock.driver \"cvlock merge-driver %O %A %B %P\"",
				cvl_index_options, cvl_nindex_options);
		exit(EXIT_OK);
	}
	for (i = 0; i < cvl_nindex_options; i++) {
		const struct cvl_option *o = &cvl_index_options[i];

		if (o->id != id)
			continue;
		if (!strcmp(o->long_name, "index-url") ||
		    !strcmp(o->long_name, "no-index") ||
		    !strcmp(o->long_name, "find-links"))
			mc->has_index = true;
		strvec_pushf(&mc->passthrough, "--%s", o->long_name);
		if (o->argtype == OPT_VALUE)
			strvec_push(&mc->passthrough, value);
		return 0;
	}
	return EXIT_USAGE;
}

/* ---- reading the three sides --------------------------------------------- */

static int read_side(const char *path, struct lock_file *lf, struct strbuf *why)
{
	struct strbuf text = STRBUF_INIT;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	int r;

	r = cvl_read_file(path, "lockfile ", &text, &err);
	if (!r && lock_read(lf, text.buf, text.len, &d, &err) < 0)
		r = -1;
	if (r)
		strbuf_addstr(why, err.msg);
	lock_diags_release(&d);
	strbuf_release(&text);
	return r ? -1 : 0;
}

/* ---- three-way merges ----------------------------------------------------- */

static bool in_vec(const struct strvec *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return true;
	return false;
}

/*
 * A set, three ways: an element of OURS or THEIRS is kept unless the
 * other side dropped it (it was in BASE and is not in the other side).
 */
static void merge_set(const struct strvec *base, const struct strvec *a,
		      const struct strvec *b, struct strvec *out)
{
	size_t i;

	for (i = 0; i < a->nr; i++)
		if (!in_vec(out, a->v[i]) &&
		    (in_vec(b, a->v[i]) || !in_vec(base, a->v[i])))
			strvec_push(out, a->v[i]);
	for (i = 0; i < b->nr; i++)
		if (!in_vec(out, b->v[i]) &&
		    (in_vec(a, b->v[i]) || !in_vec(base, b->v[i])))
			strvec_push(out, b->v[i]);
	strvec_sort(out);
}

static bool same_set(const struct strvec *x, const struct strvec *y)
{
	size_t i;

	if (x->nr != y->nr)
		return false;
	for (i = 0; i < x->nr; i++)
		if (!in_vec(y, x->v[i]))
			return false;
	return true;
}

static bool str_eq(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

/* One value three ways: NULL in *out and false on a conflict. */
static bool merge_value(const char *base, const char *a, const char *b,
			const char **out)
{
	if (str_eq(a, b) || str_eq(base, b))
		*out = a;
	else if (str_eq(base, a))
		*out = b;
	else
		return false;
	return true;
}

struct merged {
	struct strvec requirements;
	struct strvec extras, groups, default_groups;
	struct lock_option *options; /* borrowed strings */
	size_t noptions, alloc_options;
	const char *requires_python;
	const struct strvec *environments;
};

static bool merge_settings(const struct lock_file *o, const struct lock_file *a,
			   const struct lock_file *b, struct merged *m,
			   struct strbuf *why)
{
	const struct lock_file *sides[] = { a, b };
	size_t i, k;

	if (!a->requirements.nr || !b->requirements.nr) {
		strbuf_addstr(why, "a side records no requirements "
			      "([tool.cvlock] requirements): it was not written "
			      "by cvlock resolve");
		return false;
	}
	merge_set(&o->requirements, &a->requirements, &b->requirements,
		  &m->requirements);
	merge_set(&o->extras, &a->extras, &b->extras, &m->extras);
	merge_set(&o->dependency_groups, &a->dependency_groups,
		  &b->dependency_groups, &m->groups);
	merge_set(&o->default_groups, &a->default_groups, &b->default_groups,
		  &m->default_groups);
	if (!merge_value(o->requires_python, a->requires_python,
			 b->requires_python, &m->requires_python)) {
		strbuf_addf(why, "both sides changed requires-python ('%s' and '%s')",
			    a->requires_python ? a->requires_python : "",
			    b->requires_python ? b->requires_python : "");
		return false;
	}
	if (!same_set(&a->environments, &b->environments) &&
	    !same_set(&o->environments, &a->environments) &&
	    !same_set(&o->environments, &b->environments)) {
		strbuf_addstr(why, "both sides changed the lock's environments");
		return false;
	}
	m->environments = same_set(&o->environments, &a->environments) ?
		&b->environments : &a->environments;
	/* every key of either side, once */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < sides[k]->noptions; i++) {
			const char *key = sides[k]->options[i].key;
			const char *val;
			size_t j;

			for (j = 0; j < m->noptions; j++)
				if (!strcmp(m->options[j].key, key))
					break;
			if (j < m->noptions)
				continue;
			if (!merge_value(lock_file_get_option(o, key),
					 lock_file_get_option(a, key),
					 lock_file_get_option(b, key), &val)) {
				strbuf_addf(why, "both sides changed the setting '%s' "
					    "('%s' and '%s')", key,
					    lock_file_get_option(a, key),
					    lock_file_get_option(b, key));
				return false;
			}
			if (!val)
				continue;
			ALLOC_GROW(m->options, m->noptions + 1,
				   m->alloc_options);
			m->options[m->noptions].key = (char *)key;
			m->options[m->noptions++].value = (char *)val;
		}
	}
	return true;
}

static const char *merged_option(const struct merged *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->noptions; i++)
		if (!strcmp(m->options[i].key, key))
			return m->options[i].value;
	return NULL;
}

/* Whether side `lf` was made from the merged requirements and settings. */
static bool same_inputs(const struct merged *m, const struct lock_file *lf)
{
	size_t i;

	if (!same_set(&m->requirements, &lf->requirements) ||
	    !same_set(&m->extras, &lf->extras) ||
	    !same_set(&m->groups, &lf->dependency_groups) ||
	    m->noptions != lf->noptions)
		return false;
	for (i = 0; i < m->noptions; i++)
		if (!str_eq(m->options[i].value,
			    lock_file_get_option(lf, m->options[i].key)))
			return false;
	return true;
}

/* ---- the project to resolve ----------------------------------------------- */

/*
 * Split a recorded requirement into the requirement and its origin: a
 * trailing `"X" in extras` or `"G" in dependency_groups` (alone or after
 * " and ") names the extra or group; the rest is the requirement as the
 * project wrote it.
 */
static void split_origin(const char *s, struct strbuf *req,
			 struct strbuf *extra, struct strbuf *group)
{
	static const char *const tails[] = { "\" in extras",
					     "\" in dependency_groups" };
	size_t len = strlen(s), i;

	for (i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t tl = strlen(tails[i]);
		const char *open, *end;

		if (len <= tl || strcmp(s + len - tl, tails[i]))
			continue;
		end = s + len - tl;
		for (open = end - 1; open > s && *open != '"'; open--)
			;
		if (open <= s || *open != '"')
			continue;
		strbuf_add(i ? group : extra, open + 1, (size_t)(end - open - 1));
		if (open - s >= 2 && !strncmp(open - 2, "; ", 2)) {
			strbuf_add(req, s, (size_t)(open - 2 - s));
		} else if (open - s >= 5 && !strncmp(open - 5, " and ", 5)) {
			strbuf_add(req, s, (size_t)(open - 5 - s));
		} else {
			strbuf_reset(i ? group : extra);
			continue;
		}
		return;
	}
	strbuf_addstr(req, s);
}

struct table {
	char *name;
	struct strvec reqs;
};

static struct table *table_get(struct table **t, size_t *n, size_t *alloc,
			       const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*t)[i].name, name))
			return &(*t)[i];
	ALLOC_GROW(*t, *n + 1, *alloc);
	(*t)[*n].name = xstrdup(name);
	strvec_init(&(*t)[*n].reqs);
	return &(*t)[(*n)++];
}

static void put_array(struct strbuf *out, const struct strvec *v)
{
	size_t i;

	strbuf_addstr(out, "[\n");
	for (i = 0; i < v->nr; i++) {
		strbuf_addstr(out, "    ");
		toml_write_string(out, v->v[i], strlen(v->v[i]));
		strbuf_addstr(out, ",\n");
	}
	strbuf_addstr(out, "]\n");
}

static void project_text(const struct merged *m, struct strbuf *out)
{
	struct strvec base = STRVEC_INIT;
	struct table *extras = NULL, *groups = NULL;
	size_t nextras = 0, aextras = 0, ngroups = 0, agroups = 0, i;
	struct strbuf req = STRBUF_INIT, extra = STRBUF_INIT,
		      group = STRBUF_INIT;

	for (i = 0; i < m->requirements.nr; i++) {
		strbuf_reset(&req);
		strbuf_reset(&extra);
		strbuf_reset(&group);
		split_origin(m->requirements.v[i], &req, &extra, &group);
		if (extra.len)
			strvec_push(&table_get(&extras, &nextras, &aextras,
					       extra.buf)->reqs, req.buf);
		else if (group.len)
			strvec_push(&table_get(&groups, &ngroups, &agroups,
					       group.buf)->reqs, req.buf);
		else
			strvec_push(&base, req.buf);
	}
	/* extras and groups the lock names, even without requirements */
	for (i = 0; i < m->extras.nr; i++)
		table_get(&extras, &nextras, &aextras, m->extras.v[i]);
	for (i = 0; i < m->groups.nr; i++)
		table_get(&groups, &ngroups, &agroups, m->groups.v[i]);

	strbuf_addstr(out, "# the merged inputs of a pylock.toml (cvlock merge-driver)\n"
		      "[project]\nname = \"cvlock-merge\"\nversion = \"0\"\n"
		      "dependencies = ");
	put_array(out, &base);
	if (nextras)
		strbuf_addstr(out, "\n[project.optional-dependencies]\n");
	for (i = 0; i < nextras; i++) {
		toml_write_key(out, extras[i].name, strlen(extras[i].name));
		strbuf_addstr(out, " = ");
		put_array(out, &extras[i].reqs);
	}
	if (ngroups)
		strbuf_addstr(out, "\n[dependency-groups]\n");
	for (i = 0; i < ngroups; i++) {
		toml_write_key(out, groups[i].name, strlen(groups[i].name));
		strbuf_addstr(out, " = ");
		put_array(out, &groups[i].reqs);
	}
	for (i = 0; i < nextras; i++) {
		free(extras[i].name);
		strvec_clear(&extras[i].reqs);
	}
	for (i = 0; i < ngroups; i++) {
		free(groups[i].name);
		strvec_clear(&groups[i].reqs);
	}
	free(extras);
	free(groups);
	strvec_clear(&base);
	strbuf_release(&req);
	strbuf_release(&extra);
	strbuf_release(&group);
}

/* ---- preferences ------------------------------------------------------------ */

static void copy_entry(struct lock_file_entry *to,
		       const struct lock_file_entry *from)
{
	size_t i;

	lock_set_str(&to->name, from->name);
	lock_set_str(&to->upload_time, from->upload_time);
	lock_set_str(&to->url, from->url);
	lock_set_str(&to->path, from->path);
	to->has_size = from->has_size;
	to->size = from->size;
	for (i = 0; i < from->nhashes; i++)
		lock_entry_set_hash(to, from->hashes[i].algo,
				    from->hashes[i].value);
}

/* A package of the preference lock: name, version, one file to be valid. */
static void copy_package(struct lock_file *to, const struct lock_package *p)
{
	struct lock_package *q;

	if (!p->version || (!p->wheels && !p->sdist && !p->archive))
		return; /* vcs and directory sources are not preferences */
	q = lock_file_add_package(to, p->name, p->version);
	lock_set_str(&q->marker, p->marker);
	lock_set_str(&q->index, p->index);
	if (p->archive) {
		q->archive = xcalloc(1, sizeof(*q->archive));
		copy_entry(q->archive, p->archive);
	} else if (p->nwheels) {
		copy_entry(lock_package_add_wheel(q), &p->wheels[0]);
	} else {
		copy_entry(lock_package_sdist(q), p->sdist);
	}
}

/* PEP 440 order; an unparsable version sorts first. */
static int version_cmp(const char *x, const char *y)
{
	struct pep_version vx = PEP_VERSION_INIT, vy = PEP_VERSION_INIT;
	bool okx = pep_version_parse(&vx, x, strlen(x), NULL) == 0;
	bool oky = pep_version_parse(&vy, y, strlen(y), NULL) == 0;
	int c = okx && oky ? pep_version_cmp(&vx, &vy) : okx - oky;

	pep_version_release(&vx);
	pep_version_release(&vy);
	return c;
}

/* Both sides' versions; where they differ, the newer one. */
static void preferences(const struct lock_file *a, const struct lock_file *b,
			struct lock_file *out)
{
	size_t i;

	for (i = 0; i < a->npackages; i++) {
		const struct lock_package *p = &a->packages[i];
		const struct lock_package *q = lock_file_find(b, p->name, NULL);

		if (q && p->version && q->version &&
		    version_cmp(q->version, p->version) > 0)
			copy_package(out, q);
		else
			copy_package(out, p);
	}
	for (i = 0; i < b->npackages; i++)
		if (!lock_file_find(a, b->packages[i].name, NULL))
			copy_package(out, &b->packages[i]);
}

/* ---- running the resolution -------------------------------------------------- */

static void first_index(const struct lock_file *a, const struct lock_file *b,
			struct strvec *args)
{
	const struct lock_file *sides[] = { a, b };
	struct strvec seen = STRVEC_INIT;
	size_t k, i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < sides[k]->npackages; i++) {
			const char *idx = sides[k]->packages[i].index;

			if (!idx || in_vec(&seen, idx))
				continue;
			strvec_push(args, seen.nr ? "--extra-index-url"
						  : "--index-url");
			strvec_push(args, idx);
			strvec_push(&seen, idx);
		}
	strvec_clear(&seen);
}

static void push2(struct strvec *args, const char *opt, const char *value)
{
	strvec_push(args, opt);
	strvec_push(args, value);
}

/* The recorded setting `key` as resolve's option --KEY VALUE, when set. */
static void push_option(struct strvec *args, const struct merged *m,
			const char *key)
{
	const char *v = merged_option(m, key);

	if (v) {
		strvec_pushf(args, "--%s", key);
		strvec_push(args, v);
	}
}

/* The recorded settings that are resolve's options of the same name. */
static const char *const shaping[] = {
	"prerelease", "resolution", "exclude-newer", "no-binary", "only-binary",
};

static char *self_exe(const char *argv0)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	return xstrdup(argv0);
}

static void remove_tree(const char *dir)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/pyproject.toml", dir);
	unlink(p.buf);
	rmdir(dir);
	strbuf_release(&p);
}

static int resolve_merged(struct merge_cmd *mc, const struct lock_file *a,
			  const struct lock_file *b, const struct merged *m,
			  const char *lock_path, struct lock_file *result,
			  struct strbuf *why)
{
	struct strbuf project = STRBUF_INIT, prefs = STRBUF_INIT,
		      path = STRBUF_INIT, errout = STRBUF_INIT,
		      out_path = STRBUF_INIT;
	struct strvec args = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct lock_file pref;
	char tmpl[] = "/tmp/cvlock-merge.XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char *dir = NULL, *exe = NULL, *lock_dir = path_dirname_dup(lock_path);
	int fd = -1, ret = -1;
	size_t i;

	lock_file_init(&pref);
	if (tmpdir && *tmpdir) {
		strbuf_addf(&path, "%s/cvlock-merge.XXXXXX", tmpdir);
		dir = mkdtemp(path.buf) ? strbuf_detach(&path, NULL) : NULL;
	} else {
		dir = mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
	}
	if (!dir) {
		strbuf_addf(why, "cannot create a temporary directory: %s",
			    strerror(errno));
		goto out;
	}
	project_text(m, &project);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/pyproject.toml", dir);
	if (atomic_write_file(path.buf, project.buf, project.len, &err))
		goto fail_err;

	/* the preferences, as the existing lockfile beside the real one */
	preferences(a, b, &pref);
	if (lock_write(&pref, &prefs, &err))
		goto fail_err;
	strbuf_addf(&out_path, "%s/pylock.cvlockmerge%06ld.toml", lock_dir,
		    (long)getpid() % 1000000);
	fd = open(out_path.buf, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, prefs.buf, prefs.len) != (ssize_t)prefs.len) {
		strbuf_addf(why, "cannot write '%s': %s", out_path.buf,
			    strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(out_path.buf);
		}
		strbuf_reset(&out_path);
		goto out;
	}
	close(fd);

	exe = self_exe(mc->ctx->progname);
	strvec_push(&args, exe);
	strvec_push(&args, "resolve");
	strvec_push(&args, dir);
	strvec_push(&args, "-o");
	strvec_push(&args, out_path.buf);
	for (i = 0; i < m->extras.nr; i++)
		push2(&args, "--extra", m->extras.v[i]);
	for (i = 0; i < m->groups.nr; i++)
		push2(&args, "--group", m->groups.v[i]);
	/* the target, only when it was described (else the interpreter) */
	if (merged_option(m, "platform")) {
		push_option(&args, m, "platform");
		push_option(&args, m, "python-version");
		push_option(&args, m, "implementation");
	}
	for (i = 0; i < ARRAY_SIZE(shaping); i++)
		push_option(&args, m, shaping[i]);
	if (!mc->has_index)
		first_index(a, b, &args);
	for (i = 0; i < mc->passthrough.nr; i++)
		strvec_push(&args, mc->passthrough.v[i]);

	{
		struct cvl_run run = { .argv = (const char *const *)args.v,
				       .errout = &errout };

		if (cvl_run(&run, &err))
			goto fail_err;
		if (run.status) {
			while (errout.len && errout.buf[errout.len - 1] == '\n')
				strbuf_setlen(&errout, errout.len - 1);
			strbuf_addf(why, "the merged requirements do not resolve:\n%s",
				    errout.buf);
			goto out;
		}
	}
	if (read_side(out_path.buf, result, why))
		goto out;
	ret = 0;
	goto out;
fail_err:
	strbuf_addstr(why, err.msg);
out:
	if (out_path.len)
		unlink(out_path.buf);
	if (dir) {
		remove_tree(dir);
		free(dir);
	}
	lock_file_release(&pref);
	strvec_clear(&args);
	strbuf_release(&project);
	strbuf_release(&prefs);
	strbuf_release(&path);
	strbuf_release(&errout);
	strbuf_release(&out_path);
	free(exe);
	free(lock_dir);
	return ret;
}

/* ---- the conflict ------------------------------------------------------------- */

/* git's own conflict: markers in OURS.  Always exit status 1. */
static int conflict(struct merge_cmd *mc, const char *base, const char *ours,
		    const char *theirs, const char *path, const char *why)
{
	const char *argv[] = { "git", "merge-file", "-L", "ours", "-L", "base",
			       "-L", "theirs", ours, base, theirs, NULL };
	struct cvl_error err = CVL_ERROR_INIT;
	struct cvl_run run = { .argv = argv };

	fprintf(stderr, "cvlock merge-driver: cannot merge %s: %s\n", path, why);
	if (cvl_run(&run, &err) || run.status < 0)
		cvl_report(mc->ctx, &err);
	else
		fprintf(stderr, "hint: resolve the conflict in pyproject.toml if "
			"any, then run 'cvlock resolve' to write %s again\n",
			path);
	return EXIT_FAILURE_;
}

int cmd_merge_driver(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct merge_cmd mc = { .ctx = ctx };
	struct lock_file o, a, b, result;
	struct merged m;
	struct strbuf why = STRBUF_INIT, text = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *path;
	int npos, r;

	strvec_init(&mc.passthrough);
	r = cvl_parse_options(ctx, "merge-driver", argc, argv,
			      cvl_index_options, cvl_nindex_options, on_option,
			      &mc, &npos);
	if (r) {
		strvec_clear(&mc.passthrough);
		return r;
	}
	if (npos < 3 || npos > 4) {
		cvl_errorf("'cvlock merge-driver' takes BASE OURS THEIRS [PATH], "
			   "got %d argument%s", npos, npos == 1 ? "" : "s");
		fprintf(stderr, "hint: git runs it as \"cvlock merge-driver %%O %%A %%B %%P\"\n");
		strvec_clear(&mc.passthrough);
		return EXIT_USAGE;
	}
	path = npos == 4 ? argv[3] : "pylock.toml";
	memset(&m, 0, sizeof(m));
	strvec_init(&m.requirements);
	strvec_init(&m.extras);
	strvec_init(&m.groups);
	strvec_init(&m.default_groups);
	lock_file_init(&o);
	lock_file_init(&a);
	lock_file_init(&b);
	lock_file_init(&result);

	if (read_side(argv[0], &o, &why) || read_side(argv[1], &a, &why) ||
	    read_side(argv[2], &b, &why) ||
	    !merge_settings(&o, &a, &b, &m, &why) ||
	    resolve_merged(&mc, &a, &b, &m, path, &result, &why)) {
		r = conflict(&mc, argv[0], argv[1], argv[2], path, why.buf);
		goto out;
	}
	/* the inputs hash of the side whose inputs these are */
	if (same_inputs(&m, &a))
		lock_set_str(&result.inputs_hash, a.inputs_hash);
	else if (same_inputs(&m, &b))
		lock_set_str(&result.inputs_hash, b.inputs_hash);
	else
		lock_set_str(&result.inputs_hash, NULL);
	if (lock_write(&result, &text, &err) ||
	    atomic_write_file(argv[1], text.buf, text.len, &err)) {
		r = conflict(&mc, argv[0], argv[1], argv[2], path, err.msg);
		goto out;
	}
	if (!ctx->quiet)
		fprintf(stderr, "cvlock merge-driver: merged %s (%zu packages)\n",
			path, result.npackages);
	r = EXIT_OK;
out:
	lock_file_release(&o);
	lock_file_release(&a);
	lock_file_release(&b);
	lock_file_release(&result);
	strvec_clear(&m.requirements);
	strvec_clear(&m.extras);
	strvec_clear(&m.groups);
	strvec_clear(&m.default_groups);
	free(m.options);
	strvec_clear(&mc.passthrough);
	strbuf_release(&why);
	strbuf_release(&text);
	return r;
}

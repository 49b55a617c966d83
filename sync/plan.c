/*
 * plan.c - what makes an environment match a lock: the packages the lock
 * selects for an interpreter, the wheel of each, and the difference with
 * what is installed (sync.h, "The plan", says which checks decide a
 * reinstall and why they are cheap).
 */
#include "config.h"
#include "sync/sync.h"
#include "sync/internal.h"
#include "lockfmt/lockfmt.h"

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* RECORD and WHEEL files larger than this are damaged. */
#define DISTINFO_FILE_MAX (64u << 20)

static const char *const action_names[SYNC_NACTIONS] = {
	"keep", "install", "upgrade", "downgrade", "reinstall", "remove",
};

const char *sync_action_name(enum sync_action a)
{
	if ((unsigned)a >= SYNC_NACTIONS)
		BUG("bad sync action %d", (int)a);
	return action_names[a];
}

void sync_plan_release(struct sync_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++) {
		struct sync_plan_item *it = &plan->items[i];

		free(it->name);
		free(it->version);
		free(it->wheel_name);
		free(it->sha256);
		free(it->installed);
		free(it->reason);
	}
	free(plan->items);
	memset(plan, 0, sizeof(*plan));
}

bool sync_plan_is_noop(const struct sync_plan *plan)
{
	return plan->counts[SYNC_KEEP] == plan->n;
}

/* ---- the interpreter against the lock ---------------------------------- */

static void version_string(const struct sync_interp *in, struct strbuf *out)
{
	const char *full = in->markers[PEP_ENV_PYTHON_FULL_VERSION];

	if (full)
		strbuf_addstr(out, full);
	else
		strbuf_addf(out, "%d.%d.%d", in->version[0], in->version[1],
			    in->version[2]);
}

int sync_plan_check_python(const struct lock_file *lf,
			   const struct sync_interp *in, const char *lock_name,
			   struct cvl_error *err)
{
	struct strbuf ver = STRBUF_INIT;
	struct pep_env env;
	size_t i;
	int rc = 0;

	if (!lock_name)
		lock_name = "pylock.toml";
	version_string(in, &ver);
	if (lf->requires_python) {
		struct pep_specset set = PEP_SPECSET_INIT;

		rc = pep_specset_parse(&set, lf->requires_python,
				       strlen(lf->requires_python), err);
		if (rc == 0 &&
		    !pep_specset_contains_str(&set, ver.buf, ver.len,
					      PEP_PRERELEASES_YES, true)) {
			rc = cvl_error_set(err, CVL_EINVAL,
					   "'%s' requires Python %s, and '%s' is Python %s",
					   lock_name, lf->requires_python,
					   in->path ? in->path : "python", ver.buf);
			cvl_error_hint(err, "use --python to choose another interpreter, or lock again for this one");
		}
		pep_specset_release(&set);
		if (rc < 0)
			goto out;
	}
	if (!lf->environments.nr)
		goto out;
	sync_interp_env(in, &env);
	for (i = 0; i < lf->environments.nr; i++) {
		const char *m = lf->environments.v[i];
		struct pep_marker *mk = NULL;
		bool ok = false;

		rc = pep_marker_parse(&mk, m, strlen(m), err);
		if (rc == 0)
			rc = pep_marker_evaluate(mk, &env, &ok, err);
		pep_marker_free(mk);
		if (rc < 0)
			goto out;
		if (ok)
			goto out;
	}
	rc = cvl_error_set(err, CVL_EINVAL,
			   "'%s' is locked for other environments than '%s' (Python %s on %s %s)",
			   lock_name, in->path ? in->path : "python", ver.buf,
			   in->markers[PEP_ENV_SYS_PLATFORM] ?
				   in->markers[PEP_ENV_SYS_PLATFORM] : "?",
			   in->markers[PEP_ENV_PLATFORM_MACHINE] ?
				   in->markers[PEP_ENV_PLATFORM_MACHINE] : "?");
	cvl_error_hint(err, "its environments: %s; use --python, or lock again for this interpreter",
		       lf->environments.v[0]);
out:
	strbuf_release(&ver);
	return rc;
}

/* ---- selection ----------------------------------------------------------- */

/* Normalized names of `names` that `known` (normalized) holds; else usage error. */
static int select_names(const char *const *names, size_t n,
			const struct strvec *known, const char *what,
			const char *lock_name, struct strvec *out,
			struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < n; i++) {
		bool found = false;

		strbuf_reset(&sb);
		pep_name_canonicalize(names[i], strlen(names[i]), &sb);
		for (j = 0; j < known->nr && !found; j++) {
			struct strbuf k = STRBUF_INIT;

			pep_name_canonicalize(known->v[j], strlen(known->v[j]),
					      &k);
			found = !strcmp(k.buf, sb.buf);
			strbuf_release(&k);
		}
		if (!found) {
			int rc = cvl_error_set(err, CVL_EUSAGE,
					       "%s '%s' is not in '%s'", what,
					       names[i], lock_name);

			if (known->nr) {
				struct strbuf all = STRBUF_INIT;

				for (j = 0; j < known->nr; j++)
					strbuf_addf(&all, "%s'%s'",
						    j ? ", " : "", known->v[j]);
				cvl_error_hint(err, "the lock has: %s", all.buf);
				strbuf_release(&all);
			} else {
				cvl_error_hint(err, "the lock has none");
			}
			strbuf_release(&sb);
			return rc;
		}
		strvec_push(out, sb.buf);
	}
	strbuf_release(&sb);
	return 0;
}

static void push_normalized(struct strvec *out, const struct strvec *in)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < in->nr; i++) {
		strbuf_reset(&sb);
		pep_name_canonicalize(in->v[i], strlen(in->v[i]), &sb);
		strvec_push(out, sb.buf);
	}
	strbuf_release(&sb);
}

/* ---- wheel choice -------------------------------------------------------- */

struct tag_rank {
	const char *tag;
	size_t rank;
};

static int cmp_tag_rank(const void *a, const void *b)
{
	return strcmp(((const struct tag_rank *)a)->tag,
		      ((const struct tag_rank *)b)->tag);
}

struct ranks {
	struct tag_rank *v;
	size_t n;
};

static void ranks_build(struct ranks *r, const struct strvec *tags)
{
	size_t i;

	r->v = xcalloc(tags->nr ? tags->nr : 1, sizeof(*r->v));
	r->n = tags->nr;
	for (i = 0; i < tags->nr; i++) {
		r->v[i].tag = tags->v[i];
		r->v[i].rank = i;
	}
	/* keep the first (best) rank of a tag listed twice */
	qsort(r->v, r->n, sizeof(*r->v), cmp_tag_rank);
}

static size_t ranks_find(const struct ranks *r, const char *tag)
{
	struct tag_rank key = { tag, 0 };
	const struct tag_rank *hit;
	size_t best;

	hit = bsearch(&key, r->v, r->n, sizeof(*r->v), cmp_tag_rank);
	if (!hit)
		return SIZE_MAX;
	best = hit->rank;
	/* equal tags are adjacent: take the best of them */
	while (hit > r->v && !strcmp(hit[-1].tag, tag))
		hit--;
	for (; hit < r->v + r->n && !strcmp(hit->tag, tag); hit++)
		if (hit->rank < best)
			best = hit->rank;
	return best;
}

static const char *entry_sha256(const struct lock_file_entry *f)
{
	size_t i;

	for (i = 0; i < f->nhashes; i++)
		if (!strcmp(f->hashes[i].algo, "sha256"))
			return f->hashes[i].value;
	return NULL;
}

/* The best wheel of `pkg` for the ranks, or an error. */
static int choose_wheel(const struct lock_package *pkg, const struct ranks *r,
			const struct sync_interp *in, const char *lock_name,
			struct sync_plan_item *it, struct cvl_error *err)
{
	struct strbuf fn = STRBUF_INIT;
	struct pep_wheelname wn = PEP_WHEELNAME_INIT;
	const struct lock_file_entry *chosen = NULL;
	bool archive_wheel = false;
	size_t i, j, n, best = SIZE_MAX;
	int rc = 0;

	/* the wheels, then a direct URL wheel ([packages.archive] *.whl) */
	n = pkg->nwheels + (pkg->archive ? 1 : 0);
	for (i = 0; i < n; i++) {
		const struct lock_file_entry *f = i < pkg->nwheels ?
			&pkg->wheels[i] : pkg->archive;

		strbuf_reset(&fn);
		if (!lock_entry_filename(f, &fn) || f->subdirectory)
			continue;
		if (pep_wheelname_parse(&wn, fn.buf, fn.len, false, NULL) < 0)
			continue;
		if (f == pkg->archive)
			archive_wheel = true;
		for (j = 0; j < wn.tags.nr; j++) {
			size_t k = ranks_find(r, wn.tags.v[j]);

			if (k < best) {
				best = k;
				chosen = f;
			}
		}
	}
	pep_wheelname_release(&wn);
	if (best == SIZE_MAX) {
		if (!pkg->nwheels && pkg->sdist)
			rc = cvl_error_set(err, CVL_EUNSUPPORTED,
					   "'%s' %s in '%s' has only a source distribution, and building from source is not supported yet",
					   pkg->name, pkg->version ? pkg->version : "",
					   lock_name);
		else if (!pkg->nwheels && !archive_wheel)
			rc = cvl_error_set(err, CVL_EUNSUPPORTED,
					   "'%s' in '%s' comes from a %s, which cvlock sync cannot install yet",
					   pkg->name, lock_name,
					   pkg->vcs ? "version control system" :
					   pkg->directory ? "local directory" :
					   "source archive");
		else
			rc = cvl_error_set(err, CVL_EINVAL,
					   "no wheel of '%s' %s in '%s' fits '%s' (%s)",
					   pkg->name, pkg->version ? pkg->version : "",
					   lock_name, in->path ? in->path : "python",
					   r->n ? r->v[0].tag : "no tags");
		if (pkg->sdist || (!pkg->nwheels && !archive_wheel))
			cvl_error_hint(err, "lock with wheels only, or install this package another way");
		else
			cvl_error_hint(err, "see 'cvlock tags --python %s' for the tags it accepts",
				       in->path ? in->path : "python3");
		goto out;
	}
	it->wheel = chosen;
	strbuf_reset(&fn);
	lock_entry_filename(it->wheel, &fn);
	it->wheel_name = strbuf_detach(&fn, NULL);
	if (!entry_sha256(it->wheel)) {
		rc = cvl_error_set(err, CVL_EUNSUPPORTED,
				   "wheel '%s' in '%s' has no sha256 hash",
				   it->wheel_name, lock_name);
		cvl_error_hint(err, "cvlock checks and caches wheels by sha256; lock again with cvlock resolve");
		goto out;
	}
	it->sha256 = xstrdup(entry_sha256(it->wheel));
	if (!it->wheel->url && !it->wheel->path) {
		rc = cvl_error_set(err, CVL_EINVAL,
				   "wheel '%s' in '%s' has neither url nor path",
				   it->wheel_name, lock_name);
		goto out;
	}
out:
	strbuf_release(&fn);
	return rc;
}

/* ---- the installed copy -------------------------------------------------- */

static int read_small(const char *path, struct strbuf *sb)
{
	char buf[16384];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sb->len + (size_t)n > DISTINFO_FILE_MAX) {
			n = -1;
			break;
		}
		strbuf_add(sb, buf, (size_t)n);
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

/* The hash of a file as RECORD writes it; false when unreadable. */
static bool file_record_hash(const char *path, struct strbuf *out)
{
	struct strbuf data = STRBUF_INIT;
	bool ok = read_small(path, &data) == 0;

	if (ok)
		sync_record_hash(data.buf, data.len, out);
	strbuf_release(&data);
	return ok;
}

/*
 * Why the installed copy `d` must be installed again; NULL when its RECORD
 * holds (every file present with its size and hash).
 */
static char *record_problem(const struct sync_dist *d)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf why = STRBUF_INIT, h = STRBUF_INIT;
	struct sync_record rec = { NULL, 0, 0 };
	size_t base, i;

	if (!d->has_record) {
		strbuf_addstr(&why, "it has no RECORD");
		goto out;
	}
	strbuf_addf(&path, "%s/RECORD", d->dist_info);
	if (read_small(path.buf, &text) < 0 ||
	    sync_record_parse(&rec, text.buf, text.len, NULL) < 0) {
		strbuf_addstr(&why, "its RECORD cannot be read");
		goto out;
	}
	strbuf_reset(&path);
	path_dirname(d->dist_info, &path);
	strbuf_addch(&path, '/');
	base = path.len;
	for (i = 0; i < rec.n; i++) {
		const struct sync_record_entry *e = &rec.entries[i];
		struct stat st;

		strbuf_setlen(&path, base);
		strbuf_addstr(&path, e->path);
		if (e->path[0] == '/')
			continue; /* outside the environment: not ours to check */
		if (lstat(path.buf, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR) {
				strbuf_addf(&why, "'%s' is missing", e->path);
				goto out;
			}
			continue;
		}
		if (e->size >= 0 && S_ISREG(st.st_mode) &&
		    (int64_t)st.st_size != e->size) {
			strbuf_addf(&why, "'%s' has changed", e->path);
			goto out;
		}
		if (e->hash && !strncmp(e->hash, "sha256=", 7) &&
		    S_ISREG(st.st_mode)) {
			strbuf_reset(&h);
			if (!file_record_hash(path.buf, &h) ||
			    strcmp(h.buf, e->hash)) {
				strbuf_addf(&why, "'%s' has changed", e->path);
				goto out;
			}
		}
	}
out:
	sync_record_release(&rec);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&h);
	if (!why.len) {
		strbuf_release(&why);
		return NULL;
	}
	return strbuf_detach(&why, NULL);
}

/*
 * Whether the installed WHEEL file says it is another build than the
 * chosen wheel: another Build number, or Tag lines that share no tag with
 * the wheel's file name.  A WHEEL without Tag lines proves nothing.
 */
static bool other_build(const struct sync_dist *d, const char *wheel_name)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct pep_wheelname wn = PEP_WHEELNAME_INIT;
	char *line, *next, *build = NULL;
	bool any_tag = false, common = false, differs = false;
	size_t i;

	strbuf_addf(&path, "%s/WHEEL", d->dist_info);
	if (read_small(path.buf, &text) < 0 ||
	    pep_wheelname_parse(&wn, wheel_name, strlen(wheel_name), false,
				NULL) < 0)
		goto out;
	for (line = text.buf; *line; line = next) {
		char *v;
		size_t len;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		len = strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		v = strchr(line, ':');
		if (!v)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (!strcasecmp(line, "Build")) {
			build = v;
		} else if (!strcasecmp(line, "Tag")) {
			any_tag = true;
			for (i = 0; i < wn.tags.nr && !common; i++)
				common = !strcasecmp(wn.tags.v[i], v);
		}
	}
	if (any_tag && !common)
		differs = true;
	if (wn.has_build) {
		/* the file name's build tag is "<number><suffix>" */
		const char *dash = strchr(wheel_name, '-');

		dash = dash ? strchr(dash + 1, '-') : NULL;
		if (!build ||
		    (dash && strncmp(dash + 1, build, strlen(build))) ||
		    (dash && dash[1 + strlen(build)] != '-'))
			differs = true;
	} else if (build && *build) {
		differs = true;
	}
out:
	pep_wheelname_release(&wn);
	strbuf_release(&path);
	strbuf_release(&text);
	return differs;
}

/* ---- the plan -------------------------------------------------------- */

static struct sync_plan_item *add_item(struct sync_plan *plan,
				       const char *name)
{
	struct sync_plan_item *it;

	ALLOC_GROW(plan->items, plan->n + 1, plan->alloc);
	it = &plan->items[plan->n++];
	memset(it, 0, sizeof(*it));
	it->name = xstrdup(name);
	return it;
}

static int cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct sync_plan_item *)a)->name,
		      ((const struct sync_plan_item *)b)->name);
}

/* The installed distributions named `name` (si is sorted by name). */
static void find_installed(const struct sync_installed *si, const char *name,
			   struct sync_plan_item *it)
{
	size_t i;

	if (!si)
		return;
	for (i = 0; i < si->n; i++) {
		if (strcmp(si->dists[i].name, name))
			continue;
		ALLOC_GROW(it->installed, it->ninstalled + 1,
			   it->alloc_installed);
		it->installed[it->ninstalled++] = &si->dists[i];
	}
}

static int compare_versions(const char *a, const char *b)
{
	struct pep_version va = PEP_VERSION_INIT, vb = PEP_VERSION_INIT;
	int c;

	if (pep_version_parse(&va, a, strlen(a), NULL) < 0 ||
	    pep_version_parse(&vb, b, strlen(b), NULL) < 0) {
		pep_version_release(&va);
		pep_version_release(&vb);
		return strcmp(a, b);
	}
	c = pep_version_cmp(&va, &vb);
	pep_version_release(&va);
	pep_version_release(&vb);
	return c;
}

static void decide(struct sync_plan_item *it, bool verify)
{
	const struct sync_dist *d;
	int c;

	if (!it->ninstalled) {
		it->action = SYNC_INSTALL;
		return;
	}
	if (it->ninstalled > 1) {
		it->action = SYNC_REINSTALL;
		it->reason = xstrdup("it is installed more than once");
		return;
	}
	d = it->installed[0];
	c = compare_versions(d->version, it->version);
	if (c < 0) {
		it->action = SYNC_UPGRADE;
		return;
	}
	if (c > 0) {
		it->action = SYNC_DOWNGRADE;
		return;
	}
	if (verify)
		it->reason = record_problem(d);
	if (!it->reason && other_build(d, it->wheel_name))
		it->reason = xstrdup("another build of it is installed");
	it->action = it->reason ? SYNC_REINSTALL : SYNC_KEEP;
}

int sync_plan_build(struct sync_plan *plan, const struct lock_file *lf,
		    const struct sync_interp *in, const struct strvec *tags,
		    const struct sync_installed *si,
		    const struct sync_plan_opts *opts,
		    struct cvl_error *err)
{
	struct strvec extras = STRVEC_INIT, groups = STRVEC_INIT;
	const char *lock_name = opts && opts->lock_name ? opts->lock_name :
							  "pylock.toml";
	unsigned flags = opts ? opts->flags : 0;
	struct ranks ranks = { NULL, 0 };
	struct pep_env env;
	size_t i, j;
	int rc;

	memset(plan, 0, sizeof(*plan));
	rc = sync_plan_check_python(lf, in, lock_name, err);
	if (rc < 0)
		return rc;
	if (flags & SYNC_PLAN_ALL_EXTRAS)
		push_normalized(&extras, &lf->extras);
	else if (opts)
		rc = select_names(opts->extras, opts->nextras, &lf->extras,
				  "extra", lock_name, &extras, err);
	if (rc == 0 && !(flags & SYNC_PLAN_NO_DEFAULT_GROUPS))
		push_normalized(&groups, &lf->default_groups);
	if (rc == 0 && opts)
		rc = select_names(opts->groups, opts->ngroups,
				  &lf->dependency_groups, "dependency group",
				  lock_name, &groups, err);
	if (rc < 0)
		goto out;

	sync_interp_env(in, &env);
	env.has_extras = true;
	env.extras = (const char *const *)extras.v;
	env.nextras = extras.nr;
	env.has_dependency_groups = true;
	env.dependency_groups = (const char *const *)groups.v;
	env.ndependency_groups = groups.nr;
	ranks_build(&ranks, tags);

	for (i = 0; i < lf->npackages; i++) {
		const struct lock_package *pkg = &lf->packages[i];
		struct sync_plan_item *it;

		if (pkg->marker) {
			struct pep_marker *mk = NULL;
			bool ok = false;

			rc = pep_marker_parse(&mk, pkg->marker,
					      strlen(pkg->marker), err);
			if (rc == 0)
				rc = pep_marker_evaluate(mk, &env, &ok, err);
			pep_marker_free(mk);
			if (rc < 0) {
				cvl_error_hint(err, "in the marker of '%s' in '%s'",
					       pkg->name, lock_name);
				goto out;
			}
			if (!ok)
				continue;
		}
		for (j = 0; j < plan->n; j++) {
			if (strcmp(plan->items[j].name, pkg->name))
				continue;
			rc = cvl_error_set(err, CVL_EINVAL,
					   "'%s' lists '%s' twice for this environment (%s and %s)",
					   lock_name, pkg->name,
					   plan->items[j].version,
					   pkg->version ? pkg->version : "?");
			cvl_error_hint(err, "their markers should exclude each other; lock again");
			goto out;
		}
		if (!pkg->version) {
			rc = cvl_error_set(err, CVL_EUNSUPPORTED,
					   "'%s' in '%s' has no version, which cvlock sync cannot install yet",
					   pkg->name, lock_name);
			goto out;
		}
		it = add_item(plan, pkg->name);
		it->pkg = pkg;
		it->version = xstrdup(pkg->version);
		rc = choose_wheel(pkg, &ranks, in, lock_name, it, err);
		if (rc < 0)
			goto out;
	}
	plan->nselected = plan->n;
	for (i = 0; i < plan->nselected; i++) {
		find_installed(si, plan->items[i].name, &plan->items[i]);
		decide(&plan->items[i], flags & SYNC_PLAN_VERIFY);
	}
	/* what is installed and not selected */
	for (i = 0; si && i < si->n; i++) {
		const struct sync_dist *d = &si->dists[i];
		struct sync_plan_item *it;
		bool selected = false;

		for (j = 0; j < plan->nselected && !selected; j++)
			selected = !strcmp(plan->items[j].name, d->name);
		if (selected || (flags & SYNC_PLAN_INEXACT))
			continue;
		if (plan->n > plan->nselected &&
		    !strcmp(plan->items[plan->n - 1].name, d->name)) {
			it = &plan->items[plan->n - 1];
		} else {
			it = add_item(plan, d->name);
			it->action = SYNC_REMOVE;
		}
		ALLOC_GROW(it->installed, it->ninstalled + 1,
			   it->alloc_installed);
		it->installed[it->ninstalled++] = d;
	}
	qsort(plan->items, plan->n, sizeof(*plan->items), cmp_item);
	for (i = 0; i < plan->n; i++)
		plan->counts[plan->items[i].action]++;
out:
	free(ranks.v);
	strvec_clear(&extras);
	strvec_clear(&groups);
	if (rc < 0)
		sync_plan_release(plan);
	return rc;
}

/* ---- leftovers of killed syncs ---------------------------------------- */

static int remove_leftovers_in(const char *dir, size_t *removed,
			       struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return 0;
	while (!rc && (de = readdir(d))) {
		if (strncmp(de->d_name, ".cvlock-tmp-", 12) &&
		    strncmp(de->d_name, ".cvlock-rm-", 11))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		rc = sync_rm_rf(path.buf, err);
		if (rc == 0 && removed)
			(*removed)++;
	}
	closedir(d);
	strbuf_release(&path);
	return rc;
}

int sync_remove_leftovers(const struct sync_venv *v, size_t *removed,
			  struct cvl_error *err)
{
	const char *pure = v->paths[SYNC_PATH_PURELIB];
	const char *plat = v->paths[SYNC_PATH_PLATLIB];
	int rc = 0;

	if (removed)
		*removed = 0;
	if (pure)
		rc = remove_leftovers_in(pure, removed, err);
	if (rc == 0 && plat && (!pure || strcmp(pure, plat)))
		rc = remove_leftovers_in(plat, removed, err);
	return rc;
}

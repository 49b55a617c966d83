/*
 * lazylib.c - load libcurl and libarchive on first use (see util.h).
 *
 * The whole table of a library is resolved at once, right after dlopen():
 * a library without one of the functions cvlock calls is refused then, not
 * in the middle of a transfer.  Libraries are never dlclose()d: libcurl
 * keeps global state until exit, and a closed library would hide the
 * origin of any leak report.
 */
#include "config.h"
#include "util/util.h"
#include "util/lazylib.h"

#if CVL_LAZY_LIBS
#include <dlfcn.h>

struct lazylib {
	const char *what;    /* for messages */
	const char *soname;  /* found by configure */
	const char *env;     /* overrides soname */
	const char *package; /* Debian's, for the hint */
	const char *const *names;
	size_t n;
	void **fns;
	int state; /* 0: not tried; 1: loaded; -1: failed */
	char failure[384];
};

#define CVL_X_SYM_NAME(name) #name,
static const char *const curl_names[] = { CVL_CURL_SYMBOLS(CVL_X_SYM_NAME) };
static const char *const archive_names[] = {
	CVL_ARCHIVE_SYMBOLS(CVL_X_SYM_NAME)
};
#undef CVL_X_SYM_NAME

static void *curl_fns[CVL_CURL_NSYM];
static void *archive_fns[CVL_ARCHIVE_NSYM];

static struct lazylib libs[CVL_LIB_COUNT] = {
	[CVL_LIB_CURL] = { "libcurl", CVL_LIBCURL_SONAME, "CVLOCK_LIBCURL",
			   "libcurl4", curl_names, CVL_CURL_NSYM, curl_fns,
			   0, "" },
	[CVL_LIB_ARCHIVE] = { "libarchive", CVL_LIBARCHIVE_SONAME,
			      "CVLOCK_LIBARCHIVE", "libarchive13",
			      archive_names, CVL_ARCHIVE_NSYM, archive_fns,
			      0, "" },
};

static void lib_open(struct lazylib *l)
{
	const char *file = getenv(l->env);
	const char *why;
	void *h;
	size_t i;

	if (!file || !*file)
		file = l->soname;
	h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		goto fail;
	}
	for (i = 0; i < l->n; i++) {
		dlerror();
		l->fns[i] = dlsym(h, l->names[i]);
		if (!l->fns[i]) {
			why = dlerror();
			goto fail;
		}
	}
	l->state = 1;
	return;
fail:
	memset(l->fns, 0, l->n * sizeof(*l->fns));
	/* dlopen()'s message starts with the file name again */
	if (why && !strncmp(why, file, strlen(file)) &&
	    !strncmp(why + strlen(file), ": ", 2))
		why += strlen(file) + 2;
	snprintf(l->failure, sizeof(l->failure), "cannot load %s (%s): %s",
		 l->what, file, why ? why : "unknown error");
	l->state = -1;
}

int cvl_lib_load(enum cvl_lib lib, struct cvl_error *err)
{
	struct lazylib *l = &libs[lib];

	if (!l->state)
		lib_open(l);
	if (l->state > 0)
		return 0;
	cvl_error_set(err, CVL_EINTERNAL, "%s", l->failure);
	cvl_error_hint(err, "install %s's package (Debian: apt-get install %s)",
		       l->what, l->package);
	return -CVL_EINTERNAL;
}

bool cvl_lib_loaded(enum cvl_lib lib)
{
	return libs[lib].state > 0;
}

void *const *cvl_lib_table(enum cvl_lib lib)
{
	return libs[lib].state > 0 ? libs[lib].fns : NULL;
}

const char *cvl_lib_failure(enum cvl_lib lib)
{
	return libs[lib].failure;
}

#else /* linked directly */

int cvl_lib_load(enum cvl_lib lib, struct cvl_error *err)
{
	return 0;
}

bool cvl_lib_loaded(enum cvl_lib lib)
{
	return true;
}

void *const *cvl_lib_table(enum cvl_lib lib)
{
	return NULL;
}

const char *cvl_lib_failure(enum cvl_lib lib)
{
	return "";
}

#endif

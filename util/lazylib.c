/*
 * lazylib.c - load libcurl, libarchive and libcrypto on first use (see
 * util.h).
 *
 * The whole table of a library is resolved at once, right after dlopen():
 * a library without one of the functions cvlock calls is refused then, not
 * in the middle of a transfer.  Libraries are never dlclose()d: libcurl
 * keeps global state until exit, and a closed library would hide the
 * origin of any leak report.  Loading runs under pthread_once(), so any
 * thread may be the first to call a shim.
 */
#include "config.h"
#include "util/util.h"
#include "util/lazylib.h"

#include <time.h>

static bool two_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/* (lazylib.h) */
bool cvl_imf_fixdate(const char *s, time_t *out)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int mday, mon, yh, yl, year, hh, mm, ss, i;
	bool leap;

	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    strcmp(s + 25, " GMT"))
		return false;
	for (i = 0; i < 7; i++)
		if (!memcmp(s, days + 3 * i, 3))
			break;
	if (i == 7)
		return false;
	for (mon = 0; mon < 12; mon++)
		if (!memcmp(s + 8, months + 3 * mon, 3))
			break;
	if (mon == 12)
		return false;
	if (!two_digits(s + 5, &mday) || !two_digits(s + 12, &yh) ||
	    !two_digits(s + 14, &yl) || !two_digits(s + 17, &hh) ||
	    !two_digits(s + 20, &mm) || !two_digits(s + 23, &ss))
		return false;
	year = yh * 100 + yl;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (year < 1970 || mday < 1 || mday > mdays[mon] ||
	    (mon == 1 && mday == 29 && !leap) || hh > 23 || mm > 59 || ss > 59)
		return false;
	*out = (time_t)(cvl_days_from_civil(year, mon + 1, mday) * 86400 +
			hh * 3600 + mm * 60 + ss);
	return true;
}

#if CVL_LAZY_LIBS
#include <dlfcn.h>
#include <pthread.h>

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
static const char *const crypto_names[] = {
	CVL_CRYPTO_SYMBOLS(CVL_X_SYM_NAME)
};
#undef CVL_X_SYM_NAME

static void *curl_fns[CVL_CURL_NSYM];
static void *archive_fns[CVL_ARCHIVE_NSYM];
static void *crypto_fns[CVL_CRYPTO_NSYM];

static struct lazylib libs[CVL_LIB_COUNT] = {
	[CVL_LIB_CURL] = { "libcurl", CVL_LIBCURL_SONAME, "CVLOCK_LIBCURL",
			   "libcurl4", curl_names, CVL_CURL_NSYM, curl_fns,
			   0, "" },
	[CVL_LIB_ARCHIVE] = { "libarchive", CVL_LIBARCHIVE_SONAME,
			      "CVLOCK_LIBARCHIVE", "libarchive13",
			      archive_names, CVL_ARCHIVE_NSYM, archive_fns,
			      0, "" },
	[CVL_LIB_CRYPTO] = { "libcrypto", CVL_LIBCRYPTO_SONAME,
			     "CVLOCK_LIBCRYPTO", "libssl3", crypto_names,
			     CVL_CRYPTO_NSYM, crypto_fns, 0, "" },
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

static void open_curl(void)
{
	lib_open(&libs[CVL_LIB_CURL]);
}

static void open_archive(void)
{
	lib_open(&libs[CVL_LIB_ARCHIVE]);
}

static void open_crypto(void)
{
	lib_open(&libs[CVL_LIB_CRYPTO]);
}

/* sync's unpack threads may be the first to call libarchive or libcrypto */
static pthread_once_t once[CVL_LIB_COUNT] = { PTHREAD_ONCE_INIT,
					       PTHREAD_ONCE_INIT,
					       PTHREAD_ONCE_INIT };
static void (*const openers[CVL_LIB_COUNT])(void) = {
	[CVL_LIB_CURL] = open_curl,
	[CVL_LIB_ARCHIVE] = open_archive,
	[CVL_LIB_CRYPTO] = open_crypto,
};

int cvl_lib_load(enum cvl_lib lib, struct cvl_error *err)
{
	struct lazylib *l = &libs[lib];

	pthread_once(&once[lib], openers[lib]);
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

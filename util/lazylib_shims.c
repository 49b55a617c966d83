/*
 * lazylib_shims.c - the curl_*, archive_* and EVP_* functions that cvlock
 * calls, defined here so that the cvlock binary need not be linked with
 * libcurl, libarchive and libcrypto: each one loads its library on first
 * use (util/lazylib.c)
 * and calls the real function through the table (util/lazylib.h lists
 * them).  Only the cvlock binary links this file, and only when configured
 * without --disable-lazy-libs; the test programs link the libraries.
 *
 * A call that needs the library when it cannot be loaded fails the way the
 * real function fails, so that the callers' error paths report it:
 *
 *   curl_global_init()         CURLE_FAILED_INIT (index/http.c first asks
 *                              cvl_lib_load() for the whole message)
 *   curl_easy_init() and co    NULL
 *   curl_getdate()             -1, as for a date it cannot parse
 *   archive_read_new()         a placeholder handle: every call on it
 *                              returns ARCHIVE_FATAL, archive_errno() is
 *                              ELIBACC and archive_error_string() "cannot
 *                              load libarchive (libarchive.so.13): ..."
 *   EVP_sha256() and co,       NULL (a digest, a context), 0 (the status of
 *   EVP_MD_CTX_new(),          EVP_Digest*, as on any of their failures):
 *   EVP_Digest*()              the callers ask cvl_lib_load() for the
 *                              message (sync/download.c before it starts
 *                              any transfer)
 *
 * Calls that take a handle or an entry only happen once the library is
 * loaded (the handle came from it); releasing a NULL handle or list loads
 * nothing.  Varargs calls are forwarded by the type that the option's
 * number range gives (CURLOPTTYPE_*); curl_easy_getinfo() always takes a
 * pointer.
 */
#define CURL_DISABLE_TYPECHECK 1
#include "config.h"
#include "util/util.h"
#include "util/lazylib.h"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <time.h>

/* `name` from `table`, as a pointer to the function's own type */
#define REAL(table, name) ((__typeof__(&name))(table)[CVL_SYM_##name])

/* The table of `lib`, loading it now if needed; NULL if it cannot be. */
static void *const *load(enum cvl_lib lib)
{
	if (cvl_lib_load(lib, NULL))
		return NULL;
	return cvl_lib_table(lib);
}

/* The table of `lib`, which must be loaded: a handle of it was passed. */
static void *const *loaded(enum cvl_lib lib)
{
	void *const *t = cvl_lib_table(lib);

	static const char *const what[CVL_LIB_COUNT] = {
		[CVL_LIB_CURL] = "libcurl",
		[CVL_LIB_ARCHIVE] = "libarchive",
		[CVL_LIB_CRYPTO] = "libcrypto",
	};

	if (!t)
		BUG("%s handle used before the library was loaded", what[lib]);
	return t;
}

/* ---- libcurl ----------------------------------------------------------- */

CURLcode curl_global_init(long flags)
{
	void *const *t = load(CVL_LIB_CURL);

	if (!t)
		return CURLE_FAILED_INIT;
	return REAL(t, curl_global_init)(flags);
}

void curl_global_cleanup(void)
{
	if (cvl_lib_loaded(CVL_LIB_CURL))
		REAL(loaded(CVL_LIB_CURL), curl_global_cleanup)();
}

curl_version_info_data *curl_version_info(CURLversion v)
{
	void *const *t = load(CVL_LIB_CURL);

	if (!t)
		return NULL;
	return REAL(t, curl_version_info)(v);
}

time_t curl_getdate(const char *p, const time_t *unused)
{
	void *const *t;
	time_t when;

	if (p && cvl_imf_fixdate(p, &when))
		return when;
	t = load(CVL_LIB_CURL);
	if (!t)
		return -1;
	return REAL(t, curl_getdate)(p, unused);
}

CURL *curl_easy_init(void)
{
	void *const *t = load(CVL_LIB_CURL);

	if (!t)
		return NULL;
	return REAL(t, curl_easy_init)();
}

void curl_easy_cleanup(CURL *c)
{
	if (c)
		REAL(loaded(CVL_LIB_CURL), curl_easy_cleanup)(c);
}

void curl_easy_reset(CURL *c)
{
	if (c)
		REAL(loaded(CVL_LIB_CURL), curl_easy_reset)(c);
}

/* The argument of option `opt` (CURLOPT_* or CURLMOPT_*), by its type. */
union opt_arg {
	long l;
	void *p;
	void (*f)(void);
	curl_off_t o;
};

enum opt_type { OPT_LONG, OPT_POINTER, OPT_FUNCTION, OPT_OFF_T };

static enum opt_type opt_type(int opt)
{
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		return OPT_LONG;
	if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		return OPT_POINTER;
	if (opt < CURLOPTTYPE_OFF_T)
		return OPT_FUNCTION;
	if (opt < CURLOPTTYPE_BLOB)
		return OPT_OFF_T;
	return OPT_POINTER; /* a struct curl_blob * */
}

/*
 * Return REAL(t, fn)(h, opt, <the variadic argument, read as opt's type>)
 * from a function whose va_list `ap` starts after `opt`; `bad` when the
 * type is unknown.
 */
#define FORWARD_OPT(t, fn, h, opt, ap, bad)				\
	do {								\
		union opt_arg a_;					\
									\
		switch (opt_type((int)(opt))) {				\
		case OPT_LONG:						\
			a_.l = va_arg(ap, long);			\
			va_end(ap);					\
			return REAL(t, fn)(h, opt, a_.l);		\
		case OPT_POINTER:					\
			a_.p = va_arg(ap, void *);			\
			va_end(ap);					\
			return REAL(t, fn)(h, opt, a_.p);		\
		case OPT_FUNCTION:					\
			a_.f = va_arg(ap, void (*)(void));		\
			va_end(ap);					\
			return REAL(t, fn)(h, opt, a_.f);		\
		case OPT_OFF_T:						\
			a_.o = va_arg(ap, curl_off_t);			\
			va_end(ap);					\
			return REAL(t, fn)(h, opt, a_.o);		\
		}							\
		va_end(ap);						\
		return bad;						\
	} while (0)

CURLcode curl_easy_setopt(CURL *c, CURLoption opt, ...)
{
	void *const *t = loaded(CVL_LIB_CURL);
	va_list ap;

	va_start(ap, opt);
	FORWARD_OPT(t, curl_easy_setopt, c, opt, ap,
		    CURLE_BAD_FUNCTION_ARGUMENT);
}

CURLcode curl_easy_getinfo(CURL *c, CURLINFO info, ...)
{
	void *const *t = loaded(CVL_LIB_CURL);
	va_list ap;
	void *p;

	va_start(ap, info);
	p = va_arg(ap, void *);
	va_end(ap);
	return REAL(t, curl_easy_getinfo)(c, info, p);
}

const char *curl_easy_strerror(CURLcode code)
{
	void *const *t = load(CVL_LIB_CURL);

	if (!t)
		return cvl_lib_failure(CVL_LIB_CURL);
	return REAL(t, curl_easy_strerror)(code);
}

CURLM *curl_multi_init(void)
{
	void *const *t = load(CVL_LIB_CURL);

	if (!t)
		return NULL;
	return REAL(t, curl_multi_init)();
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
	if (!m)
		return CURLM_BAD_HANDLE;
	return REAL(loaded(CVL_LIB_CURL), curl_multi_cleanup)(m);
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	void *const *t = loaded(CVL_LIB_CURL);
	va_list ap;

	va_start(ap, opt);
	FORWARD_OPT(t, curl_multi_setopt, m, opt, ap, CURLM_UNKNOWN_OPTION);
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *c)
{
	return REAL(loaded(CVL_LIB_CURL), curl_multi_add_handle)(m, c);
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *c)
{
	return REAL(loaded(CVL_LIB_CURL), curl_multi_remove_handle)(m, c);
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
	return REAL(loaded(CVL_LIB_CURL), curl_multi_perform)(m, running);
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra_fds[],
			  unsigned int extra_nfds, int timeout_ms, int *ret)
{
	return REAL(loaded(CVL_LIB_CURL), curl_multi_poll)(m, extra_fds,
							     extra_nfds,
							     timeout_ms, ret);
}

CURLMsg *curl_multi_info_read(CURLM *m, int *msgs_in_queue)
{
	return REAL(loaded(CVL_LIB_CURL), curl_multi_info_read)(m,
								  msgs_in_queue);
}

const char *curl_multi_strerror(CURLMcode code)
{
	void *const *t = load(CVL_LIB_CURL);

	if (!t)
		return cvl_lib_failure(CVL_LIB_CURL);
	return REAL(t, curl_multi_strerror)(code);
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
	void *const *t = load(CVL_LIB_CURL);

	if (!t)
		return NULL;
	return REAL(t, curl_slist_append)(list, s);
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (list)
		REAL(loaded(CVL_LIB_CURL), curl_slist_free_all)(list);
}

/* ---- libarchive -------------------------------------------------------- */

/* What archive_read_new() returns when libarchive cannot be loaded. */
static char no_archive;
#define NO_ARCHIVE ((struct archive *)(void *)&no_archive)

#ifdef ELIBACC
#define NO_ARCHIVE_ERRNO ELIBACC
#else
#define NO_ARCHIVE_ERRNO ENOSYS
#endif

const char *archive_version_string(void)
{
	void *const *t = load(CVL_LIB_ARCHIVE);

	if (!t)
		return "libarchive (not loaded)";
	return REAL(t, archive_version_string)();
}

int archive_errno(struct archive *a)
{
	if (a == NO_ARCHIVE)
		return NO_ARCHIVE_ERRNO;
	return REAL(loaded(CVL_LIB_ARCHIVE), archive_errno)(a);
}

const char *archive_error_string(struct archive *a)
{
	if (a == NO_ARCHIVE)
		return cvl_lib_failure(CVL_LIB_ARCHIVE);
	return REAL(loaded(CVL_LIB_ARCHIVE), archive_error_string)(a);
}

struct archive *archive_read_new(void)
{
	void *const *t = load(CVL_LIB_ARCHIVE);

	if (!t)
		return NO_ARCHIVE;
	return REAL(t, archive_read_new)();
}

int archive_read_free(struct archive *a)
{
	if (!a || a == NO_ARCHIVE)
		return ARCHIVE_OK;
	return REAL(loaded(CVL_LIB_ARCHIVE), archive_read_free)(a);
}

/* The body of a call on an archive handle `a` that returns a status. */
#define ON_ARCHIVE(name, ...)                                                  \
	do {                                                                   \
		if (a == NO_ARCHIVE)                                           \
			return ARCHIVE_FATAL;                                  \
		return REAL(loaded(CVL_LIB_ARCHIVE), name)(a, ##__VA_ARGS__);  \
	} while (0)

int archive_read_support_filter_all(struct archive *a)
{
	ON_ARCHIVE(archive_read_support_filter_all);
}

int archive_read_support_format_gnutar(struct archive *a)
{
	ON_ARCHIVE(archive_read_support_format_gnutar);
}

int archive_read_support_format_tar(struct archive *a)
{
	ON_ARCHIVE(archive_read_support_format_tar);
}

int archive_read_support_format_zip(struct archive *a)
{
	ON_ARCHIVE(archive_read_support_format_zip);
}

int archive_read_support_format_zip_seekable(struct archive *a)
{
	ON_ARCHIVE(archive_read_support_format_zip_seekable);
}

int archive_read_support_format_zip_streamable(struct archive *a)
{
	ON_ARCHIVE(archive_read_support_format_zip_streamable);
}

int archive_read_open_filename(struct archive *a, const char *file,
			       size_t block_size)
{
	ON_ARCHIVE(archive_read_open_filename, file, block_size);
}

int archive_read_open_memory(struct archive *a, const void *buf, size_t size)
{
	ON_ARCHIVE(archive_read_open_memory, buf, size);
}

int archive_read_next_header(struct archive *a, struct archive_entry **e)
{
	ON_ARCHIVE(archive_read_next_header, e);
}

la_ssize_t archive_read_data(struct archive *a, void *buf, size_t size)
{
	ON_ARCHIVE(archive_read_data, buf, size);
}

#define ON_ENTRY(name)                                                         \
	return REAL(loaded(CVL_LIB_ARCHIVE), name)(e)

__LA_MODE_T archive_entry_filetype(struct archive_entry *e)
{
	ON_ENTRY(archive_entry_filetype);
}

const char *archive_entry_hardlink(struct archive_entry *e)
{
	ON_ENTRY(archive_entry_hardlink);
}

const char *archive_entry_pathname(struct archive_entry *e)
{
	ON_ENTRY(archive_entry_pathname);
}

const char *archive_entry_pathname_utf8(struct archive_entry *e)
{
	ON_ENTRY(archive_entry_pathname_utf8);
}

__LA_MODE_T archive_entry_perm(struct archive_entry *e)
{
	ON_ENTRY(archive_entry_perm);
}

la_int64_t archive_entry_size(struct archive_entry *e)
{
	ON_ENTRY(archive_entry_size);
}

int archive_entry_size_is_set(struct archive_entry *e)
{
	ON_ENTRY(archive_entry_size_is_set);
}

/* ---- libcrypto --------------------------------------------------------- */

/* A digest, or NULL when libcrypto cannot be loaded. */
#define DIGEST(name)                                                           \
	const EVP_MD *name(void)                                               \
	{                                                                      \
		void *const *t = load(CVL_LIB_CRYPTO);                         \
									       \
		if (!t)                                                        \
			return NULL;                                           \
		return REAL(t, name)();                                        \
	}

DIGEST(EVP_sha256)
DIGEST(EVP_sha384)
DIGEST(EVP_sha512)
DIGEST(EVP_md5)

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	void *const *t = load(CVL_LIB_CRYPTO);

	if (!t)
		return NULL;
	return REAL(t, EVP_MD_CTX_new)();
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	if (ctx)
		REAL(loaded(CVL_LIB_CRYPTO), EVP_MD_CTX_free)(ctx);
}

/*
 * The calls on a context fail as libcrypto fails them (0) for a NULL
 * context, which is what EVP_MD_CTX_new() gave without the library.
 */
int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	if (!ctx || !type)
		return 0;
	return REAL(loaded(CVL_LIB_CRYPTO), EVP_DigestInit_ex)(ctx, type,
								 impl);
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	if (!ctx)
		return 0;
	return REAL(loaded(CVL_LIB_CRYPTO), EVP_DigestUpdate)(ctx, d, cnt);
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	if (!ctx)
		return 0;
	return REAL(loaded(CVL_LIB_CRYPTO), EVP_DigestFinal_ex)(ctx, md, s);
}

int EVP_Digest(const void *data, size_t count, unsigned char *md,
	       unsigned int *size, const EVP_MD *type, ENGINE *impl)
{
	if (!type)
		return 0;
	return REAL(loaded(CVL_LIB_CRYPTO), EVP_Digest)(data, count, md, size,
							  type, impl);
}

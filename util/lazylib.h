/*
 * lazylib.h - private to util/lazylib.c and util/lazylib_shims.c: the
 * functions of libcurl, libarchive and libcrypto that cvlock calls, one X-macro per
 * library.  util/lazylib.c resolves them all at once with dlsym();
 * util/lazylib_shims.c defines each name as a function that calls through
 * the table.  A new curl_*, archive_* or EVP_* call in index/ or sync/ needs its
 * line here and its shim there (the link of cvlock fails until then).
 */
#ifndef CVL_LAZYLIB_H
#define CVL_LAZYLIB_H

#include "util/util.h"

#include <time.h>

#define CVL_CURL_SYMBOLS(X)                                                    \
	X(curl_global_init)                                                    \
	X(curl_global_cleanup)                                                 \
	X(curl_version_info)                                                   \
	X(curl_getdate)                                                        \
	X(curl_easy_init)                                                      \
	X(curl_easy_cleanup)                                                   \
	X(curl_easy_reset)                                                     \
	X(curl_easy_setopt)                                                    \
	X(curl_easy_getinfo)                                                   \
	X(curl_easy_strerror)                                                  \
	X(curl_multi_init)                                                     \
	X(curl_multi_cleanup)                                                  \
	X(curl_multi_setopt)                                                   \
	X(curl_multi_add_handle)                                               \
	X(curl_multi_remove_handle)                                            \
	X(curl_multi_perform)                                                  \
	X(curl_multi_poll)                                                     \
	X(curl_multi_info_read)                                                \
	X(curl_multi_strerror)                                                 \
	X(curl_slist_append)                                                   \
	X(curl_slist_free_all)

#define CVL_ARCHIVE_SYMBOLS(X)                                                 \
	X(archive_version_string)                                              \
	X(archive_errno)                                                       \
	X(archive_error_string)                                                \
	X(archive_read_new)                                                    \
	X(archive_read_free)                                                   \
	X(archive_read_support_filter_all)                                     \
	X(archive_read_support_format_gnutar)                                  \
	X(archive_read_support_format_tar)                                     \
	X(archive_read_support_format_zip)                                     \
	X(archive_read_support_format_zip_seekable)                            \
	X(archive_read_support_format_zip_streamable)                          \
	X(archive_read_open_filename)                                          \
	X(archive_read_open_memory)                                            \
	X(archive_read_next_header)                                            \
	X(archive_read_data)                                                   \
	X(archive_entry_filetype)                                              \
	X(archive_entry_hardlink)                                              \
	X(archive_entry_pathname)                                              \
	X(archive_entry_pathname_utf8)                                         \
	X(archive_entry_perm)                                                  \
	X(archive_entry_size)                                                  \
	X(archive_entry_size_is_set)

#define CVL_CRYPTO_SYMBOLS(X)                                                  \
	X(EVP_sha256)                                                          \
	X(EVP_sha384)                                                          \
	X(EVP_sha512)                                                          \
	X(EVP_md5)                                                             \
	X(EVP_MD_CTX_new)                                                      \
	X(EVP_MD_CTX_free)                                                     \
	X(EVP_DigestInit_ex)                                                   \
	X(EVP_DigestUpdate)                                                    \
	X(EVP_DigestFinal_ex)                                                  \
	X(EVP_Digest)

#define CVL_X_SYM_ENUM(name) CVL_SYM_##name,
enum cvl_curl_sym { CVL_CURL_SYMBOLS(CVL_X_SYM_ENUM) CVL_CURL_NSYM };
enum cvl_archive_sym { CVL_ARCHIVE_SYMBOLS(CVL_X_SYM_ENUM) CVL_ARCHIVE_NSYM };
enum cvl_crypto_sym { CVL_CRYPTO_SYMBOLS(CVL_X_SYM_ENUM) CVL_CRYPTO_NSYM };
#undef CVL_X_SYM_ENUM

/*
 * The addresses of `lib`'s functions, indexed by CVL_SYM_<name>, once
 * cvl_lib_load() succeeded; NULL before, or when loading failed.
 */
void *const *cvl_lib_table(enum cvl_lib lib);

/* Why loading `lib` failed ("cannot load ..."), or "" when it did not. */
const char *cvl_lib_failure(enum cvl_lib lib);

/*
 * The HTTP date that servers send, RFC 9110's IMF-fixdate ("Sun, 06 Nov
 * 1994 08:49:37 GMT"), strictly, into *out: so that reading a cached
 * response's Expires and Date does not load libcurl.  False for anything
 * else (other formats, impossible dates, years before 1970), which the
 * curl_getdate() shim hands to libcurl.  Where both parse a date, both
 * give the same time (tests/unit/test_util_lazylib.c).
 */
bool cvl_imf_fixdate(const char *s, time_t *out);

#endif

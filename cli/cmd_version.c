/* cmd_version.c - cvlock version */
#include "config.h"
#include "cli/cli.h"

#include <curl/curl.h>
#include <jansson.h>
#include <archive.h>
#include <openssl/opensslv.h>
#include <solv/solvversion.h>

enum { OPT_VERBOSE_VERSION = 1 };

static const struct cvl_option options[] = {
	{ "verbose", 'v', OPT_FLAG, OPT_VERBOSE_VERSION, NULL,
	  "also show the versions of the libraries cvlock uses" },
};

static int on_option(int id, const char *value, void *data)
{
	bool *verbose = data;

	(void)value;
	if (id == OPT_HELP) {
		cvl_print_usage("version", "[-v]", "Show the version of cvlock.",
				options, ARRAY_SIZE(options));
		exit(EXIT_OK);
	}
	*verbose = true;
	return 0;
}

/*
 * "libcurl 7.88.1", loading the library first when cvlock loads it on first
 * use (util.h); when it cannot, "libcurl unavailable" and the error.
 */
static int print_loaded(struct cvl_ctx *ctx, enum cvl_lib lib)
{
	struct cvl_error err = CVL_ERROR_INIT;
	const char *v;
	int rc;

	rc = cvl_lib_load(lib, &err);
	if (rc) {
		printf("%s unavailable\n",
		       lib == CVL_LIB_CURL ? "libcurl" : "libarchive");
		cvl_report(ctx, &err);
		return cvl_exit_status(rc);
	}
	if (lib == CVL_LIB_CURL) {
		printf("libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
		return EXIT_OK;
	}
	v = archive_version_string();
	if (!strncmp(v, "libarchive ", strlen("libarchive ")))
		v += strlen("libarchive ");
	printf("libarchive %s\n", v);
	return EXIT_OK;
}

int cmd_version(int argc, char **argv, struct cvl_ctx *ctx)
{
	bool verbose = ctx->verbose > 0;
	int npos, r;

	r = cvl_parse_options(ctx, "version", argc, argv, options,
			      ARRAY_SIZE(options), on_option, &verbose, &npos);
	if (r)
		return r;
	if (npos) {
		cvl_errorf("unexpected argument '%s'", argv[0]);
		fprintf(stderr, "hint: see 'cvlock version --help'\n");
		return EXIT_USAGE;
	}
	printf("cvlock %s\n", PACKAGE_VERSION);
	if (verbose) {
		printf("libsolv %s\n", solv_version);
		r = print_loaded(ctx, CVL_LIB_CURL);
		printf("jansson %s\n", jansson_version_str());
		if (print_loaded(ctx, CVL_LIB_ARCHIVE))
			r = EXIT_INTERNAL;
		printf("openssl %s\n", OPENSSL_VERSION_TEXT);
		return r;
	}
	return EXIT_OK;
}

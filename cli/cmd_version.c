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
		printf("libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
		printf("jansson %s\n", jansson_version_str());
		printf("libarchive %s\n", archive_version_string());
		printf("openssl %s\n", OPENSSL_VERSION_TEXT);
	}
	return EXIT_OK;
}

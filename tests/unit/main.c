/*
 * unit-tests - run every module's Check suite.  Usage: unit-tests [SUITE...]
 * Prints Check's per-test output for failures and ends with
 * "N passed, N failed".
 */
/* nftw() */
#define _XOPEN_SOURCE 700
#include "tests/unit/unit.h"

#include <ftw.h>

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
	{ "util", suite_util },
	{ "util_lazylib", suite_util_lazylib },
	{ "util_sha256", suite_util_sha256 },
	{ "pep_name", suite_pep_name },
	{ "pep_version", suite_pep_version },
	{ "pep_specifier", suite_pep_specifier },
	{ "pep_marker", suite_pep_marker },
	{ "pep_requirement", suite_pep_requirement },
	{ "pep_wheelname", suite_pep_wheelname },
	{ "pep_tags", suite_pep_tags },
	{ "pep_metadata", suite_pep_metadata },
	{ "toml", suite_toml },
	{ "pep_reqfile", suite_pep_reqfile },
	{ "pep_pyproject", suite_pep_pyproject },
	{ "pep_inputs", suite_pep_inputs },
	{ "url", suite_url },
	{ "index_page", suite_index_page },
	{ "index_json_scan", suite_index_json_scan },
	{ "index_page_codec", suite_index_page_codec },
	{ "index_zip", suite_index_zip },
	{ "index_client", suite_index_client },
	{ "lockfmt", suite_lockfmt },
	{ "lockfmt_graph", suite_lockfmt_graph },
	{ "lockfmt_diff", suite_lockfmt_diff },
	{ "index_cache", suite_index_cache },
	{ "index_auth", suite_index_auth },
	{ "sync_interp", suite_sync_interp },
	{ "sync_venv", suite_sync_venv },
	{ "sync_installed", suite_sync_installed },
	{ "sync_record", suite_sync_record },
	{ "sync_plan", suite_sync_plan },
	{ "sync_wheel", suite_sync_wheel },
	{ "resolver", suite_resolver },
};

const char *unit_data_path(const char *name)
{
	static char buf[4096];
	const char *top = getenv("top_srcdir");

	snprintf(buf, sizeof(buf), "%s/tests/unit/data/%s", top ? top : ".", name);
	return buf;
}

void unit_read_file(const char *path, struct strbuf *out)
{
	char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_msg(f != NULL, "cannot open '%s'", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	ck_assert_msg(!ferror(f), "cannot read '%s'", path);
	fclose(f);
}

void unit_tmpdir(char *buf, size_t size, const char *prefix)
{
	const char *t = getenv("TMPDIR");

	snprintf(buf, size, "%s/cvlock-%s-XXXXXX", t && *t ? t : "/tmp", prefix);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void unit_rm_rf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool wanted(int argc, char **argv, const char *name)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	SRunner *sr = NULL;
	size_t i;
	int run, failed;

	for (i = 0; i < ARRAY_SIZE(suites); i++) {
		if (!wanted(argc, argv, suites[i].name))
			continue;
		if (!sr)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (!sr) {
		fprintf(stderr, "unit-tests: no such suite\n");
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("%d passed, %d failed\n", run - failed, failed);
	return failed ? 1 : 0;
}

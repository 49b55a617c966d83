/*
 * unit.h - Check-based unit tests.  Each module has a file
 * tests/unit/test_<module>.c exporting `Suite *suite_<module>(void)`,
 * listed once in tests/unit/main.c.  Data-driven tests read tables from
 * tests/unit/data/ (found through $top_srcdir or ../tests/unit/data).
 */
#ifndef CVL_TESTS_UNIT_H
#define CVL_TESTS_UNIT_H

#include "util/util.h"

#include <check.h>

Suite *suite_util(void);
Suite *suite_util_lazylib(void);
Suite *suite_util_sha256(void);
Suite *suite_pep_name(void);
Suite *suite_pep_version(void);
Suite *suite_pep_specifier(void);
Suite *suite_pep_marker(void);
Suite *suite_pep_requirement(void);
Suite *suite_pep_wheelname(void);
Suite *suite_pep_tags(void);
Suite *suite_pep_metadata(void);
Suite *suite_toml(void);
Suite *suite_pep_reqfile(void);
Suite *suite_pep_pyproject(void);
Suite *suite_pep_inputs(void);
Suite *suite_url(void);
Suite *suite_index_page(void);
Suite *suite_index_json_scan(void);
Suite *suite_index_page_codec(void);
Suite *suite_index_zip(void);
Suite *suite_index_client(void);
Suite *suite_lockfmt(void);
Suite *suite_lockfmt_graph(void);
Suite *suite_lockfmt_diff(void);
Suite *suite_index_cache(void);
Suite *suite_index_auth(void);
Suite *suite_sync_interp(void);
Suite *suite_sync_venv(void);
Suite *suite_sync_installed(void);
Suite *suite_sync_record(void);
Suite *suite_sync_plan(void);
Suite *suite_sync_wheel(void);
Suite *suite_resolver(void);

/*
 * A new empty directory $TMPDIR/cvlock-PREFIX-XXXXXX (default /tmp) in
 * buf; fails the test when it cannot be made.
 */
void unit_tmpdir(char *buf, size_t size, const char *prefix);
/* Remove a file or a directory tree (no error when it is absent). */
void unit_rm_rf(const char *path);

/* Path of a data file under tests/unit/data (static buffer). */
const char *unit_data_path(const char *name);
/* Append the whole file `path` to `out`; fails the test when it cannot. */
void unit_read_file(const char *path, struct strbuf *out);

#endif

/*
 * testresolve - run resolver testcase files (format: resolver/testcase.c).
 *
 *     tests/testresolve [-r] [--roundtrip] FILE...
 *
 * Prints "ok FILE" or "FAIL FILE" (with the expected and actual output)
 * per file and ends with "N passed, N failed".  -r rewrites each file's
 * result block with the actual output.  --roundtrip also writes each case
 * back with res_testcase_write() (as --write-testcase does), replays that
 * and requires the same outcome.
 */
#include "resolver/resolver.h"

static int read_file(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	fclose(f);
	return 0;
}

static int write_file(const char *path, const char *a, size_t alen,
		      const char *b, size_t blen)
{
	FILE *f = fopen(path, "wb");
	int ret = 0;

	if (!f)
		return -1;
	if (fwrite(a, 1, alen, f) != alen || fwrite(b, 1, blen, f) != blen)
		ret = -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

/* Write the case back as a testcase, replay it; 0 when the outcome holds. */
static int roundtrip(struct res_testcase *tc, struct strbuf *msg)
{
	struct res_result r;
	struct strbuf why = STRBUF_INIT, written = STRBUF_INIT,
		      out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct res_testcase tc2;
	int ret = res_resolve(&tc->opts, tc->src, &r, &why, &err);

	if (ret < 0 && ret != -CVL_EUNSAT) {
		res_result_release(&r);
		strbuf_release(&why);
		return 0; /* errors are not replayed */
	}
	res_testcase_write(&tc->opts, &r, why.buf, &written);
	res_result_release(&r);
	ret = res_testcase_parse(&tc2, written.buf, written.len, &err);
	if (!ret)
		ret = res_testcase_run(&tc2, &out, &err);
	if (ret < 0)
		strbuf_addf(msg, "roundtrip: %s\n%s", err.msg, written.buf);
	else if (strcmp(out.buf, tc2.expected)) {
		strbuf_addf(msg, "roundtrip differs\n--- written\n%s--- replayed\n%s",
			    written.buf, out.buf);
		ret = -1;
	}
	res_testcase_release(&tc2);
	strbuf_release(&why);
	strbuf_release(&written);
	strbuf_release(&out);
	return ret;
}

int main(int argc, char **argv)
{
	bool rewrite = false, rt = false;
	int i, passed = 0, failed = 0;

	for (i = 1; i < argc; i++) {
		struct strbuf buf = STRBUF_INIT, out = STRBUF_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		struct res_testcase tc;

		if (!strcmp(argv[i], "-r")) {
			rewrite = true;
			continue;
		}
		if (!strcmp(argv[i], "--roundtrip")) {
			rt = true;
			continue;
		}
		if (read_file(argv[i], &buf) < 0) {
			printf("FAIL %s: cannot read\n", argv[i]);
			failed++;
			continue;
		}
		if (res_testcase_parse(&tc, buf.buf, buf.len, &err) < 0) {
			printf("FAIL %s: %s\n", argv[i], err.msg);
			failed++;
		} else if (res_testcase_run(&tc, &out, &err) < 0) {
			printf("FAIL %s: %s\n", argv[i], err.msg);
			failed++;
		} else if (!strcmp(out.buf, tc.expected)) {
			struct strbuf msg = STRBUF_INIT;

			if (rt && roundtrip(&tc, &msg) < 0) {
				printf("FAIL %s: %s", argv[i], msg.buf);
				failed++;
			} else {
				printf("ok %s\n", argv[i]);
				passed++;
			}
			strbuf_release(&msg);
		} else if (rewrite) {
			if (write_file(argv[i], buf.buf, tc.header_len,
				       out.buf, out.len) < 0) {
				printf("FAIL %s: cannot rewrite\n", argv[i]);
				failed++;
			} else {
				printf("rewrote %s\n", argv[i]);
				passed++;
			}
		} else {
			printf("FAIL %s\n--- expected\n%s--- actual\n%s---\n",
			       argv[i], tc.expected, out.buf);
			failed++;
		}
		res_testcase_release(&tc);
		strbuf_release(&buf);
		strbuf_release(&out);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* test_index_page.c - PEP 691 JSON and PEP 503 HTML project pages */
#include "tests/unit/unit.h"

#include "index/internal.h"

#define SHA_A "4a6f1b4e4f7d8c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3"
#define SHA_B "0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0"
#define SHA_M "9e107d9d372bb6826bd81d3542a419d6e277d4d731479571562f82a2d3f4b5c6"

static int parse_json(struct idx_page *p, const char *name, const char *body,
		      struct cvl_error *err)
{
	return idx_page_parse_json(p, name, "https://pypi.org/simple/sampleproject/",
				   body, strlen(body), err);
}

static int parse_html(struct idx_page *p, const char *name, const char *body,
		      struct cvl_error *err)
{
	return idx_page_parse_html(p, name, "https://pypi.org/simple/sampleproject/",
				   body, strlen(body), err);
}

/* The shape of https://pypi.org/simple/sampleproject/ as JSON. */
static const char pypi_json[] =
	"{\"meta\":{\"_last-serial\":21283513,\"api-version\":\"1.1\"},"
	"\"name\":\"sampleproject\","
	"\"versions\":[\"1.2.0\",\"1.3.0\",\"2.0.0\",\"3.0.0\"],"
	"\"files\":["
	"{\"core-metadata\":false,\"data-dist-info-metadata\":false,"
	"\"filename\":\"sampleproject-1.2.0-py2.py3-none-any.whl\","
	"\"hashes\":{\"sha256\":\"" SHA_A "\"},"
	"\"requires-python\":null,\"size\":3795,"
	"\"upload-time\":\"2015-06-14T14:38:05.093750Z\","
	"\"url\":\"https://files.pythonhosted.org/packages/30/52/547eb3719d0e872bdd6fe3ab60cef92596f95262e925e1943f68f840df88/sampleproject-1.2.0-py2.py3-none-any.whl\","
	"\"yanked\":false},"
	"{\"core-metadata\":false,\"filename\":\"sampleproject-1.2.0.tar.gz\","
	"\"hashes\":{\"md5\":\"BBD592C10EA4D28F18B6EC0A4F3BAC1A\",\"sha256\":\"" SHA_B "\"},"
	"\"requires-python\":null,\"size\":3148,"
	"\"upload-time\":\"2015-06-14T14:37:56.000000Z\","
	"\"url\":\"../../packages/eb/45/a5ec09f8f5ba0b0ba6ca4ec8aa70e8ffda29c1bd29a1e17c8d8e44dc8e1a/sampleproject-1.2.0.tar.gz\","
	"\"yanked\":\"broken metadata\"},"
	"{\"core-metadata\":{\"sha256\":\"" SHA_M "\"},"
	"\"data-dist-info-metadata\":{\"sha256\":\"" SHA_M "\"},"
	"\"filename\":\"sampleproject-3.0.0-py3-none-any.whl\","
	"\"hashes\":{\"sha256\":\"" SHA_A "\"},"
	"\"requires-python\":\">=3.7\",\"size\":4662,"
	"\"upload-time\":\"2021-11-08T17:40:58.524212Z\","
	"\"url\":\"../../packages/ec/a8/5ec62d18adde798d33a170e7f72930357aa69a60839194c93eb0fb05e59c/sampleproject-3.0.0-py3-none-any.whl\","
	"\"yanked\":false},"
	"{\"dist-info-metadata\":true,\"filename\":\"sampleproject-3.0.0.tar.gz\","
	"\"hashes\":{\"sha256\":\"" SHA_B "\",\"blake2b_256\":\"e1a8\"},"
	"\"requires-python\":\">=3.7\",\"size\":5330,"
	"\"upload-time\":\"2021-11-08T17:41:00Z\","
	"\"url\":\"../../packages/a6/aa/0090d487d204f5de30035c00f6c71b53ec7f613138d8653eebac50f47f45/sampleproject-3.0.0.tar.gz\","
	"\"yanked\":\"\"}"
	"]}";

START_TEST(json_pypi_page)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const struct idx_file *f;

	ck_assert_int_eq(parse_json(&p, "SampleProject", pypi_json, &err), 0);
	ck_assert_str_eq(p.name, "sampleproject");
	ck_assert_str_eq(p.url, "https://pypi.org/simple/sampleproject/");
	ck_assert_uint_eq(p.nfiles, 4);
	ck_assert_uint_eq(p.nversions, 4);
	ck_assert_str_eq(p.versions[0], "1.2.0");
	ck_assert_str_eq(p.versions[3], "3.0.0");

	f = &p.files[0];
	ck_assert_str_eq(f->filename, "sampleproject-1.2.0-py2.py3-none-any.whl");
	ck_assert_int_eq(f->kind, IDX_FILE_WHEEL);
	ck_assert_str_eq(f->name, "sampleproject");
	ck_assert_str_eq(f->version_str, "1.2.0");
	ck_assert_ptr_nonnull(f->wheel);
	ck_assert_uint_eq(f->wheel->tags.nr, 2);
	ck_assert_str_eq(f->wheel->tags.v[0], "py2-none-any");
	ck_assert_str_eq(f->url, "https://files.pythonhosted.org/packages/30/52/547eb3719d0e872bdd6fe3ab60cef92596f95262e925e1943f68f840df88/sampleproject-1.2.0-py2.py3-none-any.whl");
	/* the file name is shared with the end of the URL */
	ck_assert_ptr_eq(f->filename,
			 f->url + strlen(f->url) - strlen(f->filename));
	ck_assert_uint_eq(f->nhashes, 1);
	ck_assert_int_eq(f->hashes[0].alg, IDX_HASH_SHA256);
	ck_assert_str_eq(f->hashes[0].hex, SHA_A);
	ck_assert_ptr_null(f->requires_python);
	ck_assert(!f->yanked);
	ck_assert(!f->has_metadata);
	ck_assert_int_eq(f->size, 3795);
	ck_assert_int_eq(f->upload_time, 1434292685);

	f = &p.files[1];
	ck_assert_int_eq(f->kind, IDX_FILE_SDIST);
	ck_assert_ptr_null(f->wheel);
	ck_assert_str_eq(f->version_str, "1.2.0");
	ck_assert_str_eq(f->url, "https://pypi.org/packages/eb/45/a5ec09f8f5ba0b0ba6ca4ec8aa70e8ffda29c1bd29a1e17c8d8e44dc8e1a/sampleproject-1.2.0.tar.gz");
	ck_assert_uint_eq(f->nhashes, 2);
	ck_assert_int_eq(f->hashes[0].alg, IDX_HASH_MD5);
	ck_assert_str_eq(f->hashes[0].hex, "bbd592c10ea4d28f18b6ec0a4f3bac1a");
	ck_assert_int_eq(f->hashes[1].alg, IDX_HASH_SHA256);
	ck_assert(f->yanked);
	ck_assert_str_eq(f->yanked_reason, "broken metadata");
	ck_assert_int_eq(f->upload_time, 1434292676);

	f = &p.files[2];
	ck_assert_int_eq(f->kind, IDX_FILE_WHEEL);
	ck_assert_str_eq(f->version_str, "3.0.0");
	ck_assert_str_eq(f->requires_python, ">=3.7");
	ck_assert(f->has_metadata);
	ck_assert_uint_eq(f->nmetadata_hashes, 1);
	ck_assert_str_eq(f->metadata_hashes[0].hex, SHA_M);
	ck_assert_int_eq(f->upload_time, 1636393258);

	f = &p.files[3];
	ck_assert_int_eq(f->kind, IDX_FILE_SDIST);
	ck_assert(f->has_metadata); /* legacy key */
	ck_assert_uint_eq(f->nmetadata_hashes, 0);
	ck_assert_uint_eq(f->nhashes, 1); /* blake2b_256 is not ours */
	ck_assert(f->yanked);             /* "" still means yanked */
	ck_assert_ptr_null(f->yanked_reason);

	/* parsing again into the same page releases the old one */
	ck_assert_int_eq(parse_json(&p, "sampleproject", pypi_json, &err), 0);
	ck_assert_uint_eq(p.nfiles, 4);
	idx_page_release(&p);
	idx_page_release(&p);
}
END_TEST

START_TEST(json_file_kinds)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	static const char body[] =
		"{\"meta\":{\"api-version\":\"1.0\"},\"name\":\"foo-bar\",\"files\":["
		"{\"filename\":\"Foo_Bar-2.0rc1-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl\",\"url\":\"a.whl\",\"hashes\":{}},"
		"{\"filename\":\"foo-bar-1.0-1.tar.gz\",\"url\":\"b\",\"hashes\":{}},"
		"{\"filename\":\"foo.bar-1.0.zip\",\"url\":\"c\",\"hashes\":{}},"
		"{\"filename\":\"other-1.0.tar.gz\",\"url\":\"d\",\"hashes\":{}},"
		"{\"filename\":\"other-1.0-py3-none-any.whl\",\"url\":\"e\",\"hashes\":{}},"
		"{\"filename\":\"foo_bar-1.0-py2.7.egg\",\"url\":\"f\",\"hashes\":{}},"
		"{\"filename\":\"foo-bar-1.0.win32.exe\",\"url\":\"g\",\"hashes\":{}},"
		"{\"filename\":\"foo_bar-notaversion.tar.gz\",\"url\":\"h\",\"hashes\":{}},"
		"{\"filename\":\"foo_bar-1.0.tar.bz2\",\"url\":\"i\",\"hashes\":{}}"
		"]}";

	ck_assert_int_eq(parse_json(&p, "Foo.Bar", body, &err), 0);
	ck_assert_str_eq(p.name, "foo-bar");
	ck_assert_ptr_null(p.versions);
	ck_assert_uint_eq(p.nfiles, 9);
	ck_assert_int_eq(p.files[0].kind, IDX_FILE_WHEEL);
	ck_assert_str_eq(p.files[0].version_str, "2.0rc1");
	/* the build tag is part of the name, not of the version or tags */
	ck_assert_str_eq(p.files[0].wheel->name, "foo-bar");
	ck_assert_uint_eq(p.files[0].wheel->tags.nr, 2);
	ck_assert_str_eq(p.files[0].wheel->tags.v[0],
			 "cp312-cp312-manylinux2014_x86_64");
	ck_assert_str_eq(p.files[0].wheel->tags.v[1],
			 "cp312-cp312-manylinux_2_17_x86_64");
	ck_assert_ptr_nonnull(p.files[0].version);
	ck_assert(pep_version_is_prerelease(p.files[0].version));
	ck_assert_str_eq(p.files[0].url, "https://pypi.org/simple/sampleproject/a.whl");
	/* a dash in the version (implicit post release): split by the name */
	ck_assert_int_eq(p.files[1].kind, IDX_FILE_SDIST);
	ck_assert_str_eq(p.files[1].version_str, "1.0.post1");
	ck_assert_int_eq(p.files[2].kind, IDX_FILE_SDIST);
	ck_assert_str_eq(p.files[2].name, "foo-bar");
	/* files of another project or with unparsable names */
	for (size_t i = 3; i < 9; i++) {
		ck_assert_int_eq(p.files[i].kind, IDX_FILE_OTHER);
		ck_assert_ptr_null(p.files[i].wheel);
		ck_assert_ptr_null(p.files[i].version);
		ck_assert_ptr_null(p.files[i].version_str);
		ck_assert_ptr_null(p.files[i].name);
		ck_assert_int_eq(p.files[i].size, -1);
		ck_assert_int_eq(p.files[i].upload_time, -1);
	}
	idx_page_release(&p);
}
END_TEST

/*
 * A large page (the files array is reallocated many times): the files of
 * one version share its parsed version and string, wheels with one tag
 * set share the tags, and the versions stay valid and comparable (a
 * version with heap parts too: more than five release numbers and a
 * local label).  A merged copy keeps all of it, in its own page.
 */
START_TEST(page_files_share_versions)
{
	struct idx_page p = IDX_PAGE_INIT, q = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf body = STRBUF_INIT;
	static const char *const tails[] = {
		"-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"-cp311-cp311-win_amd64.whl", "-py3-none-any.whl", ".tar.gz",
	};
	size_t i, k, nv = 40;

	strbuf_addstr(&body, "{\"meta\":{\"api-version\":\"1.0\"},"
			     "\"name\":\"foo\",\"files\":[");
	for (i = 0; i < nv; i++) {
		for (k = 0; k < ARRAY_SIZE(tails); k++) {
			const char *ver = i == 7 ? "1.2.3.4.5.6+Local_1" : NULL;

			strbuf_addf(&body, "%s{\"filename\":\"foo-",
				    i || k ? "," : "");
			if (ver)
				strbuf_addstr(&body, ver);
			else
				strbuf_addf(&body, "%zu.0", i);
			strbuf_addf(&body, "%s\",\"url\":\"f%zu-%zu\","
				    "\"hashes\":{\"sha256\":\"%s\"}}",
				    tails[k], i, k, k & 1 ? SHA_A : SHA_B);
		}
	}
	strbuf_addstr(&body, "]}");
	ck_assert_int_eq(parse_json(&p, "foo", body.buf, &err), 0);
	ck_assert_uint_eq(p.nfiles, nv * ARRAY_SIZE(tails));
	ck_assert_uint_eq(p.nparsed, nv);
	for (i = 0; i < nv; i++) {
		const struct idx_file *f = &p.files[i * ARRAY_SIZE(tails)];

		for (k = 1; k < ARRAY_SIZE(tails); k++) {
			ck_assert_ptr_eq(f[k].version, f[0].version);
			ck_assert_ptr_eq(f[k].version_str, f[0].version_str);
			ck_assert_str_eq(f[k].hashes[0].hex,
					 k & 1 ? SHA_A : SHA_B);
		}
		ck_assert_ptr_null(f[3].wheel);
		/* a URL that does not end with the file name */
		ck_assert_str_eq(f[3].filename + strlen(f[3].filename) - 7,
				 ".tar.gz");
		if (i) {
			/* same tags as the previous version's wheels */
			ck_assert_ptr_eq(f[0].wheel, f[-4].wheel);
			ck_assert_int_eq(pep_version_cmp(f[0].version,
							 f[-4].version),
					 i == 7 ? -1 : 1);
		}
		ck_assert_uint_eq(f[0].wheel->tags.nr, 2);
		ck_assert_uint_eq(f[2].wheel->tags.nr, 1);
		ck_assert_str_eq(f[2].wheel->tags.v[0], "py3-none-any");
	}
	ck_assert_str_eq(p.files[7 * 4].version_str, "1.2.3.4.5.6+local.1");
	ck_assert_int_eq(pep_version_cmp(p.files[7 * 4].version,
					 p.files[7 * 4 + 3].version), 0);

	/* a copy into another page: its own strings, the same values */
	q.name = arena_strndup(&q.arena, "foo", 3);
	for (i = 0; i < p.nfiles; i++)
		idx__page_copy_file(&q, &p.files[i]);
	ck_assert_uint_eq(q.nparsed, nv);
	for (i = 0; i < p.nfiles; i++) {
		const struct idx_file *a = &p.files[i], *b = &q.files[i];

		ck_assert_ptr_ne(a->filename, b->filename);
		ck_assert_str_eq(a->filename, b->filename);
		ck_assert_str_eq(a->version_str, b->version_str);
		ck_assert_ptr_ne(a->version, b->version);
		ck_assert_int_eq(pep_version_cmp(a->version, b->version), 0);
		ck_assert_ptr_ne(a->hashes[0].hex, b->hashes[0].hex);
		ck_assert_str_eq(a->hashes[0].hex, b->hashes[0].hex);
		ck_assert_ptr_eq(b->name, q.name);
		if (a->wheel) {
			ck_assert_uint_eq(a->wheel->tags.nr, b->wheel->tags.nr);
			for (k = 0; k < a->wheel->tags.nr; k++)
				ck_assert_str_eq(a->wheel->tags.v[k],
						 b->wheel->tags.v[k]);
		}
	}
	idx_page_release(&p);
	/* q outlives p */
	ck_assert_str_eq(q.files[7 * 4 + 1].version_str, "1.2.3.4.5.6+local.1");
	ck_assert(!pep_version_is_prerelease(q.files[7 * 4 + 1].version));
	idx_page_release(&q);
	strbuf_release(&body);
}
END_TEST

static void check_json_error(const char *body, int code, const char *msg)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse_json(&p, "foo", body, &err), -code);
	ck_assert_msg(!strcmp(err.msg, msg), "for %s\n got '%s'\nwant '%s'",
		      body, err.msg, msg);
	ck_assert_uint_eq(p.nfiles, 0);
	ck_assert_ptr_null(p.name);
	idx_page_release(&p);
}

#define PFX "invalid project page 'https://pypi.org/simple/sampleproject/': "
#define META "{\"meta\":{\"api-version\":\"1.0\"},"

START_TEST(json_api_version)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse_json(&p, "foo", "{\"meta\":{\"api-version\":\"1.4\"},\"files\":[]}", &err), 0);
	ck_assert_int_eq(parse_json(&p, "foo", "{\"meta\":{\"api-version\":\"1.10\"},\"files\":[]}", &err), 0);
	ck_assert_uint_eq(p.nfiles, 0);
	idx_page_release(&p);
	check_json_error("{\"meta\":{\"api-version\":\"2.0\"},\"files\":[]}",
			 CVL_EUNSUPPORTED, PFX "unsupported api-version '2.0': expected 1.x");
	check_json_error("{\"meta\":{\"api-version\":\"0.9\"},\"files\":[]}",
			 CVL_EUNSUPPORTED, PFX "unsupported api-version '0.9': expected 1.x");
	check_json_error("{\"meta\":{\"api-version\":\"1\"},\"files\":[]}",
			 CVL_EINVAL, PFX "invalid api-version '1': expected MAJOR.MINOR");
	check_json_error("{\"meta\":{\"api-version\":\"1.0b\"},\"files\":[]}",
			 CVL_EINVAL, PFX "invalid api-version '1.0b': expected MAJOR.MINOR");
	check_json_error("{\"meta\":{\"api-version\":1.0},\"files\":[]}",
			 CVL_EINVAL, PFX "expected a string for 'meta.api-version', got a number");
	check_json_error("{\"meta\":{},\"files\":[]}",
			 CVL_EINVAL, PFX "missing 'meta.api-version'");
	check_json_error("{\"files\":[]}", CVL_EINVAL, PFX "missing 'meta'");
}
END_TEST

START_TEST(json_malformed)
{
	check_json_error("", CVL_EINVAL,
			 PFX "not valid JSON: '[' or '{' expected near end of file at line 1, column 0");
	check_json_error("{\"meta\": ", CVL_EINVAL,
			 PFX "not valid JSON: unexpected token near end of file at line 1, column 9");
	check_json_error("<html></html>", CVL_EINVAL,
			 PFX "not valid JSON: '[' or '{' expected near '<' at line 1, column 1");
	check_json_error("[]", CVL_EINVAL,
			 PFX "expected an object at the top level, got an array");
	check_json_error(META "\"files\":{}}", CVL_EINVAL,
			 PFX "expected an array for 'files', got an object");
	check_json_error(META "\"name\":\"foo\"}", CVL_EINVAL, PFX "missing 'files'");
	check_json_error(META "\"files\":[1]}", CVL_EINVAL,
			 PFX "files[0]: expected an object, got an integer");
	check_json_error(META "\"files\":[{\"url\":\"x\"}]}", CVL_EINVAL,
			 PFX "files[0].filename: expected a string, got nothing");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":null}]}", CVL_EINVAL,
			 PFX "files[0].url: expected a string, got null");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"hashes\":[]}]}",
			 CVL_EINVAL, PFX "files[0].hashes: expected an object, got an array");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"yanked\":1}]}",
			 CVL_EINVAL, PFX "files[0].yanked: expected a boolean or a string, got an integer");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"requires-python\":3}]}",
			 CVL_EINVAL, PFX "files[0].requires-python: expected a string, got an integer");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\"},{\"filename\":\"y\",\"url\":\"y\",\"core-metadata\":\"yes\"}]}",
			 CVL_EINVAL, PFX "files[1].core-metadata: expected a boolean or an object, got a string");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"size\":-1}]}",
			 CVL_EINVAL, PFX "files[0].size: expected a non-negative integer, got an integer");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"size\":1.5}]}",
			 CVL_EINVAL, PFX "files[0].size: expected a non-negative integer, got a number");
	check_json_error(META "\"files\":[],\"versions\":[\"1.0\",2]}",
			 CVL_EINVAL, PFX "versions[1]: expected a string, got an integer");
	check_json_error(META "\"files\":[],\"versions\":{}}",
			 CVL_EINVAL, PFX "versions: expected an array, got an object");
	/* \u0000 would cut our strings short: jansson refuses it */
	check_json_error(META "\"files\":[{\"filename\":\"a\\u0000b\",\"url\":\"x\"}]}",
			 CVL_EINVAL, PFX "not valid JSON: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"' at line 1, column 61");
}
END_TEST

START_TEST(json_not_utf8)
{
	check_json_error(META "\"files\":[{\"filename\":\"caf\xe9.tar.gz\",\"url\":\"x\"}]}",
			 CVL_EINVAL, PFX "not valid JSON: unable to decode byte 0xe9 near '\"caf' at line 1, column 55");
	check_json_error("\xef\xbb\xbf\xef\xbb\xbf{}", CVL_EINVAL,
			 PFX "not valid JSON: '[' or '{' expected near '\xef\xbb\xbf' at line 1, column 1");
	check_json_error("{\"meta\":{\"api-version\":\"1.0\"},\"files\":[],\"x\":\"\xed\xa0\x80\"}",
			 CVL_EINVAL, PFX "not valid JSON: unable to decode byte 0xed near '\"' at line 1, column 46");
}

START_TEST(json_bom)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	/* one UTF-8 byte order mark may lead (RFC 8259 section 8.1) */
	ck_assert_int_eq(parse_json(&p, "foo", "\xef\xbb\xbf" META "\"files\":[]}", &err), 0);
	idx_page_release(&p);
}
END_TEST

START_TEST(json_too_big)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	static const char body[] = "{}";

	/* the size is checked before a single byte is read */
	ck_assert_int_eq(idx_page_parse_json(&p, "foo", "https://h/simple/foo/", body,
					     IDX_PAGE_MAX_SIZE + 1, &err),
			 -CVL_ETOOBIG);
	ck_assert_str_eq(err.msg, "invalid project page 'https://h/simple/foo/': 67108865 bytes, more than the 64 MiB allowed");
	ck_assert_int_eq(idx_page_parse_html(&p, NULL, "https://h/simple/foo/", body,
					     IDX_PAGE_MAX_SIZE + 1, &err),
			 -CVL_ETOOBIG);
	ck_assert_uint_eq(p.nfiles, 0);
	idx_page_release(&p);
}
END_TEST

START_TEST(json_hashes)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf body = STRBUF_INIT;
	const char *sha384 = "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b";
	const char *sha512 = "CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A538327AF927DA3E";

	strbuf_addf(&body, META "\"files\":[{\"filename\":\"foo-1.0.tar.gz\","
		    "\"url\":\"foo-1.0.tar.gz#sha256=%s&egg=foo\","
		    "\"hashes\":{\"sha512\":\"%s\",\"sha384\":\"%s\",\"sha256\":\"%s\","
		    "\"sha1\":\"whatever\"},"
		    "\"core-metadata\":{\"sha512\":\"%s\",\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"}}]}",
		    SHA_A, sha512, sha384, SHA_A, sha512);
	ck_assert_int_eq(parse_json(&p, "foo", body.buf, &err), 0);
	ck_assert_uint_eq(p.files[0].nhashes, 3);
	ck_assert_int_eq(p.files[0].hashes[0].alg, IDX_HASH_SHA512);
	ck_assert_str_eq(p.files[0].hashes[0].hex, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
	ck_assert_int_eq(p.files[0].hashes[1].alg, IDX_HASH_SHA384);
	ck_assert_str_eq(p.files[0].hashes[1].hex, sha384);
	ck_assert_int_eq(p.files[0].hashes[2].alg, IDX_HASH_SHA256);
	/* the fragment does not stay in the URL */
	ck_assert_str_eq(p.files[0].url, "https://pypi.org/simple/sampleproject/foo-1.0.tar.gz");
	ck_assert_uint_eq(p.files[0].nmetadata_hashes, 2);
	ck_assert_int_eq(p.files[0].metadata_hashes[1].alg, IDX_HASH_MD5);
	idx_page_release(&p);
	strbuf_release(&body);

	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"hashes\":{\"sha256\":\"abc\"}}]}",
			 CVL_EINVAL, PFX "files[0].hashes.sha256: expected 64 hex digits for sha256, got 'abc'");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"hashes\":{\"sha256\":\"" SHA_A "0\"}}]}",
			 CVL_EINVAL, PFX "files[0].hashes.sha256: expected 64 hex digits for sha256, got '" SHA_A "0'");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"hashes\":{\"md5\":\"d41d8cd98f00b204e9800998ecf8427g\"}}]}",
			 CVL_EINVAL, PFX "files[0].hashes.md5: expected 32 hex digits for md5, got 'd41d8cd98f00b204e9800998ecf8427g'");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"hashes\":{\"sha256\":7}}]}",
			 CVL_EINVAL, PFX "files[0].hashes.sha256: expected a string, got an integer");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"core-metadata\":{\"sha256\":\"\"}}]}",
			 CVL_EINVAL, PFX "files[0].core-metadata.sha256: expected 64 hex digits for sha256, got ''");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x#sha256=" SHA_B "\",\"hashes\":{\"sha256\":\"" SHA_A "\"}}]}",
			 CVL_EINVAL, PFX "files[0].url: two different sha256 hashes '" SHA_A "' and '" SHA_B "'");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x#md5=zz\"}]}",
			 CVL_EINVAL, PFX "files[0].url: expected 32 hex digits for md5, got 'zz'");
}
END_TEST

START_TEST(json_upload_time)
{
	static const struct {
		const char *s;
		int64_t t; /* -2: malformed */
	} cases[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2015-06-14T14:38:05.093750Z", 1434292685 },
		{ "2021-11-08T17:40:58.524212Z", 1636393258 },
		{ "2024-02-29T23:59:59Z", 1709251199 },
		{ "2024-02-29 23:59:59z", 1709251199 },
		{ "2024-03-01T01:00:00+01:00", 1709251200 },
		{ "2024-02-29T19:00:00-05:00", 1709251200 },
		{ "2024-03-01T00:00:00", 1709251200 }, /* no zone: UTC */
		{ "1969-12-31T23:59:59Z", -1 },
		{ "2038-01-19T03:14:08Z", 2147483648LL },
		{ "2023-02-29T00:00:00Z", -2 },
		{ "2024-13-01T00:00:00Z", -2 },
		{ "2024-01-01T24:00:00Z", -2 },
		{ "2024-01-01T00:00:00.Z", -2 },
		{ "2024-01-01T00:00:00+0100", -2 },
		{ "2024-01-01", -2 },
		{ "2024-01-01T00:00:00Zjunk", -2 },
		{ "2024-1-01T00:00:00Z", -2 },
		{ "", -2 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t t = 12345;
		int r = idx__parse_iso8601(cases[i].s, strlen(cases[i].s), &t);

		if (cases[i].t == -2) {
			ck_assert_msg(r < 0, "'%s' parsed", cases[i].s);
		} else {
			ck_assert_msg(r == 0, "'%s' did not parse", cases[i].s);
			ck_assert_msg(t == cases[i].t, "'%s' = %lld, want %lld",
				      cases[i].s, (long long)t,
				      (long long)cases[i].t);
		}
	}
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"upload-time\":\"yesterday\"}]}",
			 CVL_EINVAL, PFX "files[0].upload-time: expected an ISO 8601 time like '2024-01-31T12:00:00.123456Z', got 'yesterday'");
	check_json_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"upload-time\":1700000000}]}",
			 CVL_EINVAL, PFX "files[0].upload-time: expected a string, got an integer");
}
END_TEST

START_TEST(json_redacts_url_in_errors)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(idx_page_parse_json(&p, "foo", "https://me:hunter2@h/simple/foo/",
					     "{", 1, &err),
			 -CVL_EINVAL);
	ck_assert_ptr_null(strstr(err.msg, "hunter2"));
	ck_assert_str_eq(err.msg, "invalid project page 'https://me:***@h/simple/foo/': not valid JSON: string or '}' expected near end of file at line 1, column 1");
	idx_page_release(&p);
}
END_TEST

/* The shape of https://pypi.org/simple/sampleproject/ as HTML. */
static const char pypi_html[] =
	"<!DOCTYPE html>\n"
	"<html>\n"
	"  <head>\n"
	"    <meta name=\"pypi:repository-version\" content=\"1.1\">\n"
	"    <title>Links for sampleproject</title>\n"
	"  </head>\n"
	"  <body>\n"
	"    <h1>Links for sampleproject</h1>\n"
	"    <a href=\"https://files.pythonhosted.org/packages/30/52/547eb3719d0e872bdd6fe3ab60cef92596f95262e925e1943f68f840df88/sampleproject-1.2.0-py2.py3-none-any.whl#sha256=" SHA_A "\" >sampleproject-1.2.0-py2.py3-none-any.whl</a><br />\n"
	"    <a href=\"../../packages/eb/45/a5ec09f8f5ba0b0ba6ca4ec8aa70e8ffda29c1bd29a1e17c8d8e44dc8e1a/sampleproject-1.2.0.tar.gz#sha256=" SHA_B "\" data-yanked=\"broken &lt;metadata&gt; &amp; &#39;more&#x27;\">sampleproject-1.2.0.tar.gz</a><br />\n"
	"    <a href=\"../../packages/ec/a8/5ec62d18adde798d33a170e7f72930357aa69a60839194c93eb0fb05e59c/sampleproject-3.0.0-py3-none-any.whl#sha256=" SHA_A "\" data-requires-python=\"&gt;=3.7\" data-dist-info-metadata=\"sha256=" SHA_M "\" data-core-metadata=\"sha256=" SHA_M "\">sampleproject-3.0.0-py3-none-any.whl</a><br />\n"
	"    <a href=\"../../packages/a6/aa/0090d487d204f5de30035c00f6c71b53ec7f613138d8653eebac50f47f45/sampleproject-3.0.0.tar.gz#sha256=" SHA_B "\" data-requires-python=\"&gt;=3.7,&lt;4\" data-yanked=\"\" data-dist-info-metadata=\"true\">sampleproject-3.0.0.tar.gz</a><br />\n"
	"  </body>\n"
	"</html>\n"
	"<!--SERIAL 21283513-->";

START_TEST(html_pypi_page)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const struct idx_file *f;

	ck_assert_int_eq(parse_html(&p, "sampleproject", pypi_html, &err), 0);
	ck_assert_str_eq(p.name, "sampleproject");
	ck_assert_uint_eq(p.nfiles, 4);
	ck_assert_ptr_null(p.versions);

	f = &p.files[0];
	ck_assert_str_eq(f->filename, "sampleproject-1.2.0-py2.py3-none-any.whl");
	ck_assert_int_eq(f->kind, IDX_FILE_WHEEL);
	ck_assert_str_eq(f->url, "https://files.pythonhosted.org/packages/30/52/547eb3719d0e872bdd6fe3ab60cef92596f95262e925e1943f68f840df88/sampleproject-1.2.0-py2.py3-none-any.whl");
	ck_assert_uint_eq(f->nhashes, 1);
	ck_assert_str_eq(f->hashes[0].hex, SHA_A);
	ck_assert(!f->yanked && !f->has_metadata);
	ck_assert_int_eq(f->size, -1);
	ck_assert_int_eq(f->upload_time, -1);

	f = &p.files[1];
	ck_assert_int_eq(f->kind, IDX_FILE_SDIST);
	ck_assert_str_eq(f->url, "https://pypi.org/packages/eb/45/a5ec09f8f5ba0b0ba6ca4ec8aa70e8ffda29c1bd29a1e17c8d8e44dc8e1a/sampleproject-1.2.0.tar.gz");
	ck_assert(f->yanked);
	ck_assert_str_eq(f->yanked_reason, "broken <metadata> & 'more'");

	f = &p.files[2];
	ck_assert_str_eq(f->requires_python, ">=3.7");
	ck_assert(f->has_metadata);
	ck_assert_uint_eq(f->nmetadata_hashes, 1);
	ck_assert_str_eq(f->metadata_hashes[0].hex, SHA_M);

	f = &p.files[3];
	ck_assert_str_eq(f->requires_python, ">=3.7,<4");
	ck_assert(f->yanked);
	ck_assert_ptr_null(f->yanked_reason);
	ck_assert(f->has_metadata);
	ck_assert_uint_eq(f->nmetadata_hashes, 0);
	idx_page_release(&p);
}
END_TEST

START_TEST(html_tokenizer)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	static const char body[] =
		"\xef\xbb\xbf<!doctype html><?xml junk?>\n"
		"<!-- <a href=\"commented-1.0.tar.gz\">no</a> -->\n"
		"<script type=\"text/javascript\">var s = '<a href=\"script-1.0.tar.gz\">';</script>\n"
		"<STYLE>a[href=\"x\"] { }</style>\n"
		"<A HREF='foo-1.0.tar.gz' Data-Yanked='it&apos;s &quot;bad&quot;'>x</A>\n"
		"<a class=x href=foo-1.1.tar.gz data-requires-python=&gt;=3.8>y</a>\n"
		"<a\n\thref = \"foo-1.2.tar.gz\"\n\thref=\"ignored-1.0.tar.gz\" data-core-metadata=true data-dist-info-metadata=\"sha256=zz\">z</a>\n"
		"<a name=\"anchor-without-href\">w</a>\n"
		"<a href=\"  foo-1.3.tar.gz?a=1&amp;b=2&ltx=3&lt=4#md5=D41D8CD98F00B204E9800998ECF8427E  \">v</a>\n"
		"<a href=\"foo%2D1.4.tar.gz\">text that differs</a>\n"
		"<a href=\"fo&#x6f;-1.5.tar.gz\" data-requires-python=\"&#62;&#x3d;3.9&#8203;\">u</a>\n"
		"<a href=\"foo-1.6.zip\" data-yanked data-core-metadata=\"false\">t</a>\n"
		"<a href=\"../\">parent</a> <a href=\"sub/\">sub</a>\n"
		"<a href=\"foo-9.0.tar.gz\" data-yanked=\"cut off";

	ck_assert_int_eq(parse_html(&p, "foo", body, &err), 0);
	ck_assert_uint_eq(p.nfiles, 7);
	ck_assert_str_eq(p.files[0].filename, "foo-1.0.tar.gz");
	ck_assert_str_eq(p.files[0].yanked_reason, "it's \"bad\"");
	ck_assert_str_eq(p.files[1].version_str, "1.1");
	ck_assert_str_eq(p.files[1].requires_python, ">=3.8");
	/* first href wins; data-core-metadata wins over the legacy attribute */
	ck_assert_str_eq(p.files[2].filename, "foo-1.2.tar.gz");
	ck_assert(p.files[2].has_metadata);
	ck_assert_uint_eq(p.files[2].nmetadata_hashes, 0);
	/* whitespace trimmed, &amp; decoded, &ltx and &lt= kept (HTML5's rule
	 * for references without ';' in attributes) */
	ck_assert_str_eq(p.files[3].url, "https://pypi.org/simple/sampleproject/foo-1.3.tar.gz?a=1&b=2&ltx=3&lt=4");
	ck_assert_str_eq(p.files[3].filename, "foo-1.3.tar.gz");
	ck_assert_str_eq(p.files[3].hashes[0].hex, "d41d8cd98f00b204e9800998ecf8427e");
	/* the file name is the URL's, percent-decoded, not the anchor text */
	ck_assert_str_eq(p.files[4].filename, "foo-1.4.tar.gz");
	ck_assert_str_eq(p.files[4].url, "https://pypi.org/simple/sampleproject/foo%2D1.4.tar.gz");
	ck_assert_str_eq(p.files[5].filename, "foo-1.5.tar.gz");
	ck_assert_str_eq(p.files[5].requires_python, ">=3.9\xe2\x80\x8b");
	ck_assert(p.files[6].yanked);
	ck_assert_ptr_null(p.files[6].yanked_reason);
	ck_assert(!p.files[6].has_metadata);
	idx_page_release(&p);
}
END_TEST

START_TEST(html_base_href)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	/* a <base> counts for links before it too, and is relative itself */
	ck_assert_int_eq(parse_html(&p, "foo",
				    "<a href=\"foo-1.0.tar.gz\">a</a>"
				    "<base href=\"../../mirror/foo/\"><base href=\"https://ignored/\">"
				    "<a href=\"/abs/foo-2.0.tar.gz\">b</a>"
				    "<a href=\"//cdn.example/foo-3.0.tar.gz\">c</a>"
				    "<a href=\"file:///srv/foo-4.0.tar.gz\">d</a>",
				    &err),
			 0);
	ck_assert_uint_eq(p.nfiles, 4);
	ck_assert_str_eq(p.files[0].url, "https://pypi.org/mirror/foo/foo-1.0.tar.gz");
	ck_assert_str_eq(p.files[1].url, "https://pypi.org/abs/foo-2.0.tar.gz");
	ck_assert_str_eq(p.files[2].url, "https://cdn.example/foo-3.0.tar.gz");
	ck_assert_str_eq(p.files[3].url, "file:///srv/foo-4.0.tar.gz");
	ck_assert_str_eq(p.url, "https://pypi.org/simple/sampleproject/");
	idx_page_release(&p);
}
END_TEST

START_TEST(html_flat_listing)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	/* what nginx's autoindex and python -m http.server produce */
	static const char body[] =
		"<html>\r\n<head><title>Index of /wheels/</title></head>\r\n<body>\r\n"
		"<h1>Index of /wheels/</h1><hr><pre><a href=\"../\">../</a>\r\n"
		"<a href=\"old/\">old/</a>                                               01-Jan-2024 00:00       -\r\n"
		"<a href=\"Bar_Baz-2.0-py3-none-any.whl\">Bar_Baz-2.0-py3-none-any.whl</a>   01-Jan-2024 00:00    1234\r\n"
		"<a href=\"foo-1.0.tar.gz\">foo-1.0.tar.gz</a>\r\n"
		"<a href=\"my%20notes.txt\">my notes.txt</a>\r\n"
		"<a href=\"foo-1.0.tar.gz.metadata\">foo-1.0.tar.gz.metadata</a>\r\n"
		"</pre><hr></body>\r\n</html>\r\n";

	ck_assert_int_eq(idx_page_parse_html(&p, NULL, "file:///srv/wheels/", body,
					     strlen(body), &err),
			 0);
	ck_assert_ptr_null(p.name);
	ck_assert_uint_eq(p.nfiles, 4);
	ck_assert_int_eq(p.files[0].kind, IDX_FILE_WHEEL);
	ck_assert_str_eq(p.files[0].name, "bar-baz");
	ck_assert_str_eq(p.files[0].url, "file:///srv/wheels/Bar_Baz-2.0-py3-none-any.whl");
	ck_assert_int_eq(p.files[1].kind, IDX_FILE_SDIST);
	ck_assert_str_eq(p.files[1].name, "foo");
	ck_assert_int_eq(p.files[2].kind, IDX_FILE_OTHER);
	ck_assert_str_eq(p.files[2].filename, "my notes.txt");
	ck_assert_int_eq(p.files[3].kind, IDX_FILE_OTHER);
	idx_page_release(&p);

	/* an empty listing is not an error */
	ck_assert_int_eq(idx_page_parse_html(&p, NULL, "https://h/links/", "", 0, &err), 0);
	ck_assert_uint_eq(p.nfiles, 0);
	idx_page_release(&p);
}
END_TEST

static void check_html_error(const char *body, size_t len, int code,
			     const char *msg)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(idx_page_parse_html(&p, "foo",
					     "https://pypi.org/simple/sampleproject/",
					     body, len, &err),
			 -code);
	ck_assert_msg(!strcmp(err.msg, msg), "got '%s'\nwant '%s'", err.msg, msg);
	ck_assert_uint_eq(p.nfiles, 0);
	idx_page_release(&p);
}

START_TEST(html_errors)
{
	static const char nul[] = "<a href=\"a\">\0</a>";

	check_html_error("<html>\n<a href=\"foo-1.0.tar.gz\">caf\xe9</a>", 38, CVL_EINVAL,
			 PFX "not valid UTF-8 at byte 35 (0xe9)");
	check_html_error("\xc0\xaf", 2, CVL_EINVAL, PFX "not valid UTF-8 at byte 0 (0xc0)");
	check_html_error("ok \xed\xa0\x80", 6, CVL_EINVAL, PFX "not valid UTF-8 at byte 3 (0xed)");
	check_html_error("\xf4\x90\x80\x80", 4, CVL_EINVAL, PFX "not valid UTF-8 at byte 0 (0xf4)");
	check_html_error("truncated \xe2\x82", 12, CVL_EINVAL, PFX "not valid UTF-8 at byte 10 (0xe2)");
	check_html_error("<p>\n\n<a href=\"foo-1.0.tar.gz#sha256=abc\">x</a>", 45, CVL_EINVAL,
			 PFX "line 3: link to 'foo-1.0.tar.gz': expected 64 hex digits for sha256, got 'abc'");
	check_html_error("<a href=\"foo-1.0.tar.gz\" data-core-metadata=\"sha256=123\">x</a>", 62,
			 CVL_EINVAL, PFX "line 1: metadata of 'foo-1.0.tar.gz': expected 64 hex digits for sha256, got '123'");
	check_html_error("<a href=\"x\xf0\x9f\x98\x80.tar.gz#md5=1\">", 30, CVL_EINVAL,
			 PFX "line 1: link to 'x\xf0\x9f\x98\x80.tar.gz': expected 32 hex digits for md5, got '1'");
	/* a NUL byte is plain text for the tokenizer */
	{
		struct idx_page p = IDX_PAGE_INIT;
		struct cvl_error err = CVL_ERROR_INIT;

		ck_assert_int_eq(idx_page_parse_html(&p, "foo", "https://h/", nul,
						     sizeof(nul) - 1, &err),
				 0);
		ck_assert_uint_eq(p.nfiles, 1);
		ck_assert_int_eq(p.files[0].kind, IDX_FILE_OTHER);
		idx_page_release(&p);
	}
}
END_TEST

START_TEST(html_malformed_is_robust)
{
	static const char *const bodies[] = {
		"<", "<a", "<a href", "<a href=", "<a href=\"", "<a href='x",
		"<!--", "<!-- <a href=x>", "<script>", "<script><a href=x>",
		"</", "<!", "<?", "<a href=x", "<a href=\"&#xffffffffff;\">",
		"<a href=\"&#;&#x;&;&amp\">", "<a href=\"%\">", "<a href=\"#\">",
		"<a href=\"?\">", "<a href=\"\">", "<a =x href=y>", "<a/href=z/>",
		"<base href=\"\x01\"><a href=\"a\">",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bodies); i++) {
		struct idx_page p = IDX_PAGE_INIT;
		struct cvl_error err = CVL_ERROR_INIT;

		ck_assert_msg(idx_page_parse_html(&p, "foo", "https://h/s/", bodies[i],
						  strlen(bodies[i]), &err) == 0,
			      "'%s': %s", bodies[i], err.msg);
		idx_page_release(&p);
	}
}
END_TEST

START_TEST(html_hrefs_cleaned)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse_html(&p, NULL,
				    "<a href=\"my dir/caf\xc3\xa9-1.0.tar.gz\">x</a>"
				    "<a href=\"a\n/b\tc-1.0.tar.gz\">y</a>",
				    &err),
			 0);
	ck_assert_uint_eq(p.nfiles, 2);
	ck_assert_str_eq(p.files[0].url, "https://pypi.org/simple/sampleproject/my%20dir/caf%C3%A9-1.0.tar.gz");
	ck_assert_str_eq(p.files[0].filename, "caf\xc3\xa9-1.0.tar.gz");
	ck_assert_int_eq(p.files[0].kind, IDX_FILE_SDIST);
	ck_assert_str_eq(p.files[0].name, "caf\xc3\xa9");
	ck_assert_str_eq(p.files[1].url, "https://pypi.org/simple/sampleproject/a/bc-1.0.tar.gz");
	idx_page_release(&p);
}
END_TEST

Suite *suite_index_page(void)
{
	Suite *s = suite_create("index_page");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, json_pypi_page);
	tcase_add_test(tc, json_file_kinds);
	tcase_add_test(tc, page_files_share_versions);
	tcase_add_test(tc, json_api_version);
	tcase_add_test(tc, json_malformed);
	tcase_add_test(tc, json_not_utf8);
	tcase_add_test(tc, json_bom);
	tcase_add_test(tc, json_too_big);
	tcase_add_test(tc, json_hashes);
	tcase_add_test(tc, json_upload_time);
	tcase_add_test(tc, json_redacts_url_in_errors);
	tcase_add_test(tc, html_pypi_page);
	tcase_add_test(tc, html_tokenizer);
	tcase_add_test(tc, html_base_href);
	tcase_add_test(tc, html_flat_listing);
	tcase_add_test(tc, html_errors);
	tcase_add_test(tc, html_malformed_is_robust);
	tcase_add_test(tc, html_hrefs_cleaned);
	suite_add_tcase(s, tc);
	return s;
}

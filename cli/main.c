/* main.c - cvlock entry point: global options and the command table */
#include "config.h"
#include "cli/cli.h"

#include <fcntl.h>
#include <unistd.h>

const struct cvl_command cvl_commands[] = {
	{ "resolve", cmd_resolve, "resolve the project's requirements into a pylock.toml" },
	{ "sync", cmd_sync, "make a virtual environment match a pylock.toml exactly" },
	{ "help", cmd_help, "show help for cvlock or one command" },
	{ "version", cmd_version, "show the version" },
	{ "tags", cmd_tags, "list the wheel tags a target environment accepts" },
	{ "inputs", cmd_inputs, "show the normalized inputs of a project or requirements file" },
	{ "cache", cmd_cache, "show the cache directory, clean or prune the cache" },
	{ "index", cmd_index, "show what the package indexes offer (versions, metadata)" },
	{ "merge-driver", cmd_merge_driver, "merge two versions of a pylock.toml for git" },
	{ "diff", cmd_diff, "show what changed between two lockfiles, or since a git revision" },
	{ "export", cmd_export, "export a pylock.toml as a requirements file for pip" },
	{ "tree", cmd_tree, "show the dependency tree recorded in a pylock.toml" },
	{ "why", cmd_why, "show every path from the project's requirements to a package" },
	{ "lock", cmd_lock, "check a pylock.toml against PEP 751 (lock verify)" },
};
const size_t cvl_ncommands = ARRAY_SIZE(cvl_commands);

const struct cvl_command *cvl_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < cvl_ncommands; i++)
		if (!strcmp(cvl_commands[i].name, name))
			return &cvl_commands[i];
	return NULL;
}

/*
 * With descriptor 0, 1 or 2 closed (2>&-), the next open() would take its
 * number, and a message for stderr could land in that file (a lockfile, a
 * cache entry, a file being installed): the closed ones point at
 * /dev/null first, as git's sanitize_stdfds() does.
 */
static void sanitize_std_fds(void)
{
	int fd = open("/dev/null", O_RDWR);

	while (fd >= 0 && fd < 2)
		fd = dup(fd);
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	struct cvl_ctx ctx = { "cvlock", 0, false, false };
	const struct cvl_command *cmd;
	int i;

	sanitize_std_fds();
	ctx.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-')
			break;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			char *hargv[] = { "help", NULL };

			return cmd_help(1, hargv, &ctx);
		} else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			char *vargv[] = { "version", NULL };

			return cmd_version(1, vargv, &ctx);
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			ctx.verbose++;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			ctx.quiet = true;
		} else if (!strcmp(a, "--no-color")) {
			ctx.color = false;
		} else {
			cvl_errorf("unknown option '%s'", a);
			fprintf(stderr, "hint: see 'cvlock --help'\n");
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		char *hargv[] = { "help", NULL };

		cmd_help(1, hargv, &ctx);
		return EXIT_USAGE;
	}
	cmd = cvl_find_command(argv[i]);
	if (!cmd) {
		cvl_errorf("unknown command '%s'", argv[i]);
		fprintf(stderr, "hint: see 'cvlock --help' for the list of commands\n");
		return EXIT_USAGE;
	}
	return cmd->fn(argc - i, argv + i, &ctx);
}

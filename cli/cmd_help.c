/* cmd_help.c - cvlock help [COMMAND] */
#include "config.h"
#include "cli/cli.h"

static void print_main_help(void)
{
	size_t i;

	printf("usage: cvlock [--verbose] [--quiet] <command> [options] [args]\n\n");
	printf("cvlock resolves Python dependencies with libsolv and writes a\n"
	       "deterministic pylock.toml (PEP 751).\n\n");
	printf("commands:\n");
	for (i = 0; i < cvl_ncommands; i++)
		printf("  %-10s %s\n", cvl_commands[i].name, cvl_commands[i].summary);
	printf("\nglobal options:\n");
	printf("  %-22s %s\n", "-h, --help", "show this help");
	printf("  %-22s %s\n", "-V, --version", "show the version");
	printf("  %-22s %s\n", "-v, --verbose", "say more (repeatable)");
	printf("  %-22s %s\n", "-q, --quiet", "say only errors");
	printf("  %-22s %s\n", "    --no-color", "never colour the output (also NO_COLOR)");
	printf("\nRun 'cvlock <command> --help' for a command's options.\n");
}

int cmd_help(int argc, char **argv, struct cvl_ctx *ctx)
{
	const struct cvl_command *cmd;
	char *hargv[] = { NULL, "--help", NULL };

	if (argc < 2) {
		print_main_help();
		return EXIT_OK;
	}
	if (argc > 2 || argv[1][0] == '-') {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			print_main_help();
			return EXIT_OK;
		}
		cvl_errorf("unexpected argument '%s'", argv[argc > 2 ? 2 : 1]);
		fprintf(stderr, "hint: usage: cvlock help [COMMAND]\n");
		return EXIT_USAGE;
	}
	cmd = cvl_find_command(argv[1]);
	if (!cmd) {
		cvl_errorf("unknown command '%s'", argv[1]);
		fprintf(stderr, "hint: see 'cvlock --help' for the list of commands\n");
		return EXIT_USAGE;
	}
	if (cmd->fn == cmd_help) {
		printf("usage: cvlock help [COMMAND]\n\nShow help for cvlock or one command.\n");
		return EXIT_OK;
	}
	hargv[0] = (char *)cmd->name;
	return cmd->fn(2, hargv, ctx);
}

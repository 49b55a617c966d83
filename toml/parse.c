/* parse.c - TOML 1.0 parser */
#include "toml/toml.h"

/* toml.h - TOML 1.0 parser (prefix toml_).  Not yet implemented. */
#ifndef CVL_TOML_H
#define CVL_TOML_H

#include "util/util.h"

#endif

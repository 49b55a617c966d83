/* internal.h - private helpers shared by the pep/ sources. */
#ifndef CVL_PEP_INTERNAL_H
#define CVL_PEP_INTERNAL_H

#include "pep/pep.h"

#endif

/* metadata.c - see pep.h */
#include "pep/internal.h"

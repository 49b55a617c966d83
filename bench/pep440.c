/* pep440.c - benchmark (not yet written) */
#include "pep/pep.h"

int main(void)
{
	return 0;
}

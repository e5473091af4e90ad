/*
 * usage.h - `wdmd --help` and `wdmd --version` texts.  No state.
 */
#ifndef WDMD_USAGE_H
#define WDMD_USAGE_H

#include <stdio.h>

void wdmd_usage(FILE *f);
void wdmd_version(FILE *f);

#endif /* WDMD_USAGE_H */

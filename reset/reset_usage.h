/*
 * reset_usage.h - usage and version texts of sanlk-reset and sanlk-resetd
 * (spec/cli.md §5: the wording is ours; it lists every command and
 * option).  No state.
 */
#ifndef SANLK_RESET_USAGE_H
#define SANLK_RESET_USAGE_H

#include <stdio.h>

void reset_usage(FILE *f, const char *argv0);
void reset_version(FILE *f, const char *argv0);	/* "<argv0> version: 3.8.5" */
void resetd_usage(FILE *f);
void resetd_version(FILE *f);			/* "sanlk-resetd version: 3.8.5" */

#endif /* SANLK_RESET_USAGE_H */

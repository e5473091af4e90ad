/*
 * faultfs_cmd.h - parse and run one control command line (protocol in
 * README.md).  State lives in faultfs_rules.c; faultfs_cmd_exec uses static
 * scratch buffers, so only one thread (the control thread) may call it.
 */
#ifndef FAULTFS_CMD_H
#define FAULTFS_CMD_H

#include <stdio.h>

#define FAULTFS_CMD_MAX 4096    /* bytes in one command line */
#define FAULTFS_CMD_ARGS 16     /* words in one command line */

/* Run LINE (one command, no newline needed; modified in place) and write
 * the reply to OUT: zero or more data lines, then a last line "ok ..." or
 * "error <message>".  Returns 0 for ok, -1 for error. */
int faultfs_cmd_exec(char *line, FILE *out);

#endif

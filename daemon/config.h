/*
 * config.h - settings helpers: defaults and dependent defaults of struct
 * daemon_cfg (daemon.h), debug_cmd values (spec/cli.md §2.12), and the
 * request-name table used by debug_cmd / debug_cmds / cmd_<name> log lines
 * (cli.md Appendix B).  sanlock.conf itself is parsed by cli/options.c;
 * cli/daemon_cmd.c copies the result into struct daemon_cfg.
 *
 * Pure functions, no state of their own.
 */
#ifndef DAEMON_CONFIG_H
#define DAEMON_CONFIG_H

#include <stdint.h>

#include "daemon/daemon.h"

#define CONF_CMD_MAX     63       /* highest request number with a name */

/* debug_cmd value: "+name", "-name", "+all", "-all".  0 or -EINVAL. */
int conf_debug_cmd(uint64_t *mask, const char *arg);

/* Request name of cli.md Appendix B ("register", "add_lockspace", ...),
 * NULL when the number has none. */
const char *conf_cmd_name(uint32_t cmd);
/* Reverse lookup: the request number or -1. */
int conf_cmd_number(const char *name);

#endif /* DAEMON_CONFIG_H */

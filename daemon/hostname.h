/*
 * hostname.h - the daemon's host name (spec/cli.md §2.6): the configured
 * name (-e / our_host_name) truncated to 48 bytes, or a fresh lower-case
 * random UUID, a dot and the node name, truncated to 48 bytes.
 *
 * hostname_compose is pure; hostname_choose reads the random source and
 * uname(2).  Start-up only.
 */
#ifndef DAEMON_HOSTNAME_H
#define DAEMON_HOSTNAME_H

#include <stddef.h>

#include "sanlock.h"

#define HOSTNAME_UUID_LEN 36

/* out gets up to SANLK_NAME_LEN characters + NUL. */
void hostname_compose(char out[SANLK_NAME_LEN + 1], const char *configured,
		      const char *uuid, const char *node);
/* Format 16 random bytes as a version-4 UUID string (37 bytes). */
void hostname_uuid_format(char out[HOSTNAME_UUID_LEN + 1],
			  const unsigned char bytes[16]);
/* Choose the name: 0 or -errno (no randomness available). */
int hostname_choose(char out[SANLK_NAME_LEN + 1], const char *configured,
		    char node_out[65]);

#endif /* DAEMON_HOSTNAME_H */

/*
 * reset_update.c - the 256-byte update message of the sanlk-resetd socket
 * (spec/cli.md §5.1, §5.2; see reset_common.h).  Pure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reset_common.h"

int reset_update_format(char *msg, const char *cmd, const char *name)
{
	int n;

	if (!cmd || !cmd[0] || !name || !name[0])
		return -EINVAL;
	memset(msg, 0, RESET_UPDATE_SIZE);
	n = snprintf(msg, RESET_UPDATE_SIZE, "%s %s", cmd, name);
	if (n < 0 || n >= RESET_UPDATE_SIZE) {
		memset(msg, 0, RESET_UPDATE_SIZE);
		return -ENAMETOOLONG;
	}
	return 0;
}

int reset_update_parse(const char *msg, size_t len, char *cmd, size_t cmdsize,
		       char *name, size_t namesize)
{
	const char *sp, *end;
	size_t clen, nlen;

	if (len != RESET_UPDATE_SIZE)
		return -EINVAL;
	end = memchr(msg, '\0', len);
	if (!end)
		return -EINVAL;
	sp = memchr(msg, ' ', (size_t)(end - msg));
	if (!sp)
		return -EINVAL;
	clen = (size_t)(sp - msg);
	nlen = (size_t)(end - sp - 1);
	if (!clen || clen >= cmdsize || nlen >= namesize)
		return -EINVAL;
	memcpy(cmd, msg, clen);
	cmd[clen] = '\0';
	memcpy(name, sp + 1, nlen);
	name[nlen] = '\0';
	return 0;
}

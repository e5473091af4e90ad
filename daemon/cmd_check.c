/*
 * cmd_check.c - field checks shared by the request handlers (see cmd.h).
 * Pure.
 */
#include <errno.h>
#include <string.h>

#include "daemon/cmd.h"

int cmd_check_lockspace(const struct sanlk_lockspace *ls, int need_path,
			int need_host_id)
{
	if (req_name_empty(ls->name))
		return -EINVAL;
	if (!req_path_terminated(ls->host_id_disk.path))
		return -EINVAL;
	if (need_path && !ls->host_id_disk.path[0])
		return -EINVAL;
	if (need_host_id && !ls->host_id)
		return -EINVAL;
	return 0;
}

void cmd_name_str(char out[SANLK_NAME_LEN + 1], const char in[SANLK_NAME_LEN])
{
	memcpy(out, in, SANLK_NAME_LEN);
	out[SANLK_NAME_LEN] = '\0';
}

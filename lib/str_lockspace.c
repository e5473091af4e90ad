/*
 * lib/str_lockspace.c - sanlock_str_to_lockspace(): parse
 * "<name>:<host_id>:<path>:<offset>" into a struct sanlk_lockspace
 * (spec/api.md 4.8).  As in 3.8.5 the input string is modified (the first
 * three unescaped colons become NULs) and absent fields leave *ls as it is.
 *
 * Owns no state; thread-safe for distinct arguments.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sanlock.h"
#include "sanlock_resource.h"
#include "lib/lib.h"

/* name, host_id, path, offset */
#define STR_LS_FIELDS	4

SANLK_EXPORT int sanlock_str_to_lockspace(char *str, struct sanlk_lockspace *ls)
{
	char *field[STR_LS_FIELDS] = { NULL };
	size_t i, len;
	int n = 1;

	if (!str)
		return -EINVAL;

	field[0] = str;
	for (i = 0; str[i] != '\0' && n < STR_LS_FIELDS; i++) {
		if (str[i] == '\\') {
			if (str[i + 1] == '\0')
				break;
			i++;
		} else if (str[i] == ':') {
			str[i] = '\0';
			field[n++] = &str[i + 1];
		}
	}

	/* strncpy(name, field, 48): the name keeps its escapes (3.8.5) */
	len = strnlen(field[0], SANLK_NAME_LEN);
	memcpy(ls->name, field[0], len);
	memset(ls->name + len, 0, SANLK_NAME_LEN - len);
	if (field[1])
		ls->host_id = (uint64_t)strtoll(field[1], NULL, 10);
	if (field[2])
		sanlock_path_import(ls->host_id_disk.path, field[2],
				    SANLK_PATH_LEN);
	if (field[3])
		ls->host_id_disk.offset = (uint64_t)strtoll(field[3], NULL, 10);
	return 0;
}

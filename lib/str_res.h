/*
 * lib/str_res.h - shared limits of the resource string helpers
 * (lib/str_res.c, lib/str_state.c).  Owns no state.
 */
#ifndef SANLK_LIB_STR_RES_H
#define SANLK_LIB_STR_RES_H

#include "sanlock.h"

/* Bytes malloc'ed per resource by res_to_str / args_to_state: the longest
 * string form plus its NUL (api.md 3.10). */
#define STR_RES_BUF_SIZE	(SANLK_MAX_RES_STR + 1)

#endif /* SANLK_LIB_STR_RES_H */

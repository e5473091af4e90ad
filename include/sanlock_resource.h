/*
 * sanlock_resource.h - process registration and lease operations of the
 * sanlock client API (register, restrict, killpath, acquire, release,
 * inquire, convert, request, examine, lock value blocks) and the resource /
 * state string conversions.
 *
 * Written for this project from spec/api.md sections 1.4, 2.2 and 4.1a;
 * values and prototypes are those of sanlock 3.8.5.  Holds no state.
 */
#ifndef __SANLOCK_RESOURCE_H__
#define __SANLOCK_RESOURCE_H__

#include <stdint.h>

#include "sanlock.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sanlock_restrict() flags */
#define SANLK_RESTRICT_ALL		0x00000001
#define SANLK_RESTRICT_SIGKILL		0x00000002
#define SANLK_RESTRICT_SIGTERM		0x00000004

/* sanlock_killpath() flags */
#define SANLK_KILLPATH_PID		0x00000001

/* sanlock_acquire() flags */
#define SANLK_ACQUIRE_LVB		0x00000001
#define SANLK_ACQUIRE_ORPHAN		0x00000002
#define SANLK_ACQUIRE_ORPHAN_ONLY	0x00000004
#define SANLK_ACQUIRE_OWNER_NOWAIT	0x00000008

/* sanlock_release() flags */
#define SANLK_REL_ALL			0x00000001
#define SANLK_REL_RENAME		0x00000002
#define SANLK_REL_ORPHAN		0x00000004

/* sanlock_convert() flags */
#define SANLK_CONVERT_OWNER_NOWAIT	0x00000008

/* sanlock_request() flags */
#define SANLK_REQUEST_NEXT_LVER		0x00000001

/* sanlock_request() force_mode */
#define SANLK_REQ_FORCE			0x00000001
#define SANLK_REQ_GRACEFUL		0x00000002

/* deprecated alias of SANLK_REQ_FORCE */
#define SANLK_REQ_KILL_PID		SANLK_REQ_FORCE

int sanlock_register(void);

int sanlock_restrict(int sock, uint32_t flags);

int sanlock_killpath(int sock, uint32_t flags, const char *path, char *args);

int sanlock_acquire(int sock, int pid, uint32_t flags, int res_count,
		    struct sanlk_resource *res_args[],
		    struct sanlk_options *opt_in);

int sanlock_release(int sock, int pid, uint32_t flags, int res_count,
		    struct sanlk_resource *res_args[]);

int sanlock_inquire(int sock, int pid, uint32_t flags, int *res_count,
		    char **res_state);

int sanlock_convert(int sock, int pid, uint32_t flags,
		    struct sanlk_resource *res);

int sanlock_request(uint32_t flags, uint32_t force_mode,
		    struct sanlk_resource *res);

int sanlock_examine(uint32_t flags, struct sanlk_lockspace *ls,
		    struct sanlk_resource *res);

int sanlock_set_lvb(uint32_t flags, struct sanlk_resource *res, char *lvb,
		    int lvblen);

int sanlock_get_lvb(uint32_t flags, struct sanlk_resource *res, char *lvb,
		    int lvblen);

/* String forms; results are malloc'ed, the caller frees them. */
int sanlock_res_to_str(struct sanlk_resource *res, char **str_ret);

int sanlock_str_to_res(char *str, struct sanlk_resource **res_ret);

int sanlock_args_to_state(int res_count, struct sanlk_resource *res_args[],
			  char **res_state);

int sanlock_state_to_args(char *res_state, int *res_count,
			  struct sanlk_resource ***res_args);

int sanlock_str_to_lockspace(char *str, struct sanlk_lockspace *ls);

#ifdef __cplusplus
}
#endif

#endif /* __SANLOCK_RESOURCE_H__ */

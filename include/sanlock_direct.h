/*
 * sanlock_direct.h - disk initialisation done inside the calling process,
 * without the daemon.  Provided by libsanlock.so.1 only (not by
 * libsanlock_client.so.1).
 *
 * Written for this project from spec/api.md sections 1.4, 4.1a and 4.7;
 * prototypes are those of sanlock 3.8.5.  Holds no state.
 */
#ifndef __SANLOCK_DIRECT_H__
#define __SANLOCK_DIRECT_H__

#include <stdint.h>

#include "sanlock.h"

#ifdef __cplusplus
extern "C" {
#endif

int sanlock_direct_init(struct sanlk_lockspace *ls, struct sanlk_resource *res,
			int max_hosts_unused, int num_hosts, int use_aio);

int sanlock_direct_write_lockspace(struct sanlk_lockspace *ls,
				   int max_hosts_unused, uint32_t flags,
				   uint32_t io_timeout);

int sanlock_direct_write_resource(struct sanlk_resource *res,
				  int max_hosts_unused, int num_hosts,
				  uint32_t flags);

int sanlock_direct_align(struct sanlk_disk *disk);

#ifdef __cplusplus
}
#endif

#endif /* __SANLOCK_DIRECT_H__ */

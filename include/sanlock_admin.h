/*
 * sanlock_admin.h - administrative part of the sanlock client API:
 * lockspaces, host status, configuration, disk initialisation and reading
 * through the daemon, resource indexes, version and host events.
 *
 * Written for this project from spec/api.md sections 1.4, 2.2 and 4.1a;
 * values and prototypes are those of sanlock 3.8.5.  Holds no state.
 */
#ifndef __SANLOCK_ADMIN_H__
#define __SANLOCK_ADMIN_H__

#include <stdint.h>

#include "sanlock.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sanlock_add_lockspace() flags */
#define SANLK_ADD_ASYNC			0x00000001

/* sanlock_rem_lockspace() flags */
#define SANLK_REM_ASYNC			0x00000001
#define SANLK_REM_UNUSED		0x00000002

/* sanlock_inq_lockspace() flags */
#define SANLK_INQ_WAIT			0x00000001

/* sanlock_write_resource() / sanlock_direct_write_resource() flags */
#define SANLK_WRITE_CLEAR		0x00000001

/* host state: sanlk_host.flags & SANLK_HOST_MASK */
#define SANLK_HOST_UNKNOWN		0x00000001
#define SANLK_HOST_FREE			0x00000002
#define SANLK_HOST_LIVE			0x00000003
#define SANLK_HOST_FAIL			0x00000004
#define SANLK_HOST_DEAD			0x00000005
#define SANLK_HOST_MASK			0x0000000F

/* sanlock_set_config() cmd */
#define SANLK_CONFIG_USED		0x00000001
#define SANLK_CONFIG_UNUSED		0x00000002
#define SANLK_CONFIG_USED_BY_ORPHANS	0x00000004
#define SANLK_CONFIG_UNUSED_BY_ORPHANS	0x00000008

/* sanlock_test_resource_owners() test_flags output */
#define SANLK_TRF_FAIL			0x00000001

/* rindex flags: generic ones in the low 16 bits ... */
#define SANLK_RX_NO_LOCKSPACE		0x000000001

/* ... per-function ones (sanlock_update_rindex) in the high 16 bits */
#define SANLK_RXUP_ADD			0x00010000
#define SANLK_RXUP_REM			0x00020000

/* sanlock_set_event() flags */
#define SANLK_SETEV_CUR_GENERATION	0x00000001
#define SANLK_SETEV_CLEAR_HOSTID	0x00000002
#define SANLK_SETEV_CLEAR_EVENT		0x00000004
#define SANLK_SETEV_REPLACE_EVENT	0x00000008
#define SANLK_SETEV_ALL_HOSTS		0x00000010

/* ---- lockspaces ---- */

int sanlock_add_lockspace(struct sanlk_lockspace *ls, uint32_t flags);

int sanlock_add_lockspace_timeout(struct sanlk_lockspace *ls, uint32_t flags,
				  uint32_t io_timeout);

int sanlock_inq_lockspace(struct sanlk_lockspace *ls, uint32_t flags);

int sanlock_rem_lockspace(struct sanlk_lockspace *ls, uint32_t flags);

/* *lss is malloc'ed (*lss_count entries); the caller frees it. */
int sanlock_get_lockspaces(struct sanlk_lockspace **lss, int *lss_count,
			   uint32_t flags);

/* *hss is malloc'ed (*hss_count entries); the caller frees it. */
int sanlock_get_hosts(const char *ls_name, uint64_t host_id,
		      struct sanlk_host **hss, int *hss_count, uint32_t flags);

int sanlock_set_config(const char *ls_name, uint32_t flags, uint32_t cmd,
		       void *data);

/* ---- disk initialisation and reading, done by the daemon ---- */

int sanlock_align(struct sanlk_disk *disk);

int sanlock_init(struct sanlk_lockspace *ls, struct sanlk_resource *res,
		 int max_hosts, int num_hosts);

int sanlock_write_lockspace(struct sanlk_lockspace *ls, int max_hosts,
			    uint32_t flags, uint32_t io_timeout);

int sanlock_read_lockspace(struct sanlk_lockspace *ls, uint32_t flags,
			   uint32_t *io_timeout);

int sanlock_write_resource(struct sanlk_resource *res, int max_hosts,
			   int num_hosts, uint32_t flags);

int sanlock_read_resource(struct sanlk_resource *res, uint32_t flags);

/* *hss is malloc'ed (*hss_count entries); the caller frees it. */
int sanlock_read_resource_owners(struct sanlk_resource *res, uint32_t flags,
				 struct sanlk_host **hss, int *hss_count);

int sanlock_test_resource_owners(struct sanlk_resource *res, uint32_t flags,
				 struct sanlk_host *owners, int owners_count,
				 struct sanlk_host *hosts, int hosts_count,
				 uint32_t *test_flags);

/* ---- resource index ---- */

int sanlock_format_rindex(struct sanlk_rindex *rx, uint32_t flags);

int sanlock_update_rindex(struct sanlk_rindex *rx, uint32_t flags,
			  struct sanlk_rentry *re);

int sanlock_lookup_rindex(struct sanlk_rindex *rx, uint32_t flags,
			  struct sanlk_rentry *re);

int sanlock_rebuild_rindex(struct sanlk_rindex *rx, uint32_t flags);

int sanlock_create_resource(struct sanlk_rindex *rx, uint32_t flags,
			    struct sanlk_rentry *re, int max_hosts,
			    int num_hosts);

int sanlock_delete_resource(struct sanlk_rindex *rx, uint32_t flags,
			    struct sanlk_rentry *re);

/* ---- daemon version ---- */

int sanlock_version(uint32_t flags, uint32_t *version, uint32_t *proto);

/* ---- host events ---- */

int sanlock_reg_event(const char *ls_name, struct sanlk_host_event *he,
		      uint32_t flags);

int sanlock_end_event(int fd, const char *ls_name, uint32_t flags);

int sanlock_set_event(const char *ls_name, struct sanlk_host_event *he,
		      uint32_t flags);

int sanlock_get_event(int fd, uint32_t flags, struct sanlk_host_event *he,
		      uint64_t *from_host_id, uint64_t *from_generation);

#ifdef __cplusplus
}
#endif

#endif /* __SANLOCK_ADMIN_H__ */

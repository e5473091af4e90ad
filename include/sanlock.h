/*
 * sanlock.h - public types of the sanlock client API: size limits, resource /
 * resource-index / lockspace flags, the structures exchanged with the
 * library, and the path-escaping and error-string helpers.
 *
 * Written for this project from spec/api.md sections 1.4, 2.1, 2.2, 3 and
 * 4.1a.  Layouts and values are those of sanlock 3.8.5 (x86_64 ABI).  Unlike
 * 3.8.5 this header is self-contained.  Holds no state.
 */
#ifndef __SANLOCK_H__
#define __SANLOCK_H__

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- size limits (api.md 2.1) ---- */

#define SANLK_MAX_RESOURCES	8
#define SANLK_NAME_LEN		48
#define SANLK_PATH_LEN		1024
#define SANLK_HELPER_PATH_LEN	128
#define SANLK_HELPER_ARGS_LEN	128
#define SANLK_MAX_DISKS		4
#define SANLK_MAX_RES_STR	4400

/* ---- sanlk_resource.flags ---- */

#define SANLK_RES_LVER		0x00000001
#define SANLK_RES_NUM_HOSTS	0x00000002
#define SANLK_RES_SHARED	0x00000004
#define SANLK_RES_PERSISTENT	0x00000008
#define SANLK_RES_ALIGN1M	0x00000010
#define SANLK_RES_ALIGN2M	0x00000020
#define SANLK_RES_ALIGN4M	0x00000040
#define SANLK_RES_ALIGN8M	0x00000080
#define SANLK_RES_SECTOR512	0x00000100
#define SANLK_RES_SECTOR4K	0x00000200

/* ---- sanlk_rindex.flags (same values as the RES ones) ---- */

#define SANLK_RIF_ALIGN1M	0x00000010
#define SANLK_RIF_ALIGN2M	0x00000020
#define SANLK_RIF_ALIGN4M	0x00000040
#define SANLK_RIF_ALIGN8M	0x00000080
#define SANLK_RIF_SECTOR512	0x00000100
#define SANLK_RIF_SECTOR4K	0x00000200

/* ---- sanlk_lockspace.flags ---- */

#define SANLK_LSF_ADD		0x00000001
#define SANLK_LSF_REM		0x00000002
#define SANLK_LSF_ALIGN1M	0x00000010
#define SANLK_LSF_ALIGN2M	0x00000020
#define SANLK_LSF_ALIGN4M	0x00000040
#define SANLK_LSF_ALIGN8M	0x00000080
#define SANLK_LSF_SECTOR512	0x00000100
#define SANLK_LSF_SECTOR4K	0x00000200

/* ---- structures (api.md 3; no packing, natural alignment) ---- */

/* 1040 bytes.  path is NUL-terminated and unescaped. */
struct sanlk_disk {
	char path[SANLK_PATH_LEN];
	uint64_t offset;
	uint32_t pad1;
	uint32_t pad2;
};

/*
 * 128 bytes, followed in the same allocation by num_disks struct sanlk_disk
 * (128 + num_disks * 1040 bytes in all).  Names need not be NUL-terminated.
 */
struct sanlk_resource {
	char lockspace_name[SANLK_NAME_LEN];
	char name[SANLK_NAME_LEN];
	uint64_t lver;
	uint64_t data64;
	uint32_t data32;
	uint32_t unused;
	uint32_t flags;
	uint32_t num_disks;
	struct sanlk_disk disks[0];
};

/* 1104 bytes: location and format of a resource index. */
struct sanlk_rindex {
	uint32_t flags;
	uint32_t max_resources;
	uint64_t unused;
	char lockspace_name[SANLK_NAME_LEN];
	struct sanlk_disk disk;
};

/* 64 bytes: one resource index entry. */
struct sanlk_rentry {
	char name[SANLK_NAME_LEN];
	uint64_t offset;
	uint32_t flags;
	uint32_t unused;
};

/* 56 bytes (+ str, which is never transmitted). */
struct sanlk_options {
	char owner_name[SANLK_NAME_LEN];
	uint32_t flags;
	uint32_t len;
	char str[0];
};

/* 1104 bytes (4 bytes of padding after flags). */
struct sanlk_lockspace {
	char name[SANLK_NAME_LEN];
	uint64_t host_id;
	uint32_t flags;
	struct sanlk_disk host_id_disk;
};

/* 32 bytes.  flags & SANLK_HOST_MASK is the host state (sanlock_admin.h). */
struct sanlk_host {
	uint64_t host_id;
	uint64_t generation;
	uint64_t timestamp;
	uint32_t io_timeout;
	uint32_t flags;
};

/* 32 bytes. */
struct sanlk_host_event {
	uint64_t host_id;
	uint64_t generation;
	uint64_t event;
	uint64_t data;
};

/* ---- string helpers (local, no daemon) ---- */

size_t sanlock_path_export(char *dst, const char *src, size_t dstlen);
size_t sanlock_path_import(char *dst, const char *src, size_t dstlen);
const char *sanlock_strerror(int rv);

#ifdef __cplusplus
}
#endif

#endif /* __SANLOCK_H__ */

/*
 * disk_stats.c - process-wide I/O counters (disk_stats_get).  Lock-free:
 * relaxed atomics, any thread.  reads/writes and their bytes count I/Os
 * submitted to the kernel; timeouts counts every SANLK_AIO_TIMEOUT
 * returned (including writes refused because an older write to the same
 * sector, or too many orphans, was still in flight).
 */
#include <stdatomic.h>

#include "disk/disk_internal.h"

static _Atomic uint64_t disk_st_reads, disk_st_writes;
static _Atomic uint64_t disk_st_read_bytes, disk_st_write_bytes;
static _Atomic uint64_t disk_st_timeouts;

void disk_stats_count_io(int is_write, size_t len)
{
	if (is_write) {
		atomic_fetch_add_explicit(&disk_st_writes, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&disk_st_write_bytes, len, memory_order_relaxed);
	} else {
		atomic_fetch_add_explicit(&disk_st_reads, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&disk_st_read_bytes, len, memory_order_relaxed);
	}
}

void disk_stats_count_timeout(void)
{
	atomic_fetch_add_explicit(&disk_st_timeouts, 1, memory_order_relaxed);
}

void disk_stats_get(struct disk_stats *out)
{
	out->reads = atomic_load_explicit(&disk_st_reads, memory_order_relaxed);
	out->writes = atomic_load_explicit(&disk_st_writes, memory_order_relaxed);
	out->read_bytes = atomic_load_explicit(&disk_st_read_bytes, memory_order_relaxed);
	out->write_bytes = atomic_load_explicit(&disk_st_write_bytes, memory_order_relaxed);
	out->timeouts = atomic_load_explicit(&disk_st_timeouts, memory_order_relaxed);
}

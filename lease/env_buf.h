/*
 * env_buf.h - I/O buffers of the real lease_env (env_disk.c): disk/
 * buffers (disk_buf_alloc), optionally kept in a small process-wide pool
 * so that the lease code's per-I/O allocations do not cost an mmap, a
 * munmap and a page fault per 4 KiB page every time (a paxos acquire reads
 * the whole 1 MiB area three times; fresh pages made a third of the
 * daemon's CPU per acquire).
 *
 * The pool is off until env_buf_pool_enable (the daemon turns it on; the
 * client library and the CLI do not keep idle memory).  Without it every
 * buffer goes straight to disk_buf_alloc / disk_buf_free.
 *
 * Reuse rule (lease_env.h): a buffer whose I/O did not succeed may still
 * be in the kernel's hands (a timed-out read may land later).  env_disk.c
 * reports every failed I/O with env_buf_io_failed, which marks the buffer;
 * such a buffer never enters the pool: env_buf_free hands it to
 * disk_buf_free, which defers the real free until the kernel is done.
 *
 * Threads: any thread.  A buffer belongs to the thread that allocated it
 * until env_buf_free.  The pool's tables are guarded by one mutex (a leaf
 * lock, never held across an allocation, a memset, a free or any I/O).
 */
#ifndef LEASE_ENV_BUF_H
#define LEASE_ENV_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Idle buffers the pool holds at most (besides its byte budget). */
#define ENV_BUF_POOL_SLOTS     16

/* Keep up to max_idle_bytes of idle buffers for reuse (0 = off, the
 * default; idle buffers are then freed).  Any thread, any time. */
void env_buf_pool_enable(size_t max_idle_bytes);

/* len bytes, zeroed, DISK_BUF_ALIGN aligned, usable with disk_read and
 * disk_write.  NULL when out of memory. */
void *env_buf_alloc(size_t len);

/* The same, never from the pool nor into it, and never on huge pages:
 * for a buffer kept as long as a lockspace is joined (disk_buf_alloc_small). */
void *env_buf_alloc_small(size_t len);

/* Give a buffer back (NULL is ignored). */
void  env_buf_free(void *buf);

/* An I/O on buf did not succeed: never reuse it. */
void  env_buf_io_failed(void *buf);

/* Free idle pooled buffers not used for idle_sec seconds (0: all idle
 * ones).  Returns the bytes freed. */
size_t env_buf_pool_trim(uint64_t idle_sec);

/* Free the least recently used idle buffers until at most keep_bytes stay
 * idle.  Returns the bytes freed. */
size_t env_buf_pool_shrink(size_t keep_bytes);

/* For tests: idle buffers in the pool and their bytes. */
void  env_buf_pool_stats(unsigned *pooled, size_t *idle_bytes);

#endif /* LEASE_ENV_BUF_H */

/*
 * delta_internal.h - helpers shared by the lease/delta*.c files only:
 * reading and verifying our own sector, building and writing a whole
 * delta sector, and the bounded one-second-step wait.  Not for other
 * modules; the public interface is lease/delta.h.
 *
 * Same threading rule as delta.h: the caller's thread owns the
 * struct delta_lease; nothing here keeps state.
 */
#ifndef LEASE_DELTA_INTERNAL_H
#define LEASE_DELTA_INTERNAL_H

#include "lease/delta.h"

/* env->now(), never 0 (algorithms.md §1 item 5: a held lease never carries
 * timestamp 0). */
uint64_t delta_now(const struct lease_env *env);

/* Wait `sec` seconds in one-second sleeps: at least `sec` sleeps AND at
 * least `sec` seconds of env->now().  0, DELTA_ABORTED when sleep_usec
 * returns non-zero, -ETIMEDOUT if the clock does not advance. */
int delta_wait_sec(const struct lease_env *env, uint32_t sec);

/* Read our sector (one sector, I/O timeout = our io), decode it into *lr,
 * copy its first 200 bytes to raw (may be NULL) and verify it
 * (ondisk.md §9.1).  Returns the I/O error or the verify code. */
int delta_read_own(const struct lease_env *env, const struct delta_lease *dl,
		   struct ondisk_leader *lr, uint8_t raw[ONDISK_LEADER_SIZE]);

/* Seal *lr (checksum), put it in a zero-filled sector with msg at byte
 * 200 and bitmap at 256 (NULL = zero), write it to our sector with the
 * given I/O timeout.  raw (may be NULL) receives the 200 record bytes. */
int delta_write_own(const struct lease_env *env, const struct delta_lease *dl,
		    struct ondisk_leader *lr, const uint8_t *msg,
		    const uint8_t *bitmap, int timeout_sec,
		    uint8_t raw[ONDISK_LEADER_SIZE]);

#endif /* LEASE_DELTA_INTERNAL_H */

/*
 * monotime.h - the one clock the protocols use: CLOCK_MONOTONIC in whole
 * seconds (algorithms.md §1).  Never returns 0 (a held lease must not carry
 * timestamp 0), so 0 can keep meaning FREE.
 */
#ifndef COMMON_MONOTIME_H
#define COMMON_MONOTIME_H

#include <stdint.h>

uint64_t monotime(void);        /* whole seconds, >= 1 */
uint64_t monotime_usec(void);   /* microseconds, for latency statistics */

#endif /* COMMON_MONOTIME_H */

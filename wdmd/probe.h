/*
 * probe.h - `wdmd --probe` (spec/cli.md §4.6): find a watchdog device
 * that runs with the fire timeout, print its path, disarm it again.
 * Real devices only: refused with --test-backend.  No state.
 */
#ifndef WDMD_PROBE_H
#define WDMD_PROBE_H

#include "wdmd/options.h"

/* Returns the exit status: 0 found (path on stdout), 1 otherwise. */
int wdmd_probe(const struct wdmd_opts *o);

#endif /* WDMD_PROBE_H */

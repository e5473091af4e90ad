/*
 * setup.h - wdmd's start-up and clean exit (spec/cli.md §4.3): absolute
 * paths, socket group, daemonizing, priority, run dir and locked pid file,
 * the shm "running" marker, signals, the listening socket.
 *
 * Start-up order (cli.md §4.3): options; probe; group; daemonize unless
 * -D; log "wdmd started ..."; priority; pid file; shm object; signals;
 * scripts; listener; watchdog device; main loop.
 *
 * shm marker: created with O_EXCL, unlinked at clean exit and when
 * start-up fails before the device is armed.  Name: "/wdmd", or
 * "/wdmd-<hash of the run dir>" when WDMD_RUN_DIR is set (wdmd_shm_name).
 * Not used with --test-backend (a simulated host's fire kills wdmd and
 * would leave the marker behind; no real device needs protecting).
 *
 * All functions run in the main thread before the loop (or after it).
 * Each returns 0 or -errno after logging the failure.
 */
#ifndef WDMD_SETUP_H
#define WDMD_SETUP_H

#include "wdmd/state.h"

int wdmd_setup_paths(struct wdmd_state *st);
void wdmd_setup_group(struct wdmd_state *st);
int wdmd_setup_daemonize(int keep_process_group);
void wdmd_setup_priority(int high);
int wdmd_setup_pidfile(struct wdmd_state *st);
int wdmd_setup_shm(struct wdmd_state *st);
int wdmd_setup_signals(struct wdmd_state *st);
int wdmd_setup_listener(struct wdmd_state *st);

/* Undo what set-up made that a clean exit removes: shm marker, pid file
 * (the socket file stays, as in 3.8.5).  Closes every connection. */
void wdmd_teardown(struct wdmd_state *st);

#endif /* WDMD_SETUP_H */

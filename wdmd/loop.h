/*
 * loop.h - wdmd's main loop and test round (spec/cli.md §4.5, §4.10).
 *
 * One thread.  Rounds run at every whole second of CLOCK_MONOTONIC (so the
 * last passing round before an expiry E is in [E - 1, E)); between rounds
 * the loop polls the listener, the signalfd and the client sockets, doing
 * a bounded amount of work per event.  A round: reap and run scripts,
 * evaluate every client (expiry.h); if all pass, re-check the earliest
 * expiry against the clock and pet; otherwise log each failure and do not
 * pet, and the device fires W seconds after the last pet.
 *
 * SIGTERM/SIGINT quit only when no connection holds a refcount (3.8.5)
 * and, in our wdmd, none (live or dead) is armed and no fire was
 * requested; otherwise they are logged and ignored.  SIGHUP rescans the
 * scripts.  SIGCHLD reaps scripts.
 */
#ifndef WDMD_LOOP_H
#define WDMD_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "wdmd/state.h"

/* Run until an accepted quit signal.  Returns 0. */
int wdmd_loop(struct wdmd_state *st);

/* One test round at monotonic time now_us (microseconds). */
void wdmd_round(struct wdmd_state *st, uint64_t now_us);

/* May wdmd quit now?  1 if so; 0 with the reason in why. */
int wdmd_quit_allowed(const struct wdmd_state *st, char *why, size_t size);

/* Accept pending connections on the listener (bounded per call). */
void wdmd_accept(struct wdmd_state *st);

#endif /* WDMD_LOOP_H */

/*
 * run.h - the daemon's life from start-up to clean exit (cli.md §4.3):
 * the set-up steps in order, the main loop, the clean quit.
 */
#ifndef WDMD_RUN_H
#define WDMD_RUN_H

#include "wdmd/state.h"

/* st->opts must be parsed.  Returns the exit status: 0 after a clean
 * quit, 255 when set-up fails. */
int wdmd_run(struct wdmd_state *st);

#endif /* WDMD_RUN_H */

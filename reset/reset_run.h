/*
 * reset_run.h - sanlk-reset reset (spec/cli.md §5.2): register for events,
 * ask the target host, watch until done or failed.  No state beyond the
 * call.
 */
#ifndef SANLK_RESET_RUN_H
#define SANLK_RESET_RUN_H

#include "reset_opts.h"

/* Returns the exit status: 0 done, 1 failed or could not ask. */
int reset_run(const struct reset_opts *o);

#endif /* SANLK_RESET_RUN_H */

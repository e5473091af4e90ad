/*
 * bounds.h - every bound and fixed interval of the wdmd program, in one
 * place (spec/cli.md §4.3-§4.10).  No state.
 */
#ifndef WDMD_BOUNDS_H
#define WDMD_BOUNDS_H

/* Client table slots, including the two internal entries "listen" and
 * "signal" (cli.md §4.7).  A connection beyond this is accepted and closed
 * at once with the log line "client table full". */
#define WDMD_CLIENT_MAX 128

/* Seconds between test rounds (our wdmd, cli.md §4.10; 3.8.5: 10). */
#define WDMD_TEST_INTERVAL 1

/* Fire timeout W: default and accepted range of --fire-timeout. */
#define WDMD_FIRE_TIMEOUT_DEFAULT 60
#define WDMD_FIRE_TIMEOUT_MIN 1
#define WDMD_FIRE_TIMEOUT_MAX 3600

/* Scripts (cli.md §4.8): at most 8, run at most every
 * WDMD_SCRIPT_INTERVAL - 1 seconds while they pass (3.8.5's interval). */
#define WDMD_SCRIPT_MAX 8
#define WDMD_SCRIPT_INTERVAL 10
#define WDMD_SCRIPT_NAME_MAX 255

/* Work done for one poll event, so a flooding client cannot starve the
 * test rounds: records handled per readable connection, connections
 * accepted per listener wake-up, signals read per wake-up. */
#define WDMD_REQS_PER_EVENT 64
#define WDMD_ACCEPT_PER_EVENT 16
#define WDMD_SIGNALS_PER_EVENT 16
#define WDMD_LISTEN_BACKLOG 32

/* Text limits: reasons written to the test backend and logged. */
#define WDMD_REASON_MAX 192
#define WDMD_LOG_LINE_MAX 512

/* Debug dump reply (cli.md §4.7): header + scripts + clients. */
#define WDMD_DUMP_MAX (1024 + WDMD_SCRIPT_MAX * 384 + WDMD_CLIENT_MAX * 384)

/* wdmd -d waits this long for the daemon's dump. */
#define WDMD_DUMP_TIMEOUT_MS 10000

#endif /* WDMD_BOUNDS_H */

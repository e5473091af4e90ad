/*
 * run.c - start-up sequence, main loop, clean quit (see run.h, setup.h).
 * Main thread.
 */
#include <unistd.h>

#include "wdmd/log.h"
#include "wdmd/loop.h"
#include "wdmd/run.h"
#include "wdmd/setup.h"

#define WDMD_EXIT_SETUP 255

int wdmd_run(struct wdmd_state *st)
{
	const struct wdmd_opts *o = &st->opts;

	wdmd_log_init(o->debug, 1);
	if (wdmd_setup_paths(st) < 0)
		return WDMD_EXIT_SETUP;
	wdmd_setup_group(st);
	if (!o->debug && wdmd_setup_daemonize(o->test_backend != NULL) < 0)
		return WDMD_EXIT_SETUP;
	st->pid = getpid();
	wdmd_log("wdmd started S%d H%d G%d", o->allow_scripts,
		 o->high_priority, (int)st->socket_gid);
	wdmd_log("fire_timeout %d test_interval %d run_dir %s%s%s",
		 o->fire_timeout, WDMD_TEST_INTERVAL, st->run_dir_abs,
		 o->test_backend ? " test_backend " : "",
		 o->test_backend ? o->test_backend : "");
	wdmd_setup_priority(o->high_priority);

	if (wdmd_setup_pidfile(st) < 0 || wdmd_setup_shm(st) < 0 ||
	    wdmd_setup_signals(st) < 0)
		goto fail;
	wdmd_scripts_init(&st->scripts, o->allow_scripts, o->scripts_dir,
			  o->kill_script_sec);
	wdmd_scripts_scan(&st->scripts);
	if (wdmd_setup_listener(st) < 0)
		goto fail;
	if (wdmd_dev_open(&st->dev, o) < 0)
		goto fail;

	wdmd_loop(st);

	wdmd_dev_close_clean(&st->dev);
	wdmd_teardown(st);
	wdmd_log("wdmd exit");
	return 0;
fail:
	wdmd_teardown(st);
	return WDMD_EXIT_SETUP;
}

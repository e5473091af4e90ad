/*
 * resetd.h - sanlk-resetd's state: one struct resetd for the whole
 * (single-threaded) daemon, owned by main(), and the functions of each
 * resetd_*.c that work on it.
 */
#ifndef SANLK_RESETD_H
#define SANLK_RESETD_H

#include <stdint.h>

#include "reset_common.h"
#include "resetd_opts.h"

struct resetd_event_key {
	int valid;
	uint64_t from_host_id, from_generation, generation, event, data;
};

struct resetd_ls {
	int used;
	char name[RESET_NAME_MAX + 1];
	int fd;				/* event fd (sanlock_reg_event) */
	int replied;			/* replied: events no longer read */
	struct resetd_event_key last;	/* last event handled (duplicates) */
};

struct resetd {
	struct resetd_opts opts;
	struct resetd_ls ls[RESET_MAX_LS];
	int wd_con;			/* wdmd connection, -1 without */
	int wd_armed;			/* TEST_LIVE(now, now) done */
	int reboot_scheduled;
	int reboot_done;
	uint64_t reboot_at_ms;		/* monotonic ms of the sysrq write */
	int sock_fd;			/* update socket */
	int sig_fd;			/* signalfd: TERM, INT, HUP */
	int quit;
};

void resetd_init(struct resetd *d);

/* resetd_ls.c: the lockspace table (spec/cli.md §5.1 update commands). */
int resetd_ls_count(const struct resetd *d);
int resetd_ls_find(const struct resetd *d, const char *name);
void resetd_ls_reg(struct resetd *d, const char *name);   /* (re)register */
void resetd_ls_end(struct resetd *d, const char *name);
void resetd_ls_clear(struct resetd *d);
void resetd_ls_drop(struct resetd *d, int i);   /* fd dead: close, forget */

/* resetd_event.c: read and act on the events of slot i. */
void resetd_ls_readable(struct resetd *d, int i);

/* resetd_wd.c: the wdmd connection. */
int resetd_wd_open(struct resetd *d);
int resetd_wd_fire(struct resetd *d);
void resetd_wd_close(struct resetd *d);

/* resetd_sysrq.c */
#define RESETD_SYSRQ_ENV	"SANLK_RESETD_SYSRQ_TRIGGER"
#define RESETD_SYSRQ_DEFAULT	"/proc/sysrq-trigger"
const char *resetd_sysrq_path(void);
int resetd_sysrq_reboot(void);		/* write "b": 0 or -errno */

/* resetd_sock.c: the update socket. */
int resetd_sock_open(void);		/* fd or -errno */
void resetd_sock_close(int fd);
int resetd_sock_recv(int fd, char *cmd, size_t cmdsize, char *name,
		     size_t namesize);	/* 1 message, 0 none, -errno */

/* resetd_loop.c */
int resetd_signals_open(void);		/* signalfd or -errno */
int resetd_loop(struct resetd *d);	/* until SIGTERM/SIGINT: 0 */
void resetd_quit(struct resetd *d);

uint64_t resetd_now_ms(void);

#endif /* SANLK_RESETD_H */

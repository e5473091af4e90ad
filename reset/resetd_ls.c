/*
 * resetd_ls.c - sanlk-resetd's table of watched lockspaces (see
 * resetd.h): registration for events through the sanlock daemon
 * (sanlock_reg_event / sanlock_end_event; SANLOCK_RUN_DIR is honoured by
 * the library).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sanlock.h"
#include "sanlock_admin.h"

#include "resetd.h"
#include "resetd_log.h"

void resetd_init(struct resetd *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	d->wd_con = -1;
	d->sock_fd = -1;
	d->sig_fd = -1;
	for (i = 0; i < RESET_MAX_LS; i++)
		d->ls[i].fd = -1;
}

int resetd_ls_count(const struct resetd *d)
{
	int i, n = 0;

	for (i = 0; i < RESET_MAX_LS; i++)
		n += d->ls[i].used;
	return n;
}

int resetd_ls_find(const struct resetd *d, const char *name)
{
	int i;

	for (i = 0; i < RESET_MAX_LS; i++)
		if (d->ls[i].used && !strcmp(d->ls[i].name, name))
			return i;
	return -1;
}

static void forget(struct resetd_ls *ls)
{
	memset(ls, 0, sizeof(*ls));
	ls->fd = -1;
}

void resetd_ls_reg(struct resetd *d, const char *name)
{
	int i, fd;

	i = resetd_ls_find(d, name);
	if (i >= 0) {
		/* replace the existing registration */
		sanlock_end_event(d->ls[i].fd, name, 0);
		forget(&d->ls[i]);
	} else {
		for (i = 0; i < RESET_MAX_LS && d->ls[i].used; i++)
			;
		if (i == RESET_MAX_LS) {
			resetd_error("reg_event error too many lockspaces "
				     "(max %d) ls %s", RESET_MAX_LS, name);
			return;
		}
	}
	fd = sanlock_reg_event(name, NULL, 0);
	if (fd < 0) {
		resetd_error("reg_event %d error %d ls %s", i, fd, name);
		return;
	}
	d->ls[i].used = 1;
	d->ls[i].fd = fd;
	snprintf(d->ls[i].name, sizeof(d->ls[i].name), "%s", name);
	resetd_debug("reg_event %d fd %d ls %s", i, fd, name);
}

void resetd_ls_end(struct resetd *d, const char *name)
{
	int i = resetd_ls_find(d, name), rv;

	if (i < 0)
		return;
	rv = sanlock_end_event(d->ls[i].fd, name, 0);
	resetd_debug("end_event %d fd %d ls %s result %d", i, d->ls[i].fd,
		     name, rv);
	forget(&d->ls[i]);
}

void resetd_ls_clear(struct resetd *d)
{
	int i;

	for (i = 0; i < RESET_MAX_LS; i++)
		if (d->ls[i].used)
			resetd_ls_end(d, d->ls[i].name);
}

void resetd_ls_drop(struct resetd *d, int i)
{
	if (!d->ls[i].used)
		return;
	if (d->ls[i].fd >= 0)
		close(d->ls[i].fd);
	forget(&d->ls[i]);
}

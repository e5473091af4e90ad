/*
 * direct_id.c - `sanlock direct acquire_id | renew_id | release_id
 * -s LOCKSPACE [-e NAME] [-o sec]` (spec/cli.md §1.9): one host_id delta
 * lease operation done by this process with lease/delta (algorithms.md
 * §3), writing records exactly as 3.8.5's direct tools do (msg_fill NULL,
 * extra NULL).  W is 60 as in 3.8.5.
 *
 * Results as 3.8.5 prints them: -19 when the storage cannot be opened, -1
 * when no lockspace record is found at the offset (sizes unknown), -22 for
 * host_id 0 or a slot we do not own (renew/release); renew prints its
 * result as "rewew_id done" (sic).  Unlike 3.8.5, a host_id above the
 * lockspace's max_hosts is refused with -231 instead of reading a sector
 * past the host records.  Single-threaded CLI code; no state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <syslog.h>

#include "cli/cli.h"
#include "cli/direct_action.h"
#include "cli/direct_util.h"
#include "common/monotime.h"
#include "lease/delta.h"
#include "lease/env_disk.h"

#define DIRECT_ID_FIRE_TIMEOUT 60   /* W of 3.8.5 (algorithms.md §2.4) */

enum direct_id_op { DIRECT_ID_ACQUIRE, DIRECT_ID_RENEW, DIRECT_ID_RELEASE };

/* "<uuid>.<nodename>" cut to 48 bytes, as the daemon's default name. */
static void direct_id_host_name(char out[DELTA_HOST_NAME_MAX + 1])
{
	uint8_t u[16];
	struct utsname un;
	char full[128];

	if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u)) {
		uint64_t t = monotime_usec();

		memcpy(u, &t, sizeof(t));
		memcpy(u + 8, &t, sizeof(t));
	}
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);   /* version 4 */
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	if (uname(&un) < 0)
		un.nodename[0] = '\0';
	snprintf(full, sizeof(full),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x.%.60s",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15], un.nodename);
	memcpy(out, full, DELTA_HOST_NAME_MAX);
	out[DELTA_HOST_NAME_MAX] = '\0';
}

static void direct_id_syslog(const char *what, const struct sanlk_lockspace *ls)
{
	openlog("sanlock-direct", LOG_PID, LOG_DAEMON);
	syslog(LOG_WARNING, "%s %.48s:%llu:%s:%llu", what, ls->name,
	       (unsigned long long)ls->host_id, ls->host_id_disk.path,
	       (unsigned long long)ls->host_id_disk.offset);
	closelog();
}

static int direct_id_run(const struct cli_args *a, enum direct_id_op op)
{
	const struct sanlk_lockspace *ls = &a->lockspace;
	const char *path = ls->host_id_disk.path;
	const char *paths[1] = { path };
	char space[ONDISK_NAME_LEN + 1], host[DELTA_HOST_NAME_MAX + 1];
	struct delta_lease_params p;
	struct delta_lease dl;
	struct env_disk ed;
	int rv, io = direct_io_timeout(a);

	/* no -s: the empty path fails to open, -19 like 3.8.5 */
	if (env_disk_open(&ed, paths, 1, 0, NULL, NULL) < 0)
		return -ENODEV;

	memset(&p, 0, sizeof(p));
	if (direct_arg_sizes(a, &p.sizes) != 1) {
		rv = delta_lease_probe(&ed.env, 0, ls->host_id_disk.offset,
				       (uint32_t)io, &p.sizes);
		if (rv == SANLK_LEADER_MAGIC || rv == SANLK_LEADER_VERSION ||
		    rv == SANLK_LEADER_SECTORSIZE || rv == SANLK_ADDLS_SIZES)
			rv = -1;
		if (rv < 0)
			goto out;
	}
	memcpy(space, ls->name, ONDISK_NAME_LEN);
	space[ONDISK_NAME_LEN] = '\0';
	if (a->local_host_name && a->local_host_name[0])
		snprintf(host, sizeof(host), "%s", a->local_host_name);
	else
		direct_id_host_name(host);

	p.space_name = space;
	p.host_name = host;
	p.host_id = ls->host_id;
	p.disk = 0;
	p.offset = ls->host_id_disk.offset;
	p.io_timeout = (uint32_t)io;
	p.fire_timeout = DIRECT_ID_FIRE_TIMEOUT;
	p.read_extend_sec = -1;
	rv = delta_lease_init(&dl, &p);
	if (rv < 0)
		goto out;

	switch (op) {
	case DIRECT_ID_ACQUIRE:
		rv = delta_lease_acquire(&ed.env, &dl, NULL, NULL, NULL);
		break;
	case DIRECT_ID_RENEW:
	case DIRECT_ID_RELEASE: {
		void *area;

		rv = delta_lease_adopt(&ed.env, &dl);
		if (rv < 0)
			break;
		if (op == DIRECT_ID_RELEASE) {
			rv = delta_lease_release(&ed.env, &dl, NULL);
			break;
		}
		area = ed.env.buf_alloc(ed.env.ctx, dl.sizes.align_size);
		if (!area) {
			rv = -ENOMEM;
			break;
		}
		rv = delta_lease_renew(&ed.env, &dl, area, NULL, NULL);
		ed.env.buf_free(ed.env.ctx, area);
		break;
	}
	}
out:
	env_disk_close(&ed);
	return rv;
}

int direct_action_acquire_id(struct cli_args *a)
{
	int rv;

	direct_id_syslog("acquire_id", &a->lockspace);
	rv = direct_id_run(a, DIRECT_ID_ACQUIRE);
	return cli_done("acquire_id", rv);
}

int direct_action_renew_id(struct cli_args *a)
{
	int rv;

	direct_id_syslog("renew_id", &a->lockspace);
	rv = direct_id_run(a, DIRECT_ID_RENEW);
	return cli_done("rewew_id", rv);	/* sic, as 3.8.5 */
}

int direct_action_release_id(struct cli_args *a)
{
	int rv;

	direct_id_syslog("release_id", &a->lockspace);
	rv = direct_id_run(a, DIRECT_ID_RELEASE);
	return cli_done("release_id", rv);
}

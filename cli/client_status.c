/*
 * client_status.c - `sanlock client status [-D] [-o p|s]` (spec/cli.md
 * §3.1, api.md §8.7): asks STATUS with filter 0, collects the streamed
 * records and prints them as received, or sorted by pid (-o p) or by
 * lockspace (-o s).
 *
 * Single-threaded; the record array is owned by cli_client_status().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/client_actions.h"
#include "sanlock.h"

/* Escaped path buffer, as sanlock_res_to_str uses (api.md §4.8). */
#define CLI_ESC_PATH_LEN (SANLK_PATH_LEN + 1)

struct cli_status {
	struct cli_state_rec *recs;
	int count;
	int debug;
};

static void cli_status_suffix(const struct cli_state_rec *r)
{
	if (strstr(r->str, "list=add"))
		printf(" ADD");
	if (strstr(r->str, "list=rem"))
		printf(" REM");
	if (r->st.type == SANLK_STATE_RESOURCE && strstr(r->str, "list=orphan"))
		printf(" ORPHAN");
}

static void cli_status_print_res(const struct cli_state_rec *r)
{
	const struct sanlk_resource *res = r->res;
	char path[CLI_ESC_PATH_LEN];
	uint32_t i;

	printf("r %.48s:%.48s", res->lockspace_name, res->name);
	for (i = 0; i < res->num_disks && i < SANLK_MAX_DISKS; i++) {
		cli_path_escape(path, sizeof(path), res->disks[i].path);
		printf(":%s:%llu", path,
		       (unsigned long long)res->disks[i].offset);
	}
	if (res->flags & SANLK_RES_SHARED)
		printf(":SH p %u", r->st.data32);
	else
		printf(":%llu p %u", (unsigned long long)r->st.data64,
		       r->st.data32);
}

/* One record's line (and its details with -D); marks it printed. */
static void cli_status_print(struct cli_status *s, struct cli_state_rec *r)
{
	char path[CLI_ESC_PATH_LEN];

	switch (r->st.type) {
	case SANLK_STATE_DAEMON:
		printf("daemon %.48s", r->st.name);
		break;
	case SANLK_STATE_CLIENT:
		printf("p %d %.48s", (int)r->st.data32, r->st.name);
		break;
	case SANLK_STATE_LOCKSPACE:
		cli_path_escape(path, sizeof(path), r->ls.host_id_disk.path);
		printf("s %.48s:%llu:%s:%llu", r->ls.name,
		       (unsigned long long)r->ls.host_id, path,
		       (unsigned long long)r->ls.host_id_disk.offset);
		cli_status_suffix(r);
		break;
	case SANLK_STATE_RESOURCE:
		cli_status_print_res(r);
		cli_status_suffix(r);
		break;
	default:
		r->printed = 1;
		return;		/* not part of a STATUS reply */
	}
	printf("\n");
	if (s->debug)
		cli_print_details(r->str);
	r->printed = 1;
}

static void cli_status_print_type(struct cli_status *s, uint32_t type)
{
	int i;

	for (i = 0; i < s->count; i++) {
		if (s->recs[i].st.type == type && !s->recs[i].printed)
			cli_status_print(s, &s->recs[i]);
	}
}

/* CLIENT records whose pid is (want_unregistered) -1 or not -1. */
static void cli_status_print_clients(struct cli_status *s,
				     int want_unregistered, int with_res)
{
	struct cli_state_rec *c, *r;
	int i, j;

	for (i = 0; i < s->count; i++) {
		c = &s->recs[i];
		if (c->st.type != SANLK_STATE_CLIENT || c->printed)
			continue;
		if (((int)c->st.data32 == -1) != want_unregistered)
			continue;
		cli_status_print(s, c);
		if (!with_res)
			continue;
		for (j = 0; j < s->count; j++) {
			r = &s->recs[j];
			if (r->st.type == SANLK_STATE_RESOURCE && !r->printed &&
			    r->st.data32 == c->st.data32)
				cli_status_print(s, r);
		}
	}
}

static void cli_status_print_lockspaces(struct cli_status *s, int with_res)
{
	struct cli_state_rec *l, *r;
	int i, j;

	for (i = 0; i < s->count; i++) {
		l = &s->recs[i];
		if (l->st.type != SANLK_STATE_LOCKSPACE || l->printed)
			continue;
		cli_status_print(s, l);
		if (!with_res)
			continue;
		for (j = 0; j < s->count; j++) {
			r = &s->recs[j];
			if (r->st.type == SANLK_STATE_RESOURCE && !r->printed &&
			    !strncmp(r->res->lockspace_name, l->ls.name,
				     SANLK_NAME_LEN))
				cli_status_print(s, r);
		}
	}
}

/* Lines a sorted listing did not place follow a "-" line. */
static void cli_status_print_rest(struct cli_status *s)
{
	int i, dash = 0;

	for (i = 0; i < s->count; i++) {
		if (s->recs[i].printed)
			continue;
		if (!dash) {
			printf("-\n");
			dash = 1;
		}
		cli_status_print(s, &s->recs[i]);
	}
}

static void cli_status_output(struct cli_status *s, char sort)
{
	int i;

	if (sort == 'p') {
		cli_status_print_type(s, SANLK_STATE_DAEMON);
		cli_status_print_clients(s, 1, 0);
		cli_status_print_type(s, SANLK_STATE_LOCKSPACE);
		cli_status_print_clients(s, 0, 1);
		cli_status_print_rest(s);
	} else if (sort == 's') {
		cli_status_print_type(s, SANLK_STATE_DAEMON);
		cli_status_print_clients(s, 1, 0);
		cli_status_print_clients(s, 0, 0);
		cli_status_print_lockspaces(s, 1);
		cli_status_print_rest(s);
	} else {
		for (i = 0; i < s->count; i++)
			cli_status_print(s, &s->recs[i]);
	}
}

/* Read every record until the daemon closes the connection. */
static int cli_status_collect(int fd, struct cli_status *s)
{
	struct cli_state_rec *grown;
	int cap = 0, rv;

	while (s->count < CLI_STATE_RECORDS_MAX) {
		if (s->count == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(s->recs, (size_t)cap * sizeof(*grown));
			if (!grown)
				return -1;
			s->recs = grown;
		}
		rv = cli_state_read(fd, &s->recs[s->count]);
		if (rv <= 0)
			return rv;
		s->count++;
	}
	return 0;
}

int cli_client_status(struct cli_args *a)
{
	struct cli_status s = { .recs = NULL, .count = 0, .debug = a->debug };
	int fd, result, i;

	fd = cli_state_open(SM_CMD_STATUS, SANLK_STATUS_ALL, NULL, &result,
			    NULL);
	if (fd < 0)
		return 1;	/* daemon unreachable: no output */

	/* print what arrived even if the stream ended badly */
	cli_status_collect(fd, &s);
	close(fd);

	cli_status_output(&s, a->sort_arg);

	for (i = 0; i < s.count; i++)
		cli_state_free(&s.recs[i]);
	free(s.recs);
	return 0;
}

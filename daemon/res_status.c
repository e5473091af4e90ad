/*
 * res_status.c - how the leases look from outside: the RESOURCE records
 * of `client status` (cli.md §3.1, api.md §8.7: held, most recently
 * acquired first, one per holder of a shared lease; then acquires in
 * progress; then releases in progress; then orphans) and the state string
 * of INQUIRE (api.md §4.2, cli.md §3.6: the client's leases in slot order,
 * `ls:res:path:offset[...]:<lver>|SH`).
 *
 * res_status_build runs in the main thread, res_inquire_state in a
 * worker; both read the tables under res_mod.mutex and do no I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/wire.h"
#include "daemon/res_internal.h"
#include "sanlock_resource.h"

static const char *res_list_name(enum res_state s)
{
	switch (s) {
	case RES_ADD:    return "add";
	case RES_HELD:   return "held";
	case RES_REM:    return "rem";
	case RES_ORPHAN: return "orphan";
	}
	return "?";
}

/* A wire resource (header + disks) describing r, lver and mode. */
static size_t res_wire(const struct res_resource *r, int shared, uint64_t lver,
		       uint8_t *out)
{
	struct sanlk_resource h;
	uint32_t d;

	memset(&h, 0, sizeof(h));
	memcpy(h.lockspace_name, r->space_name, SANLK_NAME_LEN);
	memcpy(h.name, r->name, SANLK_NAME_LEN);
	h.lver = lver;
	h.flags = shared ? SANLK_RES_SHARED : 0;
	h.num_disks = r->num_disks;
	memcpy(out, &h, sizeof(h));
	for (d = 0; d < r->num_disks; d++) {
		struct sanlk_disk k;

		memset(&k, 0, sizeof(k));
		memcpy(k.path, r->disks[d].path, SANLK_PATH_LEN);
		k.offset = r->disks[d].offset;
		memcpy(out + sizeof(h) + d * sizeof(k), &k, sizeof(k));
	}
	return sizeof(h) + r->num_disks * sizeof(struct sanlk_disk);
}

static void res_status_token(struct reply *rep, const struct res_token *t)
{
	const struct res_resource *r = t->r;
	uint8_t extra[sizeof(struct sanlk_resource) +
		      SANLK_MAX_DISKS * sizeof(struct sanlk_disk)];
	char text[256];
	size_t n;

	n = res_wire(r, r->shared, r->lver, extra);
	snprintf(text, sizeof(text),
		 "list=%s flags=%x sector_size=%u align_size=%u lver=%" PRIu64
		 " reused=%u res_id=%u token_id=%u",
		 res_list_name(r->state), r->shared ? 1u : 0u, r->sector_size,
		 r->align_size, r->lver, 0u, r->res_id, t->token_id);
	if (reply_put_state(rep, SANLK_STATE_RESOURCE, (uint32_t)t->pid,
			    r->lver, r->name, SANLK_NAME_LEN, text, extra,
			    n) < 0 && !rep->overflow)
		log_error("status: no memory for resource record");
}

void res_status_build(struct reply *rep)
{
	static const enum res_state order[] = {
		RES_HELD, RES_ADD, RES_REM, RES_ORPHAN,
	};
	const struct res_token *t;
	size_t i;

	res_lock();
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int n = 0;

		/* tokens are kept newest first */
		for (t = res_mod.tokens; t && ++n <= RES_TOKENS_MAX; t = t->next)
			if (t->r->state == order[i])
				res_status_token(rep, t);
	}
	res_unlock();
}

int res_inquire_state(struct res_client *cl, int *count, char **state)
{
	struct sanlk_resource **args;
	int i, n = 0, rv;

	*count = 0;
	*state = NULL;
	res_lock();
	args = calloc((size_t)(cl->count ? cl->count : 1), sizeof(*args));
	if (!args) {
		res_unlock();
		return -ENOMEM;
	}
	for (i = 0; i < cl->cap; i++) {
		const struct res_token *t = cl->slots[i];
		uint8_t *buf;

		if (!t)
			continue;
		buf = calloc(1, sizeof(struct sanlk_resource) +
			     SANLK_MAX_DISKS * sizeof(struct sanlk_disk));
		if (!buf) {
			rv = -ENOMEM;
			goto out;
		}
		res_wire(t->r, (t->flags & SANLK_RES_SHARED) != 0, t->r->lver,
			 buf);
		args[n++] = (struct sanlk_resource *)(void *)buf;
	}
	rv = 0;
out:
	res_unlock();
	if (rv == 0 && n > 0) {
		rv = sanlock_args_to_state(n, args, state);
		if (rv == 0)
			*count = n;
	}
	for (i = 0; i < n; i++)
		free(args[i]);
	free(args);
	return rv;
}

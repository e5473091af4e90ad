/*
 * res_table.c - the resource manager's tables (see res_internal.h):
 * resources, tokens and client records, their allocation within the
 * named limits, lookups by name (api.md §3: exact 48-byte match for
 * release/convert, strncmp elsewhere) and the per-client slot order that
 * inquire reports (cli.md §3.6).
 *
 * Everything here runs with res_mod.mutex held, except res_lock/unlock
 * themselves.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/res_internal.h"

struct res_module res_mod = {
	.mutex = PTHREAD_MUTEX_INITIALIZER,
};

void res_lock(void)
{
	pthread_mutex_lock(&res_mod.mutex);
}

void res_unlock(void)
{
	pthread_mutex_unlock(&res_mod.mutex);
}

void res_name_str(char out[SANLK_NAME_LEN + 1], const char in[SANLK_NAME_LEN])
{
	memcpy(out, in, SANLK_NAME_LEN);
	out[SANLK_NAME_LEN] = '\0';
}

int res_names_eq(const char *a, const char *b, int exact)
{
	if (exact)
		return !memcmp(a, b, SANLK_NAME_LEN);
	return !strncmp(a, b, SANLK_NAME_LEN);
}

struct res_resource *res_find(const char *space, const char *name, int exact)
{
	struct res_resource *r;
	int n = 0;

	for (r = res_mod.all; r; r = r->next) {
		assert(++n <= RES_TOTAL_MAX);
		if (res_names_eq(r->space_name, space, exact) &&
		    res_names_eq(r->name, name, exact))
			return r;
	}
	return NULL;
}

struct res_resource *res_new(const struct sanlk_resource *in,
			     const struct sanlk_disk *disks,
			     const struct ls_info *li)
{
	struct res_resource *r;
	uint32_t d;

	assert(in->num_disks >= 1 && in->num_disks <= SANLK_MAX_DISKS);
	if (res_mod.nres >= RES_TOTAL_MAX) {
		log_error("resource table full (%d leases, limit RES_TOTAL_MAX)",
			  res_mod.nres);
		return NULL;
	}
	r = calloc(1, sizeof(*r) + in->num_disks * sizeof(r->disks[0]));
	if (!r)
		return NULL;
	r->res_id = ++res_mod.next_res_id;
	memcpy(r->space_name, in->lockspace_name, SANLK_NAME_LEN);
	memcpy(r->name, in->name, SANLK_NAME_LEN);
	r->num_disks = in->num_disks;
	for (d = 0; d < in->num_disks; d++) {
		memcpy(r->disks[d].path, disks[d].path, SANLK_PATH_LEN);
		r->disks[d].path[SANLK_PATH_LEN - 1] = '\0';
		r->disks[d].offset = disks[d].offset;
	}
	r->space_id = li->space_id;
	r->host_id = li->host_id;
	r->host_generation = li->host_generation;
	r->io_timeout = li->io_timeout;
	r->sector_size = li->sector_size;
	r->align_size = li->align_size;
	r->state = RES_ADD;
	r->op_busy = 1;
	r->next = res_mod.all;
	if (r->next)
		r->next->prev = r;
	res_mod.all = r;
	res_mod.nres++;
	return r;
}

void res_free(struct res_resource *r)
{
	struct res_token *t, *next;
	int n = 0;

	/* The last holder's token may still point here (REM, ORPHAN). */
	for (t = res_mod.tokens; t; t = next) {
		assert(++n <= RES_TOKENS_MAX);
		next = t->next;
		if (t->r == r)
			res_token_free(t);
	}
	assert(r->ntokens == 0);
	if (r->ed_open) {
		/* back to the pool, or closed by res_bg: the reply need not
		 * wait for the close */
		res_close_later(&r->ed, 0);
		r->ed_open = 0;
	}
	if (r->prev)
		r->prev->next = r->next;
	else
		res_mod.all = r->next;
	if (r->next)
		r->next->prev = r->prev;
	res_mod.nres--;
	assert(res_mod.nres >= 0);
	free(r->lvb);
	free(r);
}

static int res_slot_alloc(struct res_client *cl)
{
	struct res_token **ns;
	int i, cap;

	for (i = 0; i < cl->cap; i++)
		if (!cl->slots[i])
			return i;
	if (cl->cap >= RES_CLIENT_TOKENS_MAX)
		return -E2BIG;
	cap = cl->cap ? cl->cap * 2 : 8;
	if (cap > RES_CLIENT_TOKENS_MAX)
		cap = RES_CLIENT_TOKENS_MAX;
	ns = realloc(cl->slots, (size_t)cap * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	memset(ns + cl->cap, 0, (size_t)(cap - cl->cap) * sizeof(*ns));
	i = cl->cap;
	cl->slots = ns;
	cl->cap = cap;
	return i;
}

static int res_token_attach(struct res_token *t, struct res_client *cl)
{
	int slot = res_slot_alloc(cl);

	if (slot < 0) {
		log_error("client pid %d holds %d leases: limit "
			  "RES_CLIENT_TOKENS_MAX reached", cl->pid, cl->count);
		return slot;
	}
	cl->slots[slot] = t;
	cl->count++;
	t->cl = cl;
	t->slot = slot;
	return 0;
}

static void res_token_detach(struct res_token *t)
{
	struct res_client *cl = t->cl;

	if (!cl)
		return;
	assert(t->slot >= 0 && t->slot < cl->cap && cl->slots[t->slot] == t);
	cl->slots[t->slot] = NULL;
	cl->count--;
	assert(cl->count >= 0);
	t->cl = NULL;
	t->slot = -1;
}

struct res_token *res_token_new(struct res_resource *r, struct res_client *cl,
				int pid, uint32_t flags)
{
	struct res_token *t;

	if (res_mod.ntokens >= RES_TOKENS_MAX) {
		log_error("token table full (%d holdings, limit RES_TOKENS_MAX)",
			  res_mod.ntokens);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->slot = -1;
	if (cl && res_token_attach(t, cl) < 0) {
		free(t);
		return NULL;
	}
	t->r = r;
	t->token_id = ++res_mod.next_token_id;
	t->pid = pid;
	t->flags = flags;
	t->seq = ++res_mod.seq;
	t->next = res_mod.tokens;
	if (t->next)
		t->next->prev = t;
	res_mod.tokens = t;
	res_mod.ntokens++;
	r->ntokens++;
	return t;
}

void res_token_free(struct res_token *t)
{
	res_token_detach(t);
	if (t->prev)
		t->prev->next = t->next;
	else
		res_mod.tokens = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->r->ntokens--;
	assert(t->r->ntokens >= 0);
	res_mod.ntokens--;
	assert(res_mod.ntokens >= 0);
	free(t);
}

int res_token_move(struct res_token *t, struct res_client *cl)
{
	struct res_client *old = t->cl;
	int old_slot = t->slot, rv;

	res_token_detach(t);
	if (!cl)
		return 0;
	rv = res_token_attach(t, cl);
	if (rv < 0 && old) {
		/* put it back where it was */
		old->slots[old_slot] = t;
		old->count++;
		t->cl = old;
		t->slot = old_slot;
	}
	return rv;
}

struct res_token *res_client_token(struct res_client *cl, const char *space,
				   const char *name, int exact)
{
	int i;

	for (i = 0; i < cl->cap; i++) {
		struct res_token *t = cl->slots[i];

		if (t && res_names_eq(t->r->space_name, space, exact) &&
		    res_names_eq(t->r->name, name, exact))
			return t;
	}
	return NULL;
}

struct res_client *res_client_find(int ci, uint64_t gen)
{
	int i;

	for (i = 0; i < RES_CLIENTS_MAX; i++) {
		struct res_client *cl = &res_mod.clients[i];

		if (cl->used && cl->ci == ci && cl->gen == gen)
			return cl;
	}
	return NULL;
}

struct res_client *res_client_get(int ci, uint64_t gen, int pid)
{
	struct res_client *cl = res_client_find(ci, gen);
	int i;

	if (cl)
		return cl;
	for (i = 0; i < RES_CLIENTS_MAX; i++) {
		cl = &res_mod.clients[i];
		if (cl->used)
			continue;
		memset(cl, 0, sizeof(*cl));
		cl->used = 1;
		cl->ci = ci;
		cl->gen = gen;
		cl->pid = pid;
		return cl;
	}
	log_error("client records full (limit RES_CLIENTS_MAX %d)",
		  RES_CLIENTS_MAX);
	return NULL;
}

void res_client_put_if_idle(struct res_client *cl)
{
	if (!cl->used || cl->busy || cl->count > 0)
		return;
	free(cl->slots);
	memset(cl, 0, sizeof(*cl));
}

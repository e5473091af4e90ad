/*
 * client.c - the connection table (see client.h for ownership rules).
 *
 * client_table[] is static and starts all zero, which is the free state
 * (CL_FREE, an unlocked default mutex): a slot is touched only when it is
 * first allocated, so an idle daemon does not keep the whole table
 * (CLIENT_SLOTS_MAX x ~576 bytes) resident.  client_hwm, the number of
 * slots ever allocated (slots at or above it are untouched), is written
 * by the main thread only and read atomically by scans in other threads.
 * client_used counts allocated slots and is written by the main thread
 * only (read by it too), so it needs no lock.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon/client.h"

static struct client client_table[CLIENT_SLOTS_MAX];
static int client_used;
static int client_hwm;          /* slots [0, hwm) allocated at least once */
static client_dead_fn client_dead;

void client_set_dead_handler(client_dead_fn fn)
{
	client_dead = fn;
}

client_dead_fn client_dead_handler(void)
{
	return client_dead;
}

void client_table_init(void)
{
	static const pthread_mutex_t initializer = PTHREAD_MUTEX_INITIALIZER;
	static const pthread_mutex_t zero;

	/* An all-zero slot is a free one with a usable mutex (glibc's
	 * PTHREAD_MUTEX_INITIALIZER is all zero). */
	assert(memcmp(&initializer, &zero, sizeof(zero)) == 0);
	/* Again (tests, fuzzers): slots used since go back to zero. */
	memset(client_table, 0, (size_t)client_hwm * sizeof(client_table[0]));
	client_used = 0;
	__atomic_store_n(&client_hwm, 0, __ATOMIC_RELEASE);
}

int client_slots_hwm(void)
{
	return __atomic_load_n(&client_hwm, __ATOMIC_ACQUIRE);
}

struct client *client_get(int ci)
{
	assert(ci >= 0 && ci < CLIENT_SLOTS_MAX);
	return &client_table[ci];
}

static void client_reset_fields(struct client *c)
{
	c->pid = -1;
	c->registered = 0;
	c->flags = 0;
	c->restricted = 0;
	c->cmd_active = 0;
	c->cmd_last = 0;
	c->pid_dead = 0;
	c->kill_count = 0;
	c->kill_last = 0;
	c->suspend = 0;
	c->need_free = 0;
	c->name[0] = '\0';
	c->killpath[0] = '\0';
	c->killargs[0] = '\0';
	c->res = NULL;
}

int client_alloc(enum client_kind kind, int fd, const char *name)
{
	int start = 0;

	/* The helper and the listener have their fixed slots (cli.md §3.1). */
	if (kind == CL_HELPER)
		start = CLIENT_SLOT_HELPER;
	else if (kind == CL_LISTENER)
		start = CLIENT_SLOT_LISTENER;
	else
		start = CLIENT_SLOT_LISTENER + 1;

	for (int i = start; i < CLIENT_SLOTS_MAX; i++) {
		struct client *c = &client_table[i];

		if (c->kind != CL_FREE)
			continue;
		pthread_mutex_lock(&c->mutex);
		client_reset_fields(c);
		c->ci = i;
		c->kind = kind;
		c->fd = fd;
		c->gen++;
		if (name)
			snprintf(c->name, sizeof(c->name), "%s", name);
		pthread_mutex_unlock(&c->mutex);
		memset(&c->io, 0, sizeof(c->io));
		client_used++;
		if (i >= client_hwm)
			__atomic_store_n(&client_hwm, i + 1, __ATOMIC_RELEASE);
		return i;
	}
	return -EMFILE;
}

void client_release_slot(struct client *c)
{
	assert(c->kind != CL_FREE);
	assert(c->io.pl == NULL && c->io.out.buf == NULL);
	/* A worker may still send on a busy connection's fd (worker.h). */
	assert(!c->io.busy);
	pthread_mutex_lock(&c->mutex);
	client_reset_fields(c);
	c->kind = CL_FREE;
	c->fd = -1;
	pthread_mutex_unlock(&c->mutex);
	client_used--;
	assert(client_used >= 0);
}

int client_count(void)
{
	return client_used;
}

int client_find_pid(int pid)
{
	int hwm = client_slots_hwm();

	for (int i = 0; i < hwm; i++) {
		struct client *c = &client_table[i];
		int match;

		pthread_mutex_lock(&c->mutex);
		match = c->kind == CL_CONN && c->registered &&
			c->pid == pid;
		pthread_mutex_unlock(&c->mutex);
		if (match)
			return i;
	}
	return -ESRCH;
}

int client_snapshot(int ci, struct client_info *out)
{
	struct client *c = client_get(ci);
	int rv = 0;

	pthread_mutex_lock(&c->mutex);
	if (c->kind == CL_FREE) {
		rv = -ENOENT;
	} else {
		out->ci = c->ci;
		out->fd = c->fd;
		out->pid = c->pid;
		out->flags = c->flags;
		out->restricted = c->restricted;
		out->cmd_active = c->cmd_active;
		out->cmd_last = c->cmd_last;
		out->pid_dead = c->pid_dead;
		out->kill_count = c->kill_count;
		out->kill_last = c->kill_last;
		out->suspend = c->suspend;
		out->need_free = c->need_free;
		memcpy(out->name, c->name, sizeof(out->name));
	}
	pthread_mutex_unlock(&c->mutex);
	return rv;
}

void client_set_name(struct client *c, const char *name)
{
	pthread_mutex_lock(&c->mutex);
	snprintf(c->name, sizeof(c->name), "%s", name);
	pthread_mutex_unlock(&c->mutex);
}

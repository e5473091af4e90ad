/*
 * clients.c - wdmd's client table (see clients.h for the rules, in
 * particular the dead-connection rule).  Main thread only.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wdmd/clients.h"
#include "wdmd/log.h"

void wdmd_clients_init(struct wdmd_clients *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < WDMD_CLIENT_MAX; i++)
		t->c[i].fd = -1;
}

int wdmd_clients_add(struct wdmd_clients *t, int fd, pid_t pid,
		     const char *name, int internal)
{
	struct wdmd_client *c;
	int i;

	assert(fd >= 0);
	for (i = 0; i < WDMD_CLIENT_MAX; i++) {
		c = &t->c[i];
		if (c->used)
			continue;
		memset(c, 0, sizeof(*c));
		c->used = 1;
		c->internal = internal ? 1 : 0;
		c->fd = fd;
		c->pid = pid;
		if (name)
			wdmd_clients_set_name(c, name, strlen(name));
		t->used++;
		assert(t->used <= WDMD_CLIENT_MAX);
		return i;
	}
	return -ENOSPC;
}

void wdmd_clients_set_name(struct wdmd_client *c, const char *name, size_t max)
{
	size_t len = strnlen(name, max);

	if (len > WDMD_NAME_SIZE - 1)
		len = WDMD_NAME_SIZE - 1;
	memcpy(c->name, name, len);
	c->name[len] = '\0';
}

void wdmd_clients_close(struct wdmd_clients *t, int ci, const char *why)
{
	struct wdmd_client *c;

	assert(ci >= 0 && ci < WDMD_CLIENT_MAX);
	c = &t->c[ci];
	assert(c->used && !c->dead && c->fd >= 0);

	if (!c->internal && c->expire) {
		wdmd_debug("client ci %d closed armed (%s)", ci, why);
		wdmd_log("client dead ci %d fd %d pid %d renewal %llu expire %llu %s",
			 ci, c->fd, (int)c->pid,
			 (unsigned long long)c->renewal,
			 (unsigned long long)c->expire, c->name);
		close(c->fd);
		c->fd = -1;
		c->dead = 1;
		c->rlen = 0;
		return;
	}
	if (!c->internal && c->refcount)
		wdmd_log("client ci %d fd %d pid %d %s closed disarmed with refcount set (%s)",
			 ci, c->fd, (int)c->pid, c->name, why);
	else
		wdmd_debug("client ci %d fd %d pid %d %s closed (%s)",
			   ci, c->fd, (int)c->pid, c->name, why);
	close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	assert(t->used > 0);
	t->used--;
}

int wdmd_clients_refcount(const struct wdmd_clients *t)
{
	int i, n = 0;

	for (i = 0; i < WDMD_CLIENT_MAX; i++)
		if (t->c[i].used && !t->c[i].internal && t->c[i].refcount)
			n++;
	return n;
}

int wdmd_clients_armed(const struct wdmd_clients *t)
{
	int i, n = 0;

	for (i = 0; i < WDMD_CLIENT_MAX; i++)
		if (t->c[i].used && !t->c[i].internal && t->c[i].expire)
			n++;
	return n;
}

size_t wdmd_safe_text(const char *src, size_t max, char *buf, size_t size)
{
	size_t i, n;

	assert(size > 0);
	n = strnlen(src, max);
	if (n > size - 1)
		n = size - 1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];

		buf[i] = (ch <= ' ' || ch >= 0x7f) ? '_' : (char)ch;
	}
	buf[n] = '\0';
	return n;
}

void wdmd_clients_label(const struct wdmd_clients *t, int ci, char *buf,
			size_t size)
{
	assert(ci >= 0 && ci < WDMD_CLIENT_MAX && size > 0);
	if (!t->c[ci].name[0]) {
		snprintf(buf, size, "ci%d", ci);
		return;
	}
	wdmd_safe_text(t->c[ci].name, WDMD_NAME_SIZE - 1, buf, size);
}

/*
 * ls_msg.c - THE hook between the lockspace manager and host messages
 * (messages.md §2): the 56-byte message record our daemon writes at
 * bytes 200..255 of its delta sector at acquire, every renewal and
 * release.  For now always a fresh record: no message, no ack, our
 * generation and our watchdog fire timeout W.  The host-message issue
 * replaces this with the record built from its send queue and owed acks.
 *
 * Called by the renewal thread only; no state of its own.
 */
#include <string.h>

#include "daemon/ls_internal.h"

void ls_msg_fresh(const struct lspace *ls, uint64_t gen,
		  uint8_t out[ONDISK_MSG_SIZE])
{
	struct ondisk_msg m;
	uint32_t w;

	ls_lock();
	w = (uint32_t)ls_mod.cfg.watchdog_fire_timeout;
	ls_unlock();
	(void)ls;
	memset(&m, 0, sizeof(m));
	m.magic = ONDISK_MSG_MAGIC;
	m.version = ONDISK_MSG_VERSION;
	m.fire_timeout = (uint16_t)w;
	m.owner_generation = gen;
	memset(out, 0, ONDISK_MSG_SIZE);
	ondisk_msg_seal(&m, out);
}

/*
 * direct_msg.c - sanlock_read_lockspace_message() (spec/messages.md §7):
 * read one host's delta lease sector from the lockspace disk in the
 * calling process and decode its message record (bytes 200..255).
 * Extension, not in sanlock 3.8.5; libsanlock only (lib/direct*.c are
 * not linked into libsanlock_client).
 *
 * Stateless; each call opens and closes its own handle.
 */
#include <errno.h>
#include <string.h>

#include "disk/disk.h"
#include "lib/lib.h"
#include "ondisk/ondisk.h"
#include "sanlock_admin.h"

#define DIRECT_MSG_PROBE     4096u  /* first read when sizes are unknown */
#define DIRECT_MSG_IO_TIMEOUT 10    /* s, the default io_timeout */

/* Sizes from ls->flags, else from the first record (as read_lockspace). */
static int direct_msg_sizes(struct disk_handle *d, const struct sanlk_lockspace *ls,
			    struct ondisk_sizes *sz)
{
	struct ondisk_leader lr;
	uint8_t *buf;
	int rv;

	rv = ondisk_sizes_from_api_flags(ls->flags, sz);
	if (rv < 0)
		return -EINVAL;
	if (rv == 1)
		return 0;
	buf = disk_buf_alloc(DIRECT_MSG_PROBE);
	if (!buf)
		return -ENOMEM;
	rv = disk_read(d, ls->host_id_disk.offset, buf, DIRECT_MSG_PROBE,
		       DIRECT_MSG_IO_TIMEOUT);
	if (rv == 0) {
		ondisk_leader_decode(buf, &lr);
		if (lr.magic != DELTA_DISK_MAGIC)
			rv = SANLK_LEADER_MAGIC;
		else if ((lr.version & ONDISK_VERSION_MAJOR_MASK) !=
			 DELTA_DISK_VERSION_MAJOR)
			rv = SANLK_LEADER_VERSION;
		else
			rv = ondisk_sizes_from_leader(lr.sector_size, lr.flags, sz);
	}
	disk_buf_free(buf);
	return rv > 0 ? -EIO : rv;
}

static void direct_msg_fill(uint64_t host_id, const struct ondisk_leader *lr,
			    const uint8_t *sector, struct sanlk_host_message *hm)
{
	struct ondisk_msg m;

	memset(hm, 0, sizeof(*hm));
	hm->host_id = host_id;
	hm->generation = lr->owner_generation;
	hm->timestamp = lr->timestamp;
	ondisk_msg_decode(sector + ONDISK_MSG_OFFSET, &m);
	if (ondisk_msg_verify(&m, lr->owner_generation) != 0)
		return;                  /* "no record" (§2) */
	hm->flags = SANLK_HMF_VALID;
	hm->fire_timeout = m.fire_timeout;
	if (m.flags & ONDISK_MSG_F_MESSAGE) {
		hm->flags |= SANLK_HMF_MESSAGE;
		hm->dest_host_id = m.dest_host_id;
		hm->dest_generation = m.dest_generation;
		hm->msg = m.msg;
		hm->seq = m.seq;
	}
	if (m.flags & ONDISK_MSG_F_ACK) {
		hm->flags |= SANLK_HMF_ACK;
		hm->ack_host_id = m.ack_host_id;
		hm->ack_generation = m.ack_generation;
		hm->ack_seq = m.ack_seq;
	}
}

SANLK_EXPORT
int sanlock_read_lockspace_message(struct sanlk_lockspace *ls, uint64_t host_id,
				   struct sanlk_host_message *hm, uint32_t flags)
{
	char path[SANLK_PATH_LEN + 1];
	char name[SANLK_NAME_LEN + 1];
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	struct disk_handle *d = NULL;
	uint8_t *buf = NULL;
	int rv;

	if (!ls || !hm || flags || host_id == 0)
		return -EINVAL;
	memcpy(path, ls->host_id_disk.path, SANLK_PATH_LEN);
	path[SANLK_PATH_LEN] = '\0';
	memcpy(name, ls->name, SANLK_NAME_LEN);
	name[SANLK_NAME_LEN] = '\0';
	if (!path[0])
		return -ENODEV;
	if (disk_open(path, DISK_OPEN_RDONLY, &d) < 0)
		return -ENODEV;          /* as 3.8.5 reports open failures */

	rv = direct_msg_sizes(d, ls, &sz);
	if (rv < 0)
		goto out;
	if (host_id > sz.max_hosts) {
		rv = -EINVAL;
		goto out;
	}
	buf = disk_buf_alloc(sz.sector_size);
	if (!buf) {
		rv = -ENOMEM;
		goto out;
	}
	rv = disk_read(d, ondisk_delta_offset(ls->host_id_disk.offset, host_id,
					      sz.sector_size),
		       buf, sz.sector_size, DIRECT_MSG_IO_TIMEOUT);
	if (rv > 0)
		rv = -EIO;
	if (rv < 0)
		goto out;
	ondisk_leader_decode(buf, &lr);
	rv = ondisk_delta_verify(&lr, name[0] ? name : NULL);
	if (rv < 0)
		goto out;
	direct_msg_fill(host_id, &lr, buf, hm);
out:
	if (buf)
		disk_buf_free(buf);
	disk_close(d);
	return rv;
}

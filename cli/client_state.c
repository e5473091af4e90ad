/*
 * client_state.c - reading the streamed status replies of STATUS,
 * HOST_STATUS and RENEWAL (spec/api.md §8.7): the 80-byte sanlk_state,
 * its text, and the lockspace or resource that follows LOCKSPACE and
 * RESOURCE records; plus small output helpers shared by the client
 * actions (details lines, escaped paths, -Z/-A flags).
 *
 * Single-threaded CLI code; records are owned by the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/client_actions.h"
#include "lib/client.h"
#include "sanlock.h"

/* Most tokens one details text is split into (4096 bytes of text). */
#define CLI_DETAILS_TOKENS_MAX (SANLK_STATE_MAXSTR / 2)

int cli_state_open(uint32_t cmd, uint32_t data,
		   const struct sanlk_lockspace *ls, int *result,
		   uint32_t *data2)
{
	struct sm_header h;
	int fd, rv;

	fd = send_command((int)cmd, data);
	if (fd < 0)
		return fd;
	if (ls) {
		rv = client_send_all(fd, ls, sizeof(*ls));
		if (rv < 0)
			goto fail;
	}
	rv = client_recv_header(fd, &h);
	if (rv < 0)
		goto fail;
	*result = (int32_t)h.data;
	if (data2)
		*data2 = h.data2;
	return fd;
fail:
	close(fd);
	return rv;
}

void cli_state_free(struct cli_state_rec *r)
{
	free(r->str);
	free(r->res);
	r->str = NULL;
	r->res = NULL;
}

int cli_state_read(int fd, struct cli_state_rec *r)
{
	struct sanlk_resource head;
	size_t size;
	int rv;

	memset(r, 0, sizeof(*r));
	rv = client_recv_all(fd, &r->st, sizeof(r->st));
	if (rv == -1)
		return 0;	/* the daemon closed: end of the stream */
	if (rv < 0)
		return rv;
	if (r->st.str_len > SANLK_STATE_MAXSTR)
		return -EPROTO;

	r->str = calloc(1, (size_t)r->st.str_len + 1);
	if (!r->str)
		return -ENOMEM;
	if (r->st.str_len &&
	    client_recv_all(fd, r->str, r->st.str_len) < 0)
		goto short_read;

	if (r->st.type == SANLK_STATE_LOCKSPACE) {
		if (client_recv_all(fd, &r->ls, sizeof(r->ls)) < 0)
			goto short_read;
	} else if (r->st.type == SANLK_STATE_RESOURCE) {
		if (client_recv_all(fd, &head, sizeof(head)) < 0)
			goto short_read;
		if (head.num_disks > SANLK_MAX_DISKS) {
			cli_state_free(r);
			return -EPROTO;
		}
		size = sizeof(head) + head.num_disks * sizeof(struct sanlk_disk);
		r->res = calloc(1, size);
		if (!r->res) {
			cli_state_free(r);
			return -ENOMEM;
		}
		memcpy(r->res, &head, sizeof(head));
		if (head.num_disks &&
		    client_recv_all(fd, r->res->disks, size - sizeof(head)) < 0)
			goto short_read;
	}
	return 1;

short_read:
	cli_state_free(r);
	return -EPROTO;
}

void cli_print_details(const char *str)
{
	const char *p = str;
	int n;

	for (n = 0; *p && n < CLI_DETAILS_TOKENS_MAX; n++) {
		size_t len = strcspn(p, " ");

		if (len)
			printf("    %.*s\n", (int)len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
}

void cli_path_escape(char *dst, size_t dstlen, const char *path)
{
	char raw[SANLK_PATH_LEN + 1];

	/* the path field may lack its NUL; never read past it */
	memcpy(raw, path, SANLK_PATH_LEN);
	raw[SANLK_PATH_LEN] = '\0';
	sanlock_path_export(dst, raw, dstlen);
}

uint32_t cli_size_flags(const struct cli_args *a)
{
	uint32_t flags = 0;

	if (a->sector_size == 512)
		flags |= SANLK_RES_SECTOR512;
	else if (a->sector_size == 4096)
		flags |= SANLK_RES_SECTOR4K;

	switch (a->align_size) {
	case 1048576:
		flags |= SANLK_RES_ALIGN1M;
		break;
	case 2097152:
		flags |= SANLK_RES_ALIGN2M;
		break;
	case 4194304:
		flags |= SANLK_RES_ALIGN4M;
		break;
	case 8388608:
		flags |= SANLK_RES_ALIGN8M;
		break;
	default:
		break;
	}
	return flags;
}

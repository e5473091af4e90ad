/*
 * direct_msg.c - `sanlock direct read_message` (spec/messages.md §9):
 * one line with host HOST_ID's message record as its delta lease holds
 * it (sanlock_read_lockspace_message, lib/direct_msg.c); on failure
 * `read_message done <rv>`.  Sizes from -Z/-A, else discovered.
 *
 * Single-threaded CLI code; no state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/direct_msg.h"
#include "cli/direct_util.h"
#include "sanlock_admin.h"

int direct_action_read_message(struct cli_args *a)
{
	struct sanlk_host_message hm;
	struct sanlk_lockspace ls = a->lockspace;
	struct ondisk_sizes sz;
	int rv;

	if (direct_arg_sizes(a, &sz) == 1)
		ls.flags |= ondisk_api_flags(&sz);
	memset(&hm, 0, sizeof(hm));
	rv = a->lockspace_set ?
	     sanlock_read_lockspace_message(&ls, a->host_id, &hm, 0) : -EINVAL;
	if (rv < 0)
		return cli_done("read_message", rv);
	printf("host_id %llu gen %llu timestamp %llu msg 0x%x seq %u "
	       "dest_host_id %llu dest_gen %llu ack_host_id %llu ack_gen %llu "
	       "ack_seq %u fire_timeout %u record %s\n",
	       (unsigned long long)hm.host_id,
	       (unsigned long long)hm.generation,
	       (unsigned long long)hm.timestamp, hm.msg, hm.seq,
	       (unsigned long long)hm.dest_host_id,
	       (unsigned long long)hm.dest_generation,
	       (unsigned long long)hm.ack_host_id,
	       (unsigned long long)hm.ack_generation, hm.ack_seq,
	       hm.fire_timeout, (hm.flags & SANLK_HMF_VALID) ? "valid" : "none");
	fflush(stdout);
	return 0;
}

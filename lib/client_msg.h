/*
 * lib/client_msg.h - internal split of sanlock_host_message() for the
 * CLI, which prints the seq before waiting for the outcome
 * (spec/messages.md §9).  Not installed; no state.
 */
#ifndef SANLK_LIB_CLIENT_MSG_H
#define SANLK_LIB_CLIENT_MSG_H

#include <stdint.h>

/* Send HOST_MESSAGE (on a connection identified as ours) and read the
 * first reply.  Returns its result (or a transport error /
 * -EPROTONOSUPPORT); *seq_out = the seq used (the request's when the
 * daemon did not answer).  With SANLK_HM_WAIT and result 0, *wait_fd is
 * the connection to pass to client_host_message_finish(); else -1. */
int client_host_message_start(const char *ls_name, uint64_t host_id,
			      uint64_t generation, uint32_t msg, uint32_t seq,
			      uint32_t flags, uint32_t *seq_out, int *wait_fd);

/* Read the final reply of a WAIT message and close fd: 0 (acked),
 * -ETIMEDOUT, -EHOSTDOWN, -ECANCELED, or -1 when the daemon went away. */
int client_host_message_finish(int fd);

#endif /* SANLK_LIB_CLIENT_MSG_H */

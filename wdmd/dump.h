/*
 * dump.h - wdmd's debug dump (spec/cli.md §4.7): the server side builds
 * the text, `wdmd -d` (the client side) prints it.
 *
 * Text: one header line, one line per script, one per client slot in use:
 *   wdmd <pid> socket_gid <gid> high_priority <0|1> now <mono>
 *     last_keepalive <mono> last_closeunclean 0 allow_scripts <0|1>
 *     kill_script_sec <n> fire_timeout <n>          (one line)
 *   script <i> name <name> pid <pid> now <mono> start <mono> last_result <n>
 *     run <n> fail <n> good <n> kill <n> long <n>   (one line)
 *   client <ci> name <name> pid <pid> fd <fd> dead <0|1> ref <0|1>
 *     now <mono> renewal <mono> expire <mono>       (one line)
 * " fire_timeout <n>" ends the header as in the post-3.8.5 HEAD
 * (extension); last_closeunclean is always 0 because our wdmd never
 * closes its device unclean.  A dead slot prints fd -1.
 */
#ifndef WDMD_DUMP_H
#define WDMD_DUMP_H

#include <stddef.h>

#include "wdmd/state.h"

/* Format the dump into buf (NUL-terminated, cut at size); returns the
 * length.  Main thread. */
size_t wdmd_dump_format(const struct wdmd_state *st, char *buf, size_t size);

/* `wdmd -d`: ask the running daemon for its dump and copy it to stdout.
 * Returns the exit status: 0, or 1 if it cannot connect or read. */
int wdmd_dump_client(void);

#endif /* WDMD_DUMP_H */

/*
 * lib/lib.h - internal helpers shared by the lib/ sources (libsanlock and
 * libsanlock_client).  Not installed, not part of the public API.
 *
 * Owns no state.  Everything in lib/ is compiled with -fvisibility=hidden;
 * functions and data that belong to the public ABI (spec/api.md section 1.2)
 * are marked SANLK_EXPORT on their definitions, and must also be listed in
 * lib/libsanlock.sym (and lib/libsanlock_client.sym unless direct-only).
 */
#ifndef SANLK_LIB_LIB_H
#define SANLK_LIB_LIB_H

#define SANLK_EXPORT __attribute__((visibility("default")))

#endif /* SANLK_LIB_LIB_H */

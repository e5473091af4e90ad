/*
 * lib/version_data.c - the five sanlock_version_* data symbols that 3.8.5's
 * libsanlock.so.1 exports (spec/api.md 1.2).  They are zero in the library
 * and never written by library code; only libsanlock.sym exports them
 * (libsanlock_client.sym hides them).  The daemon keeps its own version
 * numbers elsewhere and must not write these.
 *
 * Owns these five read-only globals; no locking needed.
 */
#include <stdint.h>

#include "lib/lib.h"

SANLK_EXPORT uint8_t sanlock_version_major;
SANLK_EXPORT uint8_t sanlock_version_minor;
SANLK_EXPORT uint8_t sanlock_version_patch;
SANLK_EXPORT uint8_t sanlock_version_build;
SANLK_EXPORT uint32_t sanlock_version_combined;

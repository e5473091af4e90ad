/*
 * lib/env.h - declarations of env_get()/env_get_bool() (lib/env.c).  These
 * are exported by libsanlock and libsanlock_client but declared in no public
 * header (spec/api.md 1.2, 4.10).  Owns no state.
 */
#ifndef SANLK_LIB_ENV_H
#define SANLK_LIB_ENV_H

/* getenv(key), or defval when key is unset. */
const char *env_get(const char *key, const char *defval);

/* Unset -> defval; exactly "1" -> 1; any other value -> 0. */
int env_get_bool(const char *key, int defval);

#endif /* SANLK_LIB_ENV_H */

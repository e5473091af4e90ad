/*
 * rindex_ops.c - the index operations that take no lease: lookup and
 * update (see rindex.h; spec/ondisk.md §7.5, api.md §4.5, cli.md §1.8).
 *
 * Stateless; each call opens the index (header + area), answers or writes
 * one entry sector, and closes it, on the caller's thread.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/rindex.h"

static void rindex_rentry_set(struct rindex_rentry *out, const char *name,
			      uint64_t offset)
{
	memset(out, 0, sizeof(*out));
	if (name)
		ondisk_name_str(out->name, name);
	out->offset = offset;
}

/* An entry's name as a C string (the field may fill all 48 bytes). */
static void rindex_rentry_from(struct rindex_rentry *out,
			       const struct ondisk_rindex_entry *e,
			       uint64_t offset)
{
	memset(out, 0, sizeof(*out));
	ondisk_name_str(out->name, e->name);
	out->offset = offset;
}

static int rindex_lookup_open(const struct rindex *rx, const char *name,
			      uint64_t offset, struct rindex_rentry *out)
{
	struct ondisk_rindex_entry e;
	uint32_t i;
	int rv;

	if (offset) {
		rv = rindex_slot_of(rx, offset, &i);
		if (rv < 0)
			return rv;
		rindex_entry_get(rx, i, &e);
		rindex_rentry_from(out, &e, offset);
		if (name[0] && !ondisk_name_eq(e.name, name))
			return SANLK_RINDEX_DIFF;
		return 0;
	}
	if (name[0]) {
		rv = rindex_find_name(rx, name, &i);
		if (rv < 0)
			return rv;
		rindex_entry_get(rx, i, &e);
		rindex_rentry_from(out, &e, rindex_slot_offset(rx, i));
		return 0;
	}
	rv = rindex_find_free(rx, &i);
	if (rv < 0)
		return rv;
	rindex_rentry_set(out, NULL, rindex_slot_offset(rx, i));
	return 0;
}

int rindex_lookup(struct lease_env *env, const struct rindex_params *p,
		  const char *name, uint64_t offset, struct rindex_rentry *out)
{
	struct rindex rx;
	int rv;

	assert(env && p && out);
	memset(out, 0, sizeof(*out));
	if (!name)
		name = "";
	rv = rindex_open(env, p, &rx);
	if (rv == 0)
		rv = rindex_lookup_open(&rx, name, offset, out);
	rindex_close(env, &rx);
	if (rv < 0 && rv != SANLK_RINDEX_DIFF)
		memset(out, 0, sizeof(*out));
	return rv;
}

int rindex_update(struct lease_env *env, const struct rindex_params *p,
		  uint32_t flags, const char *name, uint64_t offset,
		  struct rindex_rentry *out)
{
	struct ondisk_rindex_entry e;
	struct rindex rx;
	uint32_t i;
	int rv;

	assert(env && p && out);
	memset(out, 0, sizeof(*out));
	if (!name)
		name = "";

	/* 3.8.5 checks the index before the arguments (§7.6 codes first). */
	rv = rindex_open(env, p, &rx);
	if (rv < 0)
		goto out;

	memset(&e, 0, sizeof(e));
	if (flags & RINDEX_UPDATE_REM) {
		if (!offset) {
			rv = -EINVAL;
			goto out;
		}
	} else if (flags & RINDEX_UPDATE_ADD) {
		if (!offset || !name[0]) {
			rv = -EINVAL;
			goto out;
		}
		e.res_offset = offset;
		ondisk_name_set(e.name, name);
	} else {
		rv = -EINVAL;
		goto out;
	}

	rv = rindex_slot_of(&rx, offset, &i);
	if (rv < 0)
		goto out;
	rv = rindex_entry_write(env, &rx, i, &e);
	if (rv == 0 && !(flags & RINDEX_UPDATE_REM))
		rindex_rentry_set(out, name, offset);
out:
	rindex_close(env, &rx);
	return rv;
}

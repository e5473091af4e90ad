/*
 * client_owners.c - sanlock_test_resource_owners: the purely local check
 * whether the owners of a lease (from sanlock_read_resource_owners) would
 * block an acquire, given host states (from sanlock_get_hosts)
 * (spec/api.md §4.4).
 *
 * No state, no daemon contact; pure computation on the caller's arrays.
 */
#include <errno.h>

#include "lib/lib.h"
#include "sanlock_admin.h"

/* The first host entry with this host_id, or NULL. */
static const struct sanlk_host *client_find_host(const struct sanlk_host *hosts,
						 int hosts_count,
						 uint64_t host_id)
{
	int i;

	for (i = 0; i < hosts_count; i++) {
		if (hosts[i].host_id == host_id)
			return &hosts[i];
	}
	return NULL;
}

SANLK_EXPORT int sanlock_test_resource_owners(struct sanlk_resource *res,
					      uint32_t flags,
					      struct sanlk_host *owners,
					      int owners_count,
					      struct sanlk_host *hosts,
					      int hosts_count,
					      uint32_t *test_flags)
{
	const struct sanlk_host *host;
	int i, fail = 0;

	(void)res;
	(void)flags;
	if (!test_flags)
		return -EINVAL;
	*test_flags = 0;
	if ((owners_count > 0 && !owners) || (hosts_count > 0 && !hosts))
		return -EINVAL;

	for (i = 0; i < owners_count; i++) {
		host = client_find_host(hosts, hosts_count, owners[i].host_id);
		if (!host)
			continue;
		if (host->generation > owners[i].generation)
			continue;
		if (host->generation < owners[i].generation)
			return -EINVAL;

		switch (host->flags & SANLK_HOST_MASK) {
		case SANLK_HOST_FREE:
		case SANLK_HOST_DEAD:
			break;
		case SANLK_HOST_LIVE:
		case SANLK_HOST_FAIL:
		case SANLK_HOST_UNKNOWN:
			fail = 1;
			break;
		default:
			return -EINVAL;
		}
	}
	if (fail)
		*test_flags |= SANLK_TRF_FAIL;
	return 0;
}

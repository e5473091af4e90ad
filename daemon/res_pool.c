/*
 * res_pool.c - idle disk handles kept open for reuse by lease operations.
 *
 * A disk/ handle is cheap (an fd; AIO contexts are shared by the whole
 * process, disk/disk_ctx.c), but opening one still costs a path lookup,
 * an O_DIRECT open, fstat and a sector-size ioctl.  Operations that touch
 * the same files again and again (acquire/release of the leases of one
 * lease file, the owner check reading the lockspace file) take the
 * handles of finished operations from here instead, by path and open
 * flags.
 *
 * The pool hands each handle out to one borrower at a time (disk.h would
 * allow sharing, but a borrower may close what it borrowed).  A file
 * replaced under the same path is never reused: the entry remembers the
 * (dev, ino) the path had when the handle was opened and is dropped if
 * the path now names another file.  Idle handles are closed after
 * RES_POOL_IDLE_SEC, and when the pool is full.
 *
 * State: res_pool[] guarded by res_pool_mutex (a leaf lock).  Closing runs
 * outside the lock, on the background thread when possible.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/res_internal.h"
#include "disk/disk.h"

#define RES_POOL_MAX       128    /* idle handles kept */
#define RES_POOL_IDLE_SEC  30     /* closed when unused this long */

struct res_pooled {
	struct disk_handle *d;        /* NULL: free entry */
	uint32_t flags;               /* DISK_OPEN_* it was opened with */
	dev_t    dev;
	ino_t    ino;
	uint64_t since;               /* idle since (monotonic s) */
};

static pthread_mutex_t res_pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct res_pooled res_pool[RES_POOL_MAX];

/* Borrowed handles: their identity, found again at put time. */
struct res_lent {
	struct disk_handle *d;
	dev_t    dev;
	ino_t    ino;
};
#define RES_LENT_MAX (RES_TOTAL_MAX + 256)
static struct res_lent res_lent[RES_LENT_MAX];

static int res_path_id(const char *path, dev_t *dev, ino_t *ino)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	*dev = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
	*ino = S_ISBLK(st.st_mode) ? 0 : st.st_ino;
	return 0;
}

static void res_lent_add(struct disk_handle *d, dev_t dev, ino_t ino)
{
	int i;

	for (i = 0; i < RES_LENT_MAX; i++) {
		if (!res_lent[i].d) {
			res_lent[i].d = d;
			res_lent[i].dev = dev;
			res_lent[i].ino = ino;
			return;
		}
	}
	/* Not tracked: it will simply not be pooled at put time. */
}

int res_pool_get(const char *path, uint32_t flags, struct disk_handle **out)
{
	struct disk_handle *stale[RES_POOL_MAX];
	dev_t dev = 0;
	ino_t ino = 0;
	int i, n = 0, rv;

	*out = NULL;
	if (res_path_id(path, &dev, &ino) == 0) {
		pthread_mutex_lock(&res_pool_mutex);
		for (i = 0; i < RES_POOL_MAX; i++) {
			struct res_pooled *p = &res_pool[i];

			if (!p->d || p->flags != flags ||
			    strcmp(disk_path(p->d), path))
				continue;
			if (p->dev != dev || p->ino != ino) {
				stale[n++] = p->d;    /* path names another file */
				p->d = NULL;
				continue;
			}
			if (!*out) {
				*out = p->d;
				p->d = NULL;
				res_lent_add(*out, dev, ino);
			}
		}
		pthread_mutex_unlock(&res_pool_mutex);
		for (i = 0; i < n; i++)
			disk_close(stale[i]);
		if (*out)
			return 0;
	}
	rv = disk_open(path, flags, out);
	if (rv < 0)
		return rv;
	if (res_path_id(path, &dev, &ino) == 0) {
		pthread_mutex_lock(&res_pool_mutex);
		res_lent_add(*out, dev, ino);
		pthread_mutex_unlock(&res_pool_mutex);
	}
	return 0;
}

/* Returns the handle to close now (pool full or untracked), else NULL. */
static struct disk_handle *res_pool_put_locked(struct disk_handle *d,
					       uint32_t flags)
{
	struct res_lent *l = NULL;
	int i;

	for (i = 0; i < RES_LENT_MAX; i++) {
		if (res_lent[i].d == d) {
			l = &res_lent[i];
			break;
		}
	}
	if (!l)
		return d;
	for (i = 0; i < RES_POOL_MAX; i++) {
		struct res_pooled *p = &res_pool[i];

		if (p->d)
			continue;
		p->d = d;
		p->flags = flags;
		p->dev = l->dev;
		p->ino = l->ino;
		p->since = monotime();
		l->d = NULL;
		return NULL;
	}
	l->d = NULL;
	return d;
}

struct disk_handle *res_pool_put_nb(struct disk_handle *d, uint32_t flags)
{
	struct disk_handle *c;

	if (!d)
		return NULL;
	pthread_mutex_lock(&res_pool_mutex);
	c = res_pool_put_locked(d, flags);
	pthread_mutex_unlock(&res_pool_mutex);
	return c;
}

void res_pool_put(struct disk_handle *d, uint32_t flags)
{
	struct disk_handle *c;

	if (!d)
		return;
	pthread_mutex_lock(&res_pool_mutex);
	c = res_pool_put_locked(d, flags);
	pthread_mutex_unlock(&res_pool_mutex);
	if (c)
		disk_close(c);
}

int res_pool_env_open(struct env_disk *ed, const char *const *paths, int n,
		      uint32_t flags)
{
	struct disk_handle *h[SANLK_MAX_DISKS];
	int i, rv;

	if (n < 1 || n > SANLK_MAX_DISKS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		rv = res_pool_get(paths[i], flags, &h[i]);
		if (rv < 0) {
			while (i-- > 0)
				res_pool_put(h[i], flags);
			return rv;
		}
	}
	env_disk_init(ed, h, n, &res_mod.abort);
	return 0;
}

void res_pool_env_close(struct env_disk *ed, uint32_t flags)
{
	int i;

	for (i = 0; i < ed->num_disks; i++)
		res_pool_put(env_disk_handle(ed, i), flags);
	env_disk_close(ed);       /* owns_disks is 0: only forgets them */
}

void res_pool_sweep(int all)
{
	struct disk_handle *c[RES_POOL_MAX];
	uint64_t now = monotime();
	int i, n = 0;

	pthread_mutex_lock(&res_pool_mutex);
	for (i = 0; i < RES_POOL_MAX; i++) {
		struct res_pooled *p = &res_pool[i];

		if (p->d && (all || now - p->since > RES_POOL_IDLE_SEC)) {
			c[n++] = p->d;
			p->d = NULL;
		}
	}
	pthread_mutex_unlock(&res_pool_mutex);
	for (i = 0; i < n; i++)
		disk_close(c[i]);
}

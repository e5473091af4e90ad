/*
 * api.c - loads one side's libsanlock.so.1 with dlopen and resolves the
 * functions the benchmark calls.  Only children call this (bench.h), so
 * each process holds exactly one sanlock library.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"

#define API_SYM(a, field, name)                                          \
	do {                                                             \
		*(void **)&(a)->field = dlsym((a)->handle, name);        \
		if (!(a)->field) {                                       \
			fprintf(stderr, "bench: %s: no symbol %s\n",     \
				path, name);                             \
			return -1;                                       \
		}                                                        \
	} while (0)

int api_load(struct api *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!a->handle) {
		fprintf(stderr, "bench: cannot load %s: %s\n", path, dlerror());
		return -1;
	}
	API_SYM(a, reg, "sanlock_register");
	API_SYM(a, acquire, "sanlock_acquire");
	API_SYM(a, release, "sanlock_release");
	API_SYM(a, add_ls, "sanlock_add_lockspace_timeout");
	API_SYM(a, rem_ls, "sanlock_rem_lockspace");
	API_SYM(a, inq_ls, "sanlock_inq_lockspace");
	API_SYM(a, write_ls, "sanlock_write_lockspace");
	API_SYM(a, write_res, "sanlock_write_resource");
	API_SYM(a, version, "sanlock_version");
	return 0;
}

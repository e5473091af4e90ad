/*
 * delta.c - simulated live hosts for the renewal run.  A forked writer
 * process keeps host_ids first..first+count-1 of renew.ls "live" on both
 * sides: every second it rewrites their delta lease records (ondisk.md §3,
 * §4.1) with owner_id = host_id, generation 1, a host name, io_timeout 1
 * and the current monotonic time, checksummed with sanlock's CRC-32C
 * variant (ondisk.md §5).  The record starts from the one the daemon's
 * write_lockspace left there; its checksum is verified first, which checks
 * our CRC.  O_DIRECT sector writes, as a real host's renewal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define DELTA_SECTOR     512
#define DELTA_CKSUM_LEN  168
#define DELTA_OFF_OWNER  32
#define DELTA_OFF_GEN    40
#define DELTA_OFF_NAME   104
#define DELTA_OFF_TS     152
#define DELTA_OFF_CKSUM  168
#define DELTA_OFF_IOTO   174
#define DELTA_MAX_LOOPS  (24 * 3600)

static uint32_t crc_sanlock(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFEu;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
	}
	return crc;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int delta_write(int fd, unsigned char *sec, int host, uint64_t ts)
{
	char name[48];

	memset(name, 0, sizeof(name));
	snprintf(name, sizeof(name), "bench-live-host-%04d", host);
	put_le(sec + DELTA_OFF_OWNER, (uint64_t)host, 8);
	put_le(sec + DELTA_OFF_GEN, 1, 8);
	memcpy(sec + DELTA_OFF_NAME, name, sizeof(name));
	put_le(sec + DELTA_OFF_TS, ts, 8);
	put_le(sec + DELTA_OFF_IOTO, 1, 2);
	put_le(sec + DELTA_OFF_CKSUM, crc_sanlock(sec, DELTA_CKSUM_LEN), 4);
	return pwrite(fd, sec, DELTA_SECTOR,
		      (off_t)(host - 1) * DELTA_SECTOR) == DELTA_SECTOR ? 0 : -1;
}

static void delta_loop(int *fds, unsigned char **secs, int first, int count)
{
	int loop, k, h;

	for (loop = 0; loop < DELTA_MAX_LOOPS; loop++) {
		uint64_t ts = (uint64_t)now_s();

		for (k = 0; k < BENCH_SIDES; k++) {
			if (fds[k] < 0)
				continue;
			for (h = 0; h < count; h++)
				delta_write(fds[k], secs[k] + h * DELTA_SECTOR,
					    first + h, ts);
		}
		sleep_s(1.0);
	}
}

/* Opens and checks the records, then forks the writer. */
int delta_live_start(struct side *sides, const char *file, int first,
		     int count, pid_t *writer)
{
	unsigned char *secs[BENCH_SIDES] = { NULL, NULL };
	int fds[BENCH_SIDES] = { -1, -1 }, k, h, rv = 0;
	size_t len = (size_t)count * DELTA_SECTOR;
	pid_t pid;

	for (k = 0; k < BENCH_SIDES && !rv; k++) {
		char path[400];

		if (!sides[k].ok)
			continue;
		snprintf(path, sizeof(path), "%s/%s", sides[k].dir, file);
		fds[k] = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
		if (fds[k] < 0 || posix_memalign((void **)&secs[k], 4096, len) ||
		    pread(fds[k], secs[k], len,
			  (off_t)(first - 1) * DELTA_SECTOR) != (ssize_t)len) {
			fprintf(stderr, "bench: %s: %s\n", path,
				strerror(errno));
			rv = -1;
			break;
		}
		for (h = 0; h < count; h++) {
			unsigned char *s = secs[k] + h * DELTA_SECTOR;

			if (get_le32(s + DELTA_OFF_CKSUM) !=
			    crc_sanlock(s, DELTA_CKSUM_LEN)) {
				fprintf(stderr, "bench: %s: host %d record "
					"checksum differs from ours\n", path,
					first + h);
				rv = -1;
				break;
			}
		}
	}
	if (!rv) {
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			delta_loop(fds, secs, first, count);
			_exit(0);
		}
		if (pid < 0)
			rv = -1;
		else {
			pids_add(pid);
			*writer = pid;
		}
	}
	for (k = 0; k < BENCH_SIDES; k++) {
		if (fds[k] >= 0)
			close(fds[k]);
		free(secs[k]);
	}
	return rv;
}

/*
 * fuzz_util.h - helpers shared by the libFuzzer harnesses in fuzz/:
 * a byte reader that takes parameters from the front of the input (and
 * yields zeros once it is used up), and FZ_CHECK, the invariant check
 * whose failure is a finding (message on stderr, then abort() so that
 * libFuzzer saves the input as a crash artifact).
 *
 * Header-only, no state; each harness is single-threaded.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FZ_CHECK(cond, ...)                                                \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "FUZZ INVARIANT %s:%d: %s: ",      \
				__FILE__, __LINE__, #cond);                \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
			abort();                                           \
		}                                                          \
	} while (0)

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline void fz_in_init(struct fz_in *in, const uint8_t *data, size_t size)
{
	in->p = data;
	in->n = size;
}

static inline uint8_t fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
	uint16_t v = fz_u8(in);

	return (uint16_t)(v | (uint16_t)fz_u8(in) << 8);
}

static inline uint32_t fz_u32(struct fz_in *in)
{
	uint32_t v = fz_u16(in);

	return v | (uint32_t)fz_u16(in) << 16;
}

static inline uint64_t fz_u64(struct fz_in *in)
{
	uint64_t v = fz_u32(in);

	return v | (uint64_t)fz_u32(in) << 32;
}

/* Take up to len bytes; *got receives how many were available. */
static inline const uint8_t *fz_bytes(struct fz_in *in, size_t len, size_t *got)
{
	const uint8_t *p = in->p;

	if (len > in->n)
		len = in->n;
	in->p += len;
	in->n -= len;
	*got = len;
	return p;
}

#endif /* FUZZ_UTIL_H */

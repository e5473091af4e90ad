/*
 * reset_words.c - event bits as log words (see reset_common.h).  Pure.
 */
#include <string.h>

#include "reset_common.h"

static const struct {
	uint64_t bit;
	const char *word;
} reset_words[] = {
	{ EVENT_RESET,     "reset " },
	{ EVENT_RESETTING, "resetting " },
	{ EVENT_REBOOT,    "reboot " },
	{ EVENT_REBOOTING, "rebooting " },
};

void reset_event_words(uint64_t bits, char *buf, size_t size)
{
	size_t i, n, len = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(reset_words) / sizeof(reset_words[0]); i++) {
		if (!(bits & reset_words[i].bit))
			continue;
		n = strlen(reset_words[i].word);
		if (n >= size - len)
			return;   /* whole words only */
		memcpy(buf + len, reset_words[i].word, n + 1);
		len += n;
	}
}

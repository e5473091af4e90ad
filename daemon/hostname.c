/*
 * hostname.c - host name generation (see hostname.h).  No state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>

#include "daemon/hostname.h"

void hostname_uuid_format(char out[HOSTNAME_UUID_LEN + 1],
			  const unsigned char in[16])
{
	unsigned char b[16];

	memcpy(b, in, 16);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	snprintf(out, HOSTNAME_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

void hostname_compose(char out[SANLK_NAME_LEN + 1], const char *configured,
		      const char *uuid, const char *node)
{
	if (configured && configured[0])
		snprintf(out, SANLK_NAME_LEN + 1, "%s", configured);
	else
		snprintf(out, SANLK_NAME_LEN + 1, "%s.%s", uuid, node);
}

int hostname_choose(char out[SANLK_NAME_LEN + 1], const char *configured,
		    char node_out[65])
{
	char uuid[HOSTNAME_UUID_LEN + 1];
	unsigned char b[16];
	struct utsname un;
	size_t got = 0;

	if (uname(&un) < 0)
		snprintf(un.nodename, sizeof(un.nodename), "localhost");
	snprintf(node_out, 65, "%s", un.nodename);

	for (int i = 0; i < 16 && got < sizeof(b); i++) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			got += (size_t)n;
	}
	if (got < sizeof(b))
		return -EIO;
	hostname_uuid_format(uuid, b);
	hostname_compose(out, configured, uuid, node_out);
	return 0;
}

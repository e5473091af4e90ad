# mk/abi.mk - the ABI test programs (tests/abi/abi_check.c), built against
# DEBIAN's sanlock 3.8.5 headers and libraries (package libsanlock-dev):
# deliberately without -Iinclude (our headers) and without $(CPPFLAGS),
# linked against /usr/lib/<multiarch>/libsanlock.so as an unchanged 3.8.5
# caller would be.  tests/integration/test_abi.py runs them with
# LD_LIBRARY_PATH=<build>/lib so that OUR libraries are loaded.
#
#   make abi    -> $(B)/tests/abi/abi_check          (-lsanlock)
#                  $(B)/tests/abi/abi_check_client   (-lsanlock_client)
#
# -MD writes the header dependencies (system headers included) next to each
# binary; test_abi.py reads them to prove /usr/include/sanlock*.h was used.

ABI_SYSINC  := /usr/include
ABI_CFLAGS  := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
               -O1 -g -D_GNU_SOURCE $(SANFLAGS)
ABI_BINS    := $(B)/tests/abi/abi_check $(B)/tests/abi/abi_check_client

.PHONY: abi
abi: $(ABI_BINS)

$(B)/tests/abi/abi_check: tests/abi/abi_check.c
	@test -f $(ABI_SYSINC)/sanlock.h || { echo "abi: $(ABI_SYSINC)/sanlock.h missing (install libsanlock-dev)"; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(ABI_CFLAGS) -MD -MF $@.d -o $@ $< -lsanlock -ldl

$(B)/tests/abi/abi_check_client: tests/abi/abi_check.c
	@test -f $(ABI_SYSINC)/sanlock.h || { echo "abi: $(ABI_SYSINC)/sanlock.h missing (install libsanlock-dev)"; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(ABI_CFLAGS) -DABI_CLIENT -MD -MF $@.d -o $@ $< -lsanlock_client -ldl

# libwdmd: tests/abi/wdmd_check.c against Debian's wdmd.h and libwdmd.so.
ABI_BINS += $(B)/tests/abi/wdmd_check
abi: $(B)/tests/abi/wdmd_check

$(B)/tests/abi/wdmd_check: tests/abi/wdmd_check.c
	@test -f $(ABI_SYSINC)/wdmd.h || { echo "abi: $(ABI_SYSINC)/wdmd.h missing (install libsanlock-dev)"; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(ABI_CFLAGS) -MD -MF $@.d -o $@ $< -lwdmd -ldl

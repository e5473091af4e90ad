# mk/chaos.mk - the mixed-cluster chaos test (tests/chaos/, README there):
# two of our daemons and Debian's sanlock 3.8.5 in one lockspace, clients
# hammering 10 resource leases, random SIGKILLs of clients and whole hosts,
# FUSE I/O faults; a holder log proves that no two holdings overlapped.
#
#   make chaos                     run for CHAOS_SECONDS (default 600)
#   make chaos CHAOS_SECONDS=N     run for N seconds
#   CHAOS_SEED=S                   replay the chaos schedule of seed S
#   CHAOS_ARGS="--keep"            extra arguments for tests/chaos/chaos.py
#
# Results (holder log, daemon logs, summary) go to $(B)/chaos/<seed>/.
# $(B)/tests/chaos_client is part of `all`, so the integration test
# (tests/integration/test_chaos.py) finds it after a plain `make`.

CHAOS_SECONDS ?= 600
CHAOS_SEED    ?=
CHAOS_ARGS    ?=
CHAOS_CLIENT  := $(B)/tests/chaos_client

.PHONY: chaos
all: $(CHAOS_CLIENT)

# Linked against libsanlock_client.so.1 by soname, without an rpath: the
# driver picks ours (LD_LIBRARY_PATH=$(B)/lib) or Debian's per client.
$(CHAOS_CLIENT): $(B)/obj/tests/chaos/chaos_client.o $(B)/lib/libsanlock_client.so.1
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< -L$(B)/lib -lsanlock_client

chaos: all
	/usr/bin/python3 tests/chaos/chaos.py --build $(B) \
	  --seconds $(CHAOS_SECONDS) $(if $(CHAOS_SEED),--seed $(CHAOS_SEED)) \
	  --out $(B)/chaos $(CHAOS_ARGS)

# Top-level build.  Every module is a directory whose *.c files are compiled
# by wildcard into one static archive (build/obj/<module>.a, -fPIC), so adding
# a file never needs a Makefile edit.  Layers (lower never includes higher):
#   common < ondisk < disk < lease < libwdmd < lib < daemon < cli
# plus wdmd/ (the watchdog multiplexer program, over common + libwdmd) and
# reset/ (sanlk-resetd, sanlk-reset: public headers and our shared
# libsanlock_client + libwdmd only, like any outside program).
#
#   make              programs in build/bin, libraries in build/lib
#   make SAN=1        the same with ASan+UBSan into build-san/
#   make check        build + run every test (scripts/test.sh is the CI entry)
#   make unit         build + run the C unit tests only

SAN      ?= 0
B        ?= $(if $(filter 1,$(SAN)),build-san,build)
CC       ?= cc
VERSION  := 3.8.5

CSTD     := -std=gnu11
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 \
            -Wno-format-nonliteral
OPT      := -O2 -g
comma    := ,
SANFLAGS := $(if $(filter 1,$(SAN)),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined,)
CPPFLAGS += -Iinclude -I. -D_GNU_SOURCE -DSANLOCK_VERSION_STR=\"$(VERSION)\"
CFLAGS   += $(CSTD) $(WARN) $(OPT) -fPIC -fvisibility=hidden $(SANFLAGS)
LDFLAGS  += $(SANFLAGS) -Wl,-z,relro -Wl,-z,now
LIBS     := -laio -lpthread -lrt

MODULES  := common ondisk disk lease libwdmd lib daemon cli wdmd reset
# lib/ files that only the full libsanlock gets (local disk access)
LIB_DIRECT_SRC := $(wildcard lib/direct*.c)
LIB_CLIENT_SRC := $(filter-out $(LIB_DIRECT_SRC),$(wildcard lib/*.c))

objs_of   = $(patsubst %.c,$(B)/obj/%.o,$(1))
mod_src   = $(wildcard $(1)/*.c)
mod_objs  = $(call objs_of,$(call mod_src,$(1)))

CORE_OBJS   := $(foreach m,common ondisk disk lease libwdmd,$(call mod_objs,$(m)))
WDMD_OBJS   := $(call mod_objs,wdmd)
LIBWDMD_OBJS:= $(call mod_objs,libwdmd)
CLIENT_OBJS := $(call objs_of,$(LIB_CLIENT_SRC)) $(call mod_objs,common)
DIRECT_OBJS := $(call objs_of,$(LIB_DIRECT_SRC))
DAEMON_OBJS := $(call mod_objs,daemon)
CLI_OBJS    := $(call mod_objs,cli)
# reset/: two programs; every object but their main()s also goes into the
# unit tests.
RESET_MAINS := $(B)/obj/reset/resetd_main.o $(B)/obj/reset/reset_main.o
RESET_OBJS  := $(filter-out $(RESET_MAINS),$(call mod_objs,reset))

PROGS    := $(B)/bin/sanlock $(if $(WDMD_OBJS),$(B)/bin/wdmd) \
            $(if $(RESET_OBJS),$(B)/bin/sanlk-resetd $(B)/bin/sanlk-reset)
LIBSO    := $(B)/lib/libsanlock.so.1.0 $(B)/lib/libsanlock_client.so.1.0 \
            $(if $(LIBWDMD_OBJS),$(B)/lib/libwdmd.so.1.0)
LIBLINKS := $(patsubst %.so.1.0,%.so.1,$(LIBSO))

FAULTFS_SRC := $(wildcard tests/tools/faultfs/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
UNIT_HELP  := $(call objs_of,$(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c)))

.PHONY: all unit check demo clean san sim sim-mutants
all: $(PROGS) $(LIBSO) $(LIBLINKS) $(UNIT_BINS) $(if $(FAULTFS_SRC),$(B)/tests/faultfs)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The sanlock command: CLI + daemon + everything below, linked statically
# from objects (it does not depend on our own .so at run time).
$(B)/bin/sanlock: $(CLI_OBJS) $(DAEMON_OBJS) $(call objs_of,$(wildcard lib/*.c)) $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# libsanlock: client + direct functions; only public names are exported
# (lib/libsanlock.sym lists them).  libsanlock_client: socket client only.
$(B)/lib/libsanlock.so.1.0: $(call objs_of,$(wildcard lib/*.c)) $(CORE_OBJS) lib/libsanlock.sym
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libsanlock.so.1 \
	  -Wl,--version-script=lib/libsanlock.sym -o $@ $(filter %.o,$^) $(LIBS)

$(B)/lib/libsanlock_client.so.1.0: $(CLIENT_OBJS) lib/libsanlock_client.sym
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libsanlock_client.so.1 \
	  -Wl,--version-script=lib/libsanlock_client.sym -o $@ $(filter %.o,$^) -lpthread

# wdmd: the watchdog multiplexer daemon; libwdmd: its client library
# (libwdmd/libwdmd.sym lists the exported names).  wdmd/main.c holds its
# main(); every other wdmd/ object is also linked into the unit tests.
$(B)/bin/wdmd: $(WDMD_OBJS) $(LIBWDMD_OBJS) $(call mod_objs,common)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread -lrt

$(B)/lib/libwdmd.so.1.0: $(LIBWDMD_OBJS) $(call mod_objs,common) libwdmd/libwdmd.sym
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libwdmd.so.1 \
	  -Wl,--version-script=libwdmd/libwdmd.sym -o $@ $(filter %.o,$^)

# sanlk-resetd, sanlk-reset (spec/cli.md §5): compiled without -I. so that
# only include/ (the public headers) is reachable, and linked against our
# shared libsanlock_client and libwdmd as 3.8.5's tools are (only exported
# symbols link).  RUNPATH $ORIGIN/../lib finds build/lib from build/bin;
# installed, the libraries are found in the system library directories
# (LD_LIBRARY_PATH overrides both).
RESET_LDLIBS := -L$(B)/lib -lsanlock_client -lwdmd -Wl,-rpath,'$$ORIGIN/../lib'
RESET_LIBDEPS := $(B)/lib/libsanlock_client.so.1 $(B)/lib/libwdmd.so.1
$(B)/obj/reset/%.o: CPPFLAGS := $(filter-out -I.,$(CPPFLAGS))

$(B)/bin/sanlk-resetd: $(B)/obj/reset/resetd_main.o $(RESET_OBJS) $(RESET_LIBDEPS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(RESET_LDLIBS)

$(B)/bin/sanlk-reset: $(B)/obj/reset/reset_main.o $(RESET_OBJS) $(RESET_LIBDEPS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(RESET_LDLIBS)

$(B)/lib/%.so.1: $(B)/lib/%.so.1.0
	ln -sf $(notdir $<) $@
	ln -sf $(notdir $<) $(B)/lib/$*.so

# Unit tests: one binary per tests/unit/test_*.c, linked with every internal
# object except cli/ and the main()s of wdmd/ and reset/, plus cmocka.
$(B)/tests/test_%: $(B)/obj/tests/unit/test_%.o $(UNIT_HELP) $(call objs_of,$(wildcard lib/*.c)) $(DAEMON_OBJS) $(CORE_OBJS) $(filter-out %/wdmd/main.o,$(WDMD_OBJS)) $(RESET_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

# Deterministic simulation of lease/ (sim/): many hosts in one process over
# a simulated disk and virtual clock.  `make sim SEEDS=N`; `make
# sim-mutants` builds each planted protocol bug (SIM_MUTANT_<NAME>) in its
# own build dir and runs seeds until the checker catches it.
SEEDS    ?= 2000
SIM_OBJS := $(call mod_objs,sim)
$(B)/bin/sanlock-sim: $(SIM_OBJS) $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

sim: $(B)/bin/sanlock-sim
	$(B)/bin/sanlock-sim --seeds $(SEEDS)

sim-mutants:
	@scripts/sim_mutants.sh

# faultfs: FUSE file system for fault injection on the real I/O path
# (tests only; tests/tools/faultfs/*.c, libfuse3).
$(B)/tests/faultfs: $(call objs_of,$(FAULTFS_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $$(pkg-config --libs fuse3) -lpthread

$(B)/obj/tests/tools/faultfs/%.o: tests/tools/faultfs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $$(pkg-config --cflags fuse3) $(CFLAGS) -MMD -MP -c $< -o $@

unit: all
	@scripts/run_unit.sh $(B)

check:
	@scripts/test.sh

demo:
	@scripts/demo.sh

san:
	$(MAKE) SAN=1

clean:
	rm -rf build build-san

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# Further rules live in mk/*.mk (install, packaging, ...), one topic each.
-include $(wildcard mk/*.mk)

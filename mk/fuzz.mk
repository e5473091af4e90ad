# mk/fuzz.mk - coverage-guided fuzzers (libFuzzer + ASan + UBSan, clang)
# for the parsers that take untrusted input; sources and seeds in fuzz/.
# Objects are compiled here from the module sources into build-fuzz/
# (never build/ objects).  Included by the top Makefile, so CPPFLAGS and
# WARN are known.
#
#   make fuzz            build every fuzzer: build-fuzz/bin/fuzz_*
#   make fuzz-run        fuzz each target in turn for FUZZ_SECONDS (20)
#                        from fuzz/corpus/<t> (+ fuzz/regress/<t>); new
#                        inputs go to build-fuzz/corpus/<t>, crashes to
#                        build-fuzz/artifacts/<t>/; non-zero exit on any
#                        crash or invariant violation
#   make fuzz-regress    run every corpus and regression input once
#   make fuzz-cov        line coverage of the module sources reached by
#                        the seeds, regression inputs and the corpus grown
#                        by fuzz-run (clang source coverage, no sanitizers;
#                        report in build-fuzz/cov/report.txt; needs
#                        llvm-profdata and llvm-cov, Debian llvm-14)
#   FUZZ_TARGETS="fuzz_ondisk fuzz_wire"  limits any of these to some targets
#
# Needs clang with the libFuzzer runtime (Debian: clang, libclang-rt-14-dev;
# listed in scripts/deps.sh).  One fuzzer runs at a time (single process).

FUZZ_CC      ?= clang
FZB          := build-fuzz
FUZZ_SECONDS ?= 20
FUZZ_TARGETS ?= fuzz_ondisk fuzz_delta_scan fuzz_paxos_scan fuzz_wire \
                fuzz_strings fuzz_cli_conf
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 $(WARN) -O1 -g -fvisibility=hidden $(FUZZ_SAN) \
                -fsanitize=fuzzer-no-link
FUZZ_LDFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer

FUZZ_ENV_SRC := fuzz/fuzz_memenv.c
FUZZ_STR_SRC := lib/str_res.c lib/str_state.c lib/str_lockspace.c lib/str_path.c
FUZZ_LOG_SRC := common/log.c common/monotime.c

FUZZ_SRC_fuzz_ondisk     := fuzz/fuzz_ondisk.c $(wildcard ondisk/*.c)
FUZZ_SRC_fuzz_delta_scan := fuzz/fuzz_delta_scan.c $(FUZZ_ENV_SRC) \
                            $(wildcard ondisk/*.c) $(wildcard lease/delta_*.c) \
                            $(wildcard lease/paxos_*.c) daemon/hosts.c
FUZZ_SRC_fuzz_paxos_scan := fuzz/fuzz_paxos_scan.c $(FUZZ_ENV_SRC) \
                            $(wildcard ondisk/*.c) $(wildcard lease/paxos_*.c)
FUZZ_SRC_fuzz_wire       := fuzz/fuzz_wire.c daemon/conn.c daemon/client.c \
                            daemon/reply.c daemon/request.c daemon/cmd_check.c \
                            $(FUZZ_LOG_SRC)
FUZZ_SRC_fuzz_strings    := fuzz/fuzz_strings.c $(FUZZ_STR_SRC)
FUZZ_SRC_fuzz_cli_conf   := fuzz/fuzz_cli_conf.c cli/options.c $(FUZZ_STR_SRC) \
                            ondisk/ondisk_sizes.c $(FUZZ_LOG_SRC)

fuzz_objs = $(patsubst %.c,$(FZB)/obj/%.o,$(1))

$(FZB)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

define FUZZ_LINK_RULE
$(FZB)/bin/$(1): $(call fuzz_objs,$(FUZZ_SRC_$(1)))
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $$@ $$^ -lpthread
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_LINK_RULE,$(t))))

# Coverage builds: same sources, instrumented for llvm-cov instead.
FUZZ_COV_CFLAGS := -std=gnu11 $(WARN) -O1 -g -fprofile-instr-generate \
                   -fcoverage-mapping -fsanitize=fuzzer-no-link
fuzz_cov_objs = $(patsubst %.c,$(FZB)/cov/obj/%.o,$(1))

$(FZB)/cov/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_COV_CFLAGS) -MMD -MP -c $< -o $@

define FUZZ_COV_RULE
$(FZB)/cov/bin/$(1): $(call fuzz_cov_objs,$(FUZZ_SRC_$(1)))
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) -fsanitize=fuzzer -fprofile-instr-generate -o $$@ $$^ -lpthread
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_COV_RULE,$(t))))

.PHONY: fuzz fuzz-run fuzz-regress fuzz-cov
fuzz: $(addprefix $(FZB)/bin/,$(FUZZ_TARGETS))

fuzz-run: fuzz
	@fuzz/run.sh run $(FZB) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-regress: fuzz
	@fuzz/run.sh regress $(FZB) 0 $(FUZZ_TARGETS)

fuzz-cov: $(addprefix $(FZB)/cov/bin/,$(FUZZ_TARGETS))
	@fuzz/run.sh cov $(FZB) 0 $(FUZZ_TARGETS)

-include $(shell find $(FZB)/obj $(FZB)/cov/obj -name '*.d' 2>/dev/null)

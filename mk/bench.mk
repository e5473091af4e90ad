# mk/bench.mk - the side-by-side benchmark of our daemon and library
# against Debian's sanlock 3.8.5 (bench/, see bench/README.md).
#
#   make bench        build sanlock, libsanlock and $(B)/bin/sanlock-bench,
#                     make sure Debian's sanlock 3.8.5 is installed
#                     (scripts/deps.sh), then run bench/run.sh: the full
#                     comparison (about 4 minutes), table to stdout and to
#                     $(B)/bench/bench.txt
#   make bench-build  only build $(B)/bin/sanlock-bench
#   BENCH_ARGS="--iters 400"  extra arguments for sanlock-bench
#
# sanlock-bench loads each side's libsanlock.so.1 with dlopen (path given
# on its command line), so it is not linked against either library.

BENCH_OBJS := $(call objs_of,$(wildcard bench/*.c))
BENCH_BIN  := $(B)/bin/sanlock-bench
BENCH_ARGS ?=

.PHONY: bench bench-build
bench-build: $(BENCH_BIN)

$(BENCH_BIN): $(BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -ldl -lm -lpthread

bench: $(BENCH_BIN) $(B)/bin/sanlock $(B)/lib/libsanlock.so.1
	@test -x /usr/sbin/sanlock || scripts/deps.sh
	@command -v strace >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  apt-get install -y strace >/dev/null; } || \
	  echo "bench: strace missing: the I/O rows will be n/a"
	@B=$(B) bench/run.sh $(BENCH_ARGS)

# dcsim: one non-recursive GNU Makefile.
#
#   make                 build ./dcsim
#   make demo            install missing Debian packages, build, run the default scenario
#   make check           build and run the whole test suite under prove
#   make SANITIZE=address,undefined check     the same under ASan + UBSan
#   make bench           run the quick benchmarks in bench/
#   make bench-scale     run the scaling set in bench/scale/ (long: about an hour)
#   make seed-claims     rewrite docs/seed-claims.md: the seeds' claims beside dcsim's figures
#   WERROR=0             do not turn warnings into errors
#
# Objects go to build/ (build-san/ with SANITIZE) so that sanitized and
# plain builds never mix.

CC ?= cc
OPT ?= -O2
WERROR ?= 1
SANITIZE ?=

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wold-style-definition \
	-Wpointer-arith -Wwrite-strings -Wformat=2 -Wundef -Wvla \
	-Wredundant-decls -Wnested-externs -Wimplicit-fallthrough \
	-Wcast-align -Winit-self -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

YAML_CFLAGS := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
# libpcap writes monitor.pcap (report/pcap.c).
PCAP_CFLAGS := $(shell pkg-config --cflags libpcap 2>/dev/null)
PCAP_LIBS := $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

CPPFLAGS += -Isrc -D_POSIX_C_SOURCE=200809L
CFLAGS += -std=c11 $(OPT) -g $(WARNINGS) $(YAML_CFLAGS) $(PCAP_CFLAGS) -MMD -MP
LDLIBS += $(YAML_LIBS) $(PCAP_LIBS) -lm

# BUILD picks the object directory; only the default one puts the binary
# at ./dcsim (parallel work trees use their own, e.g. BUILD=build-x).
ifneq ($(SANITIZE),)
BUILD ?= build-san
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
else
BUILD ?= build
endif
B := $(BUILD)
ifeq ($(B),build)
BIN := dcsim
else
BIN := $(B)/dcsim
endif

LIB_SRCS := $(sort $(wildcard src/sim/*.c src/pkt/*.c src/fabric/*.c \
	src/host/*.c src/transport/*.c src/overlay/*.c src/control/*.c \
	src/storage/*.c src/workload/*.c \
	src/scenario/*.c \
	src/world/*.c src/report/*.c))
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))

# Assembly: the guest programs of the KVM probe (src/host/kvm-guest.S),
# preprocessed by the C compiler; data for the host, not host code.
LIB_ASM := $(sort $(wildcard src/host/*.S))

LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o) $(LIB_ASM:%.S=$(B)/%.o)

# The built-in flow-size CDFs (data/cdf/*.txt) are compiled in through a
# generated source, so the binary finds them from any working directory.
CDF_FILES := $(sort $(wildcard data/cdf/*.txt))
CDF_GEN := $(B)/gen/cdf-data.c
LIB_OBJS += $(B)/gen/cdf-data.o

CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
LIB := $(B)/libdcsim.a

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CPPFLAGS += -DDCSIM_VERSION='"$(VERSION)"'

.PHONY: all demo check test bench bench-scale bench-memlat bench-engine deps clean fuzz \
	seed-claims
.SECONDARY:
all: $(BIN)

# V=1 shows full command lines.
Q := $(if $(V),,@)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(CPPFLAGS) -MMD -MP -c $< -o $@

# data/cdf itself is a prerequisite so that adding or removing a file
# regenerates the table.
$(CDF_GEN): $(CDF_FILES) data/cdf scripts/embed-cdf.sh
	@mkdir -p $(dir $@)
	$(Q)scripts/embed-cdf.sh $(CDF_FILES) >$@.tmp && mv $@.tmp $@

# Embedded files may exceed ISO C's 4095-byte string literal minimum.
$(B)/gen/cdf-data.o: $(CDF_GEN)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-overlength-strings -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/tests/unit/tap.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(B)/tests/unit/tap.o $(LIB) $(LDLIBS)

# tap.c is the test harness, not a test.
UNIT_BINS := $(filter-out $(B)/tests/tap,$(UNIT_BINS))

deps:
	@scripts/install-deps.sh

demo:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory all
	./dcsim run scenarios/spine-leaf.yaml -o results/spine-leaf

# Scripts in tests/cli and tests/scenarios find the binary through
# DCSIM (and the sanitized build dir through DCSIM_BUILD).
# The benchmarks' own programs are built too, so that a change to the
# engine's interface cannot leave them broken unseen.
check:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory $(BIN) $(UNIT_BINS) $(B)/enginefloor \
	  $(B)/memlat
	DCSIM=$(abspath $(BIN)) DCSIM_BUILD=$(abspath $(B)) \
	  prove -j2 --exec '' $(UNIT_BINS) $(sort $(wildcard tests/cli/*.sh tests/scenarios/*.sh))
test: check

bench: $(BIN)
	bench/run.sh

bench-scale: $(BIN)
	bench/run.sh bench/scale/*.yaml

# The memory figures docs/performance.md bounds a hop with: the time per
# random line, alone and with 16 misses in flight, in a cache-sized and a
# fabric-sized working set; then, with 16 in flight, read and written, at
# sizes from 2 MiB to 64 MiB, which show how much of the last level of
# cache the machine gives this process (the knee where the time per line
# rises).
bench-memlat: $(B)/memlat
	@for a in "8 1 0" "1024 1 0" "1024 16 0" "1024 16 1"; do $(B)/memlat $$a; done
	@for m in 2 4 8 16 32 64; do $(B)/memlat $$m 16 1; done

$(B)/memlat: bench/memlat.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

# The event queue's own cost per event, handlers doing nothing but filing
# their event again, at the pending counts of a small and of a large
# fabric (docs/performance.md, "How far this design goes").
bench-engine: $(B)/enginefloor
	@for n in 800 1000 8000 64000; do $(B)/enginefloor $$n; done

$(B)/enginefloor: $(B)/bench/enginefloor.o $(LIB)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

seed-claims: $(BIN)
	DCSIM=$(abspath $(BIN)) scripts/seed-claims.sh

# Coverage-guided fuzzing (clang's libFuzzer) with two harnesses:
# fuzz-scenario feeds the parser; fuzz-world loads, builds the whole
# world and runs a few simulated microseconds of it.  `make fuzz` builds
# both and runs each for FUZZ_SECONDS; new corpus entries go to
# build/fuzz-corpus(-world), crashers to build/fuzz-artifacts/ (copy them
# to tests/fuzz/regress/, which `make check` replays through both).
FUZZ_SECONDS ?= 60
FUZZ_BINS := build/fuzz-scenario build/fuzz-world
FUZZ_SEEDS := scenarios tests/cli/bad-input tests/fuzz/regress
build/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz-world.h tests/fuzz/fuzz-input.h \
		$(LIB_SRCS) $(LIB_ASM) $(CDF_GEN)
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all $(CPPFLAGS) \
	  $(YAML_CFLAGS) $(PCAP_CFLAGS) $< $(LIB_SRCS) $(LIB_ASM) \
	  $(CDF_GEN) $(YAML_LIBS) $(PCAP_LIBS) -lm -o $@

fuzz: $(FUZZ_BINS)
	@mkdir -p build/fuzz-corpus build/fuzz-corpus-world build/fuzz-artifacts
	build/fuzz-scenario -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -artifact_prefix=build/fuzz-artifacts/ \
	  build/fuzz-corpus $(FUZZ_SEEDS)
	build/fuzz-world -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -timeout=60 -rss_limit_mb=2048 \
	  -artifact_prefix=build/fuzz-artifacts/world- \
	  build/fuzz-corpus-world $(FUZZ_SEEDS)

clean:
	rm -rf build build-san dcsim results

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_SRCS:%.c=$(B)/%.d)

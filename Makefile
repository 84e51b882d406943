# wisim — build, test, bench, install.
# `make run` and `make test` do all the set-up on a fresh Debian/Ubuntu
# machine (through `make deps`). `make test SANITIZE=1` runs the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer in build/san/.

VERSION := 0.1.0
PREFIX ?= /usr/local
# Parallel builds inside `make test` (the tests themselves run in order).
NPROC := $(shell nproc 2>/dev/null || echo 2)
CC ?= cc

PKGS := glib-2.0 gmodule-2.0 gthread-2.0 libpcap gsl json-glib-1.0
# Debian's libev-dev ships no pkg-config file: use it when present, else -lev.
EV_CFLAGS := $(shell pkg-config --cflags libev 2>/dev/null)
EV_LIBS := $(shell pkg-config --libs libev 2>/dev/null || echo -lev)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# -ffp-contract=off: no fused multiply-add, so results do not depend on how
# the compiler contracted an expression (DESIGN.md principle 3).
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -g -ffp-contract=off $(WARN) -Iinclude

ifeq ($(SANITIZE),1)
BUILD := build/san
OPT := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SAN_LDFLAGS := -fsanitize=address,undefined
else
BUILD := build
OPT := -O2
SAN_LDFLAGS :=
endif

CFLAGS ?=
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EV_CFLAGS)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(EV_LIBS) -lm
ALL_CFLAGS = $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS) $(CFLAGS) \
  -DWS_VERSION='"$(VERSION)"' -DWS_BUILD_FLAGS='"$(strip $(OPT) $(CFLAGS))"' \
  -DWS_PREFIX='"$(PREFIX)"'

# ---- sources, listed explicitly -------------------------------------------
CORE_SRC := sim/core/sim.c sim/core/rng.c sim/core/units.c sim/core/csv.c
SCENARIO_SRC := sim/scenario/scenario.c sim/scenario/schema.c sim/scenario/world.c sim/scenario/world-radio.c
NET_SRC := sim/net/packet.c sim/net/net.c sim/net/link.c sim/net/queue.c sim/net/queue-red.c sim/net/queue-codel.c sim/net/tcp-cc.c sim/net/tcp-newreno.c sim/net/tcp-cubic.c sim/net/tcp.c
TRAFFIC_SRC := sim/traffic/traffic.c sim/traffic/onoff.c sim/traffic/voip.c sim/traffic/trace-replay.c sim/traffic/bulk.c sim/traffic/ping.c sim/traffic/reqresp.c
METRICS_SRC := sim/metrics/metrics.c sim/metrics/aggregate.c sim/metrics/report.c sim/metrics/report-svg.c sim/metrics/report-sweep.c
CELL_SRC := sim/cell/scheduler.c sim/cell/sched-rr.c sim/cell/sched-pf.c sim/cell/sched-maxci.c sim/cell/layout.c sim/cell/phy.c sim/cell/rlc.c sim/cell/powerctl.c sim/cell/cqi.c sim/cell/cell.c sim/cell/ran.c sim/cell/handover.c
TRACE_SRC := sim/trace/pcap.c sim/trace/ascii.c sim/trace/trace.c
RADIO_SRC := sim/radio/pathloss.c sim/radio/antenna.c sim/radio/shadowing.c sim/radio/fading.c sim/radio/medium.c
MOBILITY_SRC := sim/mobility/mobility.c
LIB_SRC := $(CORE_SRC) $(SCENARIO_SRC) $(NET_SRC) $(TRAFFIC_SRC) $(METRICS_SRC) $(TRACE_SRC) $(RADIO_SRC) $(CELL_SRC) $(MOBILITY_SRC)
CLI_SRC := sim/cli/main.c sim/cli/run.c sim/cli/sweep.c sim/cli/validate.c
# The validation experiments (registry + experiments): linked into both
# `wisim validate` and build/tests/validate-suite, so the two cannot drift.
VALIDATION_SRC := tests/validation/registry.c tests/validation/mg1.c tests/validation/tcp.c tests/validation/queues.c tests/validation/voip.c tests/validation/radio.c tests/validation/mobility.c tests/validation/handover.c

UNIT_TESTS := core rng units csv scenario metrics packet net link queue traffic world queue-red queue-codel tcp-cc trace tcp apps trace-replay aggregate scheduler pathloss antenna report shadowing fading layout phy rlc powerctl cqi medium cell radio-outputs ran handover mobility
VALIDATION_TESTS := suite
BENCHES := hold tcp-bulk fading medium cell

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJ := $(call obj,$(LIB_SRC))
CLI_OBJ := $(call obj,$(CLI_SRC))
VALIDATION_OBJ := $(call obj,$(VALIDATION_SRC))
LIB := $(BUILD)/libwisim.a

TEST_BINS := $(addprefix $(BUILD)/tests/test-,$(UNIT_TESTS)) \
  $(addprefix $(BUILD)/tests/validate-,$(VALIDATION_TESTS))
BENCH_BINS := $(addprefix $(BUILD)/bench-,$(BENCHES))

.PHONY: all deps run test check-deps bench install clean fuzz
all: $(BUILD)/wisim

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DG_LOG_DOMAIN='"$(word 2,$(subst /, ,$<))"' -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/wisim: $(CLI_OBJ) $(VALIDATION_OBJ) $(LIB)
	$(CC) $(OPT) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/test-%: $(BUILD)/obj/tests/unit/test-%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/validate-%: $(BUILD)/obj/tests/validation/%.o $(VALIDATION_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench-%: $(BUILD)/obj/tests/bench/%.o $(LIB)
	$(CC) $(OPT) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- set-up ---------------------------------------------------------------
# Debian packages behind each need; `make deps` installs what is missing.
DEB_PKGS := gcc make pkg-config perl valgrind libglib2.0-dev libpcap-dev libev-dev libgsl-dev libjson-glib-dev tshark chromium time

deps:
	@missing=""; \
	for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	[ -f /usr/include/ev.h ] || pkg-config --exists libev 2>/dev/null || missing="$$missing libev"; \
	command -v prove >/dev/null 2>&1 || missing="$$missing prove"; \
	command -v valgrind >/dev/null 2>&1 || missing="$$missing valgrind"; \
	command -v tshark >/dev/null 2>&1 || missing="$$missing tshark"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v $(CC) >/dev/null 2>&1 || missing="$$missing $(CC)"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "make deps: missing:$$missing"; \
	cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_PKGS)"; \
	if [ "$$(id -u)" -ne 0 ]; then echo "make deps: run as root: $$cmd"; exit 1; fi; \
	sh -c "$$cmd"

# ---- the two commands of the README --------------------------------------
run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/wisim run scenarios/default.ini -o results/default

test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all $(TEST_BINS)
	WISIM=$(abspath $(BUILD)/wisim) WISIM_SANITIZE=$(SANITIZE) prove -e '' $(TEST_BINS) tests/scenarios/run.sh tests/scenarios/pcap.sh tests/scenarios/study.sh tests/scenarios/report.sh

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BINS)
	$(BUILD)/bench-hold 1000 10000000
	$(BUILD)/bench-hold 100000 10000000
	$(BUILD)/bench-hold 1000000 10000000
	$(BUILD)/bench-tcp-bulk 20
	$(BUILD)/bench-fading 210 21 50 200
	$(BUILD)/bench-fading 210 21 9 1000
	$(BUILD)/bench-cell 10
	@$(MAKE) --no-print-directory all
	WISIM=$(BUILD)/wisim tests/bench/sweep.sh
	WISIM=$(BUILD)/wisim tests/bench/hex.sh
	WISIM=$(BUILD)/wisim tests/bench/mobility.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/wisim $(DESTDIR)$(PREFIX)/share/wisim/scenarios
	install -m 755 $(BUILD)/wisim $(DESTDIR)$(PREFIX)/bin/wisim
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/wisim/
	install -m 644 scenarios/*.ini $(DESTDIR)$(PREFIX)/share/wisim/scenarios/

# Coverage-guided fuzzing of the parsers (libFuzzer; needs clang):
#   make fuzz && build/fuzz/fuzz-scenario -max_total_time=60 tests/scenarios/bad
#   build/fuzz/fuzz-world -max_total_time=300 -rss_limit_mb=2048 -timeout=20 CORPUS scenarios tests/scenarios/bad
FUZZERS := units scenario trace world mobility
FUZZ_CFLAGS = $(BASE_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS)
fuzz: $(addprefix build/fuzz/fuzz-,$(FUZZERS))
build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^ $(PKG_LIBS)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
